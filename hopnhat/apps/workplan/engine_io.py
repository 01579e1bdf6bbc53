"""The only bridge between the directory rows and the directive engine's dataclasses."""

from __future__ import annotations

from hopnhat.apps.directory.models import Organisation, OrganisationKind
from hopnhat.engine.directives import DirectiveProposal, DirectoryEntry, Locality, read_directive

CITY_WORDS = ("thành phố",)


def directory_snapshot() -> tuple[list[DirectoryEntry], list[Locality]]:
    organisations = list(
        Organisation.objects.active().only(
            "pk", "code", "name", "short_name", "aliases", "kind", "path"
        )
    )
    localities = {org.pk: org for org in organisations if org.kind == OrganisationKind.LOCALITY}
    entries: list[DirectoryEntry] = []
    for org in organisations:
        root = next((localities[i] for i in _ancestor_ids(org) if i in localities), None)
        names = tuple(name for name in (org.name, org.short_name, *org.aliases) if name)
        entries.append(DirectoryEntry(org.pk, names, root.code if root else None, org.kind))
    locality_list = [
        Locality(
            org.code,
            tuple(n for n in (org.short_name, org.name) if n),
            is_city=org.name.lower().startswith(CITY_WORDS),
        )
        for org in localities.values()
    ]
    return entries, locality_list


def _ancestor_ids(org: Organisation) -> list[int]:
    return [int(part) for part in org.path.strip("/").split("/") if part]


def propose_from_text(text: str, *, default_locality: str | None) -> DirectiveProposal:
    entries, localities = directory_snapshot()
    return read_directive(
        text, entries=entries, localities=localities, default_locality=default_locality
    )


def locality_code_of(org: Organisation) -> str | None:
    ids = _ancestor_ids(org)
    root = Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.LOCALITY).first()
    return root.code if root else None
