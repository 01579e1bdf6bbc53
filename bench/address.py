"""hopnhat's address conversion against `vietnamadminunits` (its 2025 converter), same inputs,
one run, one core.

Run: .venv/bin/python bench/address.py [--per-province 45] [--rounds 3] [--bulk 1000000]
(`pip install vietnamadminunits` into the virtualenv first; it is not a project dependency.)

The labelled set comes from bench/address_eval.py (the official NSO table only). Scoring:
- undivided rows: exact when the tool answers the expected new code (hopnhat: converted);
- divided rows: correct when the tool returns the full candidate set (hopnhat: ambiguous with
  exactly the NSO set); a "silent single answer" is one code given as the answer;
- negative rows: flagged when the tool gives no new commune (hopnhat: not_found or invalid).
The peer's geocoder (geopy Nominatim, used for divided communes with a street) is switched off:
the bench runs offline, so the peer falls back to its default ward, as it does when geocoding
fails.
Timing: the tools take turns for --rounds rounds (default 5) on the same inputs in this one
process, so that other work on the machine slows both alike; each tool's figure is its median
round, and the headline is the ratio of the medians (each round's own ratio is printed too).
hopnhat's headline figure is the shipped configuration, without any cache (index.memo and
index.above None): every address is read from scratch. The optional memo (readings by the last
address parts, which registers repeat) is emptied before each round and reported on its own line.
Uses a throw-away SQLite database under HOPNHAT_VAR_DIR (never the working one).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HOPNHAT_VAR_DIR", tempfile.mkdtemp(prefix="hopnhat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['HOPNHAT_VAR_DIR']}/bench-address.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.address_eval import generate  # noqa: E402
from hopnhat.apps.address import engine_io  # noqa: E402
from hopnhat.apps.address.actions import convert_file  # noqa: E402
from hopnhat.apps.territory.actions import load_territory  # noqa: E402
from hopnhat.apps.territory.models import Unit  # noqa: E402
from hopnhat.engine.address import AMBIGUOUS, INVALID, NOT_FOUND, convert  # noqa: E402

ON = datetime.date(2025, 7, 1)


def registry() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if not Unit.objects.exists():
        load_territory(actor=None)


def run_hopnhat(rows, *, memo: bool):  # type: ignore[no-untyped-def]
    index = engine_io.index_on(ON)  # built once (first round), outside the timing
    # Caches emptied before timing; without them every address is read from scratch.
    index.memo = {} if memo else None
    index.above = None
    started = time.perf_counter()
    answers = [convert(row["address"], index) for row in rows]
    seconds = time.perf_counter() - started
    scored = []
    for answer in answers:
        codes = {c.code for c in answer.candidates}
        single = answer.new_ward_code if answer.status in ("converted", "unchanged") else None
        scored.append(
            (
                single,
                codes if answer.status == AMBIGUOUS else set(),
                answer.status in (NOT_FOUND, INVALID),
            )
        )
    return scored, seconds


def run_peer(rows):  # type: ignore[no-untyped-def]
    import vietnamadminunits.converter.converter_2025 as peer
    from vietnamadminunits import convert_address

    peer.get_geo_location = lambda address: None  # offline: no geocoder
    started = time.perf_counter()
    scored: list[tuple[str | None, set[str], bool]] = []
    for row in rows:
        try:
            unit = convert_address(row["address"])
            code = unit.ward_code
        except Exception:
            code = None
        scored.append((code, set(), code is None))
    return scored, time.perf_counter() - started


def score(rows, answers) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    single = divided = negative = exact = full_set = silent = flagged = 0
    misses: Counter[str] = Counter()
    for row, (code, candidates, is_flagged) in zip(rows, answers, strict=True):
        expected = set(row["expected"].split("|")) if row["expected"] else set()
        if row["kind"] == "single":
            single += 1
            exact += code in expected
            if code not in expected:
                misses[row["variant"]] += 1
        elif row["kind"] == "divided":
            divided += 1
            full_set += candidates == expected
            silent += code is not None
        else:
            negative += 1
            flagged += is_flagged
    return {
        "exact": exact / single, "full_set": full_set / divided, "silent": silent,
        "flagged": flagged / negative, "single": single, "divided": divided,
        "negative": negative, "misses": dict(misses),
    }  # fmt: skip


def bulk(rows, count: int) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ["HOPNHAT_VAR_DIR"])
    source, out = folder / "bulk.csv", folder / "bulk-out.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "dia_chi"])
        for i in range(count):
            # A register: each row its own house number, the units repeating as they do.
            writer.writerow([i, f"số {i % 997 + 1}, {rows[i % len(rows)]['address']}"])
    engine_io.clear_cache()
    started = time.perf_counter()
    summary = convert_file(source=source, out=out, columns=["dia_chi"], on=ON)
    seconds = time.perf_counter() - started
    print(
        f"bulk path (actions.convert_file, CSV in -> CSV out, gazetteer build included): "
        f"{summary.rows:,} rows in {seconds:.1f} s = {summary.rows / seconds:,.0f} rows/s "
        f"(goal < 120 s) {dict(summary.by_status)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-province", type=int, default=45)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--bulk", type=int, default=0, help="also time N rows through the bulk path"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per tool, taking turns")
    args = parser.parse_args()
    registry()
    rows = generate(args.per_province, args.seed)
    print(
        f"{len(rows)} rows from the NSO table, {len({r['old_province_code'] for r in rows})} old provinces"
    )
    runs = {
        "hopnhat (as shipped, no caches: every row read from scratch)": lambda: run_hopnhat(
            rows, memo=False
        ),
        "hopnhat (optional memo by the last address parts, emptied first)": lambda: run_hopnhat(
            rows, memo=True
        ),
        "vietnamadminunits 1.0.4": lambda: run_peer(rows),
    }
    # The tools take turns, round after round, on the same inputs in this one process (other
    # work on the machine slows whichever runs at the time): each keeps its median round.
    answers: dict[str, list] = {}
    rounds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, run in runs.items():
            answers[name], seconds = run()
            rounds[name].append(seconds)
    ours_name = "hopnhat (as shipped, no caches: every row read from scratch)"
    peer_name = "vietnamadminunits 1.0.4"
    size = len(rows)
    median = {name: size / statistics.median(times) for name, times in rounds.items()}
    # The headline first, then each tool's figures and accuracy.
    # Each round's ratio: hopnhat's round against the peer's round right after it.
    per_round = [
        peer / ours for ours, peer in zip(rounds[ours_name], rounds[peer_name], strict=True)
    ]
    print(
        f"THROUGHPUT RATIO (same inputs, one process, one core, {args.rounds} interleaved "
        f"rounds, medians): hopnhat without caches {median[ours_name]:,.0f} rows/s vs "
        f"vietnamadminunits {median[peer_name]:,.0f} rows/s = "
        f"{median[ours_name] / median[peer_name]:.1f}x (goal >= 10x); "
        f"round by round: {', '.join(f'{r:.1f}x' for r in per_round)}"
    )
    for name, found in answers.items():
        s = score(rows, found)
        print(
            f"\n{name}\n"
            f"  rows/s (one core), median:    {median[name]:,.0f}  ({1e6 / median[name]:.0f} µs/row; "
            f"{median[name] / median[peer_name]:.1f}x vietnamadminunits; rounds: "
            f"{', '.join(f'{size / t:,.0f}' for t in rounds[name])})\n"
            f"  undivided exact:              {s['exact']:.2%} of {s['single']}  (goal >= 99.8%)\n"
            f"  divided, full candidate set:  {s['full_set']:.2%} of {s['divided']}  (goal 100%)\n"
            f"  divided, silent single answer: {s['silent']}  (goal 0)\n"
            f"  negatives flagged:            {s['flagged']:.2%} of {s['negative']}  (goal >= 97%)\n"
            f"  undivided misses by variant:  {s['misses']}"
        )
    if args.bulk:
        bulk(rows, args.bulk)


if __name__ == "__main__":
    main()
