from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.audit.verification import verify_audit_chain


def _three_records() -> list[AuditRecord]:
    return [
        record_event(actor=None, action=f"test.step{i}", object_type="t", object_id=i)
        for i in (1, 2, 3)
    ]


def test_an_untouched_chain_verifies(db):
    _three_records()
    report = verify_audit_chain()
    assert report.ok
    assert report.checked == 3


def test_a_direct_sql_update_is_reported_with_its_row(db):
    records = _three_records()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET actor_label = %s WHERE seq = %s",
            ["intruder", records[1].seq],
        )
    report = verify_audit_chain()
    assert [(p.seq, p.kind) for p in report.problems] == [(records[1].seq, "changed")]


def test_a_deleted_row_in_the_middle_is_reported(db):
    records = _three_records()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = %s", [records[1].seq])
    report = verify_audit_chain()
    assert (records[1].seq, "missing") in [(p.seq, p.kind) for p in report.problems]


def test_a_deleted_last_row_is_reported_through_the_head(db):
    records = _three_records()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = %s", [records[2].seq])
    assert [p.kind for p in verify_audit_chain().problems] == ["head"]


def test_audit_verify_command_names_the_changed_row_and_fails(db, capsys):
    records = _three_records()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET changes_json = '{}' , action = 'x' WHERE seq = %s",
            [records[0].seq],
        )
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    assert f"TAMPERED #{records[0].seq} changed" in capsys.readouterr().out


def test_records_refuse_update_and_delete_through_the_orm(db):
    record = _three_records()[0]
    record.action = "changed"
    try:
        record.save()
    except RuntimeError:
        pass
    else:
        raise AssertionError("save of an existing audit record must be refused")
    assert AuditRecord.objects.get(pk=record.pk).action == "test.step1"
