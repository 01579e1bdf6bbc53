"""Checks the translation catalogues; `make check` runs `python -m hopnhat.common.i18n_check`.

It fails when:

- a message used by the code or the templates (gettext and friends, {% translate %},
  {% blocktranslate %}) is missing from the Vietnamese catalogue: the messages are extracted
  with Django's makemessages from a temporary copy of the sources, so the committed
  catalogue is never touched;
- a Vietnamese entry is untranslated or fuzzy, or its placeholders differ from the source;
- a committed .mo file is missing or does not match its .po (run `make i18n`).

`make i18n` regenerates and compiles the catalogues; translate the new Vietnamese entries,
then run it again to compile them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
TARGET_LANGUAGE = "vi"
# English is the source language: its catalogue exists but its entries may stay empty.
CATALOGUE_LANGUAGES = ("vi", "en")
VI_PLURAL_FORMS = "nplurals=1; plural=0;"
# What `make i18n` leaves out of the scan, relative to the package directory.
IGNORED_SOURCES = ("static/vendor", "data")
SCANNED_SUFFIXES = (".py", ".html", ".txt")
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]|\{[A-Za-z_]\w*\}")

Key = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)


@dataclass
class Report:
    message_count: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"i18n: {self.message_count} messages, all translated"
        return f"i18n: {len(self.problems)} problem(s) in {self.message_count} messages"


def _key(entry: Any) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _label(key: Key) -> str:
    context, msgid, plural = key
    text = repr(msgid)
    if plural:
        text += f" (plural {plural!r})"
    if context:
        text += f" [context {context!r}]"
    return text


def _po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def _ignore_for_copy(package_dir: Path) -> Callable[[str, list[str]], Iterable[str]]:
    ignored_dirs = {(package_dir / rel).resolve() for rel in IGNORED_SOURCES}
    ignored_dirs.add((package_dir / "locale").resolve())

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name == "__pycache__" or name.startswith(".") or path.resolve() in ignored_dirs:
                    skipped.add(name)
            elif not name.endswith(SCANNED_SUFFIXES):
                skipped.add(name)
        return skipped

    return ignore


def extract_messages(package_dir: Path = PACKAGE_DIR) -> set[Key]:
    """The messages `make i18n` would put in the catalogue, extracted without touching it."""
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
        django.setup()
    with tempfile.TemporaryDirectory(prefix="hopnhat-i18n-") as tmp:
        source = Path(tmp) / "hopnhat"
        shutil.copytree(package_dir, source, ignore=_ignore_for_copy(package_dir))
        (source / "locale").mkdir()
        previous_cwd = os.getcwd()
        try:
            # makemessages scans the current directory and writes next to the `locale` it finds
            # there; with LOCALE_PATHS emptied, only the temporary copy is ever written.
            os.chdir(source)
            with override_settings(LOCALE_PATHS=[]):
                call_command(
                    "makemessages",
                    locale=[TARGET_LANGUAGE],
                    no_obsolete=True,
                    no_location=True,
                    verbosity=0,
                )
        finally:
            os.chdir(previous_cwd)
        extracted = _po_path(TARGET_LANGUAGE, source / "locale")
        if not extracted.exists():  # no translatable message at all
            return set()
        return {_key(entry) for entry in polib.pofile(str(extracted)) if not entry.obsolete}


def _compiled(entries: Iterable[Any]) -> dict[Key, tuple[str, ...]]:
    compiled: dict[Key, tuple[str, ...]] = {}
    for entry in entries:
        if entry.msgid_plural:
            values = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            values = (entry.msgstr,)
        compiled[_key(entry)] = values
    return compiled


def check_compiled(language: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The committed .mo must hold exactly what compiling the committed .po gives."""
    po_path = _po_path(language, locale_dir)
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"{language}: catalogue {po_path} is missing (run `make i18n`)"]
    if not mo_path.exists():
        return [f"{language}: compiled catalogue {mo_path} is missing (run `make i18n`)"]
    po = polib.pofile(str(po_path))
    expected = polib.mofile(po.to_binary())
    committed = polib.mofile(str(mo_path))
    problems = []
    if _compiled(expected) != _compiled(committed):
        problems.append(
            f"{language}: {mo_path.name} is out of date with {po_path.name} (run `make i18n`)"
        )
    if expected.metadata.get("Plural-Forms") != committed.metadata.get("Plural-Forms"):
        problems.append(f"{language}: {mo_path.name} has other plural forms than {po_path.name}")
    return problems


def check_translations(po: Any) -> list[str]:
    """Every Vietnamese entry is translated, not fuzzy, and keeps the source's placeholders."""
    problems = []
    if po.metadata_is_fuzzy:
        problems.append(f"{TARGET_LANGUAGE}: the catalogue header is marked fuzzy")
    plural_forms = po.metadata.get("Plural-Forms", "").replace(" ", "")
    if plural_forms.rstrip(";") != VI_PLURAL_FORMS.replace(" ", "").rstrip(";"):
        problems.append(f"{TARGET_LANGUAGE}: Plural-Forms must be {VI_PLURAL_FORMS!r}")
    for entry in po:
        if entry.obsolete:
            continue
        label = _label(_key(entry))
        if "fuzzy" in entry.flags:
            problems.append(f"{TARGET_LANGUAGE}: fuzzy: {label}")
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not translations or not all(translation.strip() for translation in translations):
            problems.append(f"{TARGET_LANGUAGE}: untranslated: {label}")
            continue
        sources = {entry.msgid, entry.msgid_plural} - {""}
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in sources))
        for translation in translations:
            if set(PLACEHOLDER.findall(translation)) != wanted:
                problems.append(f"{TARGET_LANGUAGE}: placeholders differ from the source: {label}")
                break
    return problems


def run_checks(*, locale_dir: Path = LOCALE_DIR, package_dir: Path = PACKAGE_DIR) -> Report:
    report = Report()
    po_path = _po_path(TARGET_LANGUAGE, locale_dir)
    if not po_path.exists():
        report.problems.append(
            f"{TARGET_LANGUAGE}: catalogue {po_path} is missing (run `make i18n`)"
        )
        return report
    po = polib.pofile(str(po_path))
    catalogue = {_key(entry) for entry in po if not entry.obsolete}
    report.message_count = len(catalogue)

    used = extract_messages(package_dir)
    for key in sorted(used - catalogue):
        report.problems.append(f"{TARGET_LANGUAGE}: not in the catalogue: {_label(key)}")
    unused = catalogue - used
    if unused:
        report.notes.append(
            f"{len(unused)} catalogue entr{'y is' if len(unused) == 1 else 'ies are'} no longer "
            "used; `make i18n` removes them"
        )
    report.problems.extend(check_translations(po))
    for language in CATALOGUE_LANGUAGES:
        report.problems.extend(check_compiled(language, locale_dir))
    return report


def main() -> int:
    report = run_checks()
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    for note in report.notes:
        print(f"  note: {note}")
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    if not report.ok:
        print(
            "Fix: `make i18n`, translate the new entries of hopnhat/locale/vi/LC_MESSAGES/django.po, "
            "then `make i18n` again to compile.",
            file=sys.stderr,
        )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
