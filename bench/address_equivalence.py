"""Same answers before and after a change to the address engine: an equivalence harness.

    .venv/bin/python bench/address_equivalence.py save   [--out var/address_equivalence.tsv]
    .venv/bin/python bench/address_equivalence.py compare [--out var/address_equivalence.tsv]

`save` converts a large varied set of addresses with the engine as it stands and writes every
field of every answer (one line per address); `compare` converts the same set again and lists
each address whose answer differs. A speed-up of the matcher must give 0 differences (or each
difference explained as a fix and covered by a test).

The set (deterministic, about 180,000 addresses): the labelled evaluation rows of
bench/address_eval.py over several seeds and sample sizes; each old commune of the NSO table
written in full, without marks, and with its commune, district or province misspelt (a letter
dropped, doubled, changed or two swapped) or its commas dropped; and every evaluation row
mutated the same ways. Mutated rows include many that name nothing, or name units that do not
go together: the slow paths of the matcher.
Uses a throw-away SQLite database under HOPNHAT_VAR_DIR (never the working one).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HOPNHAT_VAR_DIR", tempfile.mkdtemp(prefix="hopnhat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['HOPNHAT_VAR_DIR']}/bench-address.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.address_eval import generate, load  # noqa: E402
from hopnhat.apps.address import engine_io  # noqa: E402
from hopnhat.apps.territory.actions import load_territory  # noqa: E402
from hopnhat.apps.territory.models import Unit  # noqa: E402
from hopnhat.engine.address import convert  # noqa: E402
from hopnhat.engine.text import fold  # noqa: E402

ON = datetime.date(2025, 7, 1)
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ"


def registry() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if not Unit.objects.exists():
        load_territory(actor=None)


def misspelt(text: str, rng: random.Random) -> str:
    """One edit inside a word: a letter dropped, doubled, changed, or two swapped."""
    inside = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i - 1].isalpha()]
    if not inside:
        return text
    i = rng.choice(inside)
    how = rng.randrange(4)
    if how == 0:
        return text[:i] + text[i + 1 :]
    if how == 1:
        return text[:i] + text[i] + text[i:]
    if how == 2:
        return text[:i] + rng.choice(LETTERS) + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if i + 1 < len(text) else text


def mutations(address: str, rng: random.Random) -> list[str]:
    parts = [p.strip() for p in address.split(",") if p.strip()]
    found = [fold(address), address.replace(",", " "), address.lower()]
    if parts:
        k = rng.randrange(len(parts))
        found.append(", ".join(misspelt(p, rng) if i == k else p for i, p in enumerate(parts)))
        found.append(", ".join(parts[1:]))  # the first part left out
        found.append(", ".join(reversed(parts)))
    return found


def addresses() -> list[str]:
    found: list[str] = []
    for per_province, seed in ((45, 7), (45, 1), (45, 2), (120, 3), (250, 4)):
        rows = generate(per_province, seed)
        found.extend(row["address"] for row in rows)
    rng = random.Random(11)
    found.extend([m for address in list(found) for m in mutations(address, rng)])
    communes, _ = load()
    for old in sorted(communes.values(), key=lambda o: o.code):
        full = f"{old.name}, {old.district}, {old.province}"
        found.append(full)
        found.append(fold(full))
        parts = [old.name, old.district, old.province]
        k = rng.randrange(3)
        found.append(", ".join(misspelt(p, rng) if i == k else p for i, p in enumerate(parts)))
    return found


def answer_line(address: str, index) -> str:  # type: ignore[no-untyped-def]
    answer = convert(address, index)
    return repr(dataclasses.astuple(answer))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("save", "compare"))
    parser.add_argument("--out", type=Path, default=Path("var/address_equivalence.tsv"))
    args = parser.parse_args()
    registry()
    inputs = addresses()
    index = engine_io.index_on(ON)
    started = time.perf_counter()
    lines = [answer_line(address, index) for address in inputs]
    seconds = time.perf_counter() - started
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    print(f"{len(inputs):,} addresses converted in {seconds:.1f} s; answers digest {digest}")
    if args.mode == "save":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            for address, line in zip(inputs, lines, strict=True):
                handle.write(f"{address}\t{line}\n")
        print(f"saved: {args.out}")
        return
    with open(args.out, encoding="utf-8") as handle:
        saved = [line.rstrip("\n").split("\t", 1) for line in handle]
    if [address for address, _ in saved] != inputs:
        sys.exit("the saved set holds other addresses: save again with the old engine")
    differences = [
        (address, before, after)
        for (address, before), after in zip(saved, lines, strict=True)
        if before != after
    ]
    for address, before, after in differences[:20]:
        print(f"\n{address}\n  before: {before}\n  after:  {after}")
    print(f"\n{len(differences)} differences on {len(inputs):,} addresses")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
