from collections.abc import Iterator
from typing import Any

import pytest

from hopnhat.apps.territory.actions import load_territory


@pytest.fixture(scope="module")
def territory(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The shipped registry, loaded once per test module and removed after."""
    from hopnhat.apps.territory.models import ChangeEvent, LegalDocument, LineageEdge, Unit

    with django_db_blocker.unblock():
        counts = load_territory(actor=None)
        yield counts
        LineageEdge.objects.all().delete()
        ChangeEvent.objects.all().delete()
        LegalDocument.objects.all().delete()
        for level in ("commune", "district", "province"):  # children before their parents
            Unit.objects.filter(level=level).delete()
        from hopnhat.apps.audit.models import AuditChainHead, AuditRecord

        AuditRecord.objects.all().delete()
        AuditChainHead.objects.all().delete()


@pytest.fixture
def enacted(demo: None, territory: dict[str, int]) -> Any:
    """The NQ 1669 plan, owned by Sở Nội vụ Hải Phòng, as the demo command loads it."""
    from hopnhat.apps.plans.registry import load_enacted_plan

    return load_enacted_plan(actor=None)
