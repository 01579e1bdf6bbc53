"""The home page shows real numbers from the database, never placeholders."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hopnhat.apps.accounts.models import User
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.directory.actions import update_organisation
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.actions import start_job
from hopnhat.common.testing import client_for, org, user

COUNT = re.compile(r'data-count="(\w+)"[^>]*>\s*([\d.,\s]+?)\s*<')


def counts_on_home(username: str) -> dict[str, int]:
    response = client_for(username).get("/")
    assert response.status_code == 200
    return {
        name: int(re.sub(r"\D", "", value))
        for name, value in COUNT.findall(response.content.decode())
    }


@pytest.mark.parametrize(
    "username", ["demo-admin", "demo-steering", "demo-editor", "demo-viewer-hd"]
)
def test_the_home_page_counts_equal_the_database(demo, username):
    # Make the numbers differ from any default: one inactive organisation, one inactive user, one job.
    update_organisation(
        actor=None,
        org=org("30.TT"),
        expected_version=None,
        changes={"is_active": False},
        system=True,
    )
    User.objects.filter(username="demo-reviewer").update(is_active=False)
    start_job(actor=user("demo-editor"), kind="audit.verify", owner_org=org("31.STC"))

    counts = counts_on_home(username)
    assert counts["organisations"] == Organisation.objects.filter(is_active=True).count()
    assert counts["organisations"] == Organisation.objects.count() - 1
    assert counts["users"] == User.objects.filter(is_active=True).count()
    assert counts["jobs"] == (1 if username in {"demo-steering", "demo-editor"} else 0)
    if username in {"demo-admin", "demo-steering"}:
        # The page view itself writes no record, so the count is the one at render time.
        assert counts["audit"] == AuditRecord.objects.count()
    else:
        assert "audit" not in counts


def test_an_anonymous_visitor_sees_no_numbers(demo):
    response = Client().get("/")
    assert response.status_code == 200
    assert "data-count" not in response.content.decode()
