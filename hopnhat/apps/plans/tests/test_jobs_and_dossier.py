"""The dossier downloads, the comment synthesis table, and the optimizer's three jobs."""

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.jobs.actions import execute_job
from hopnhat.apps.jobs.context import JobCancelledError, JobContext
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.apps.plans.actions import assign_reviewer, save_assignment
from hopnhat.apps.plans.engine_io import check_report, plan_snapshot
from hopnhat.apps.plans.models import Plan
from hopnhat.apps.plans.snapshots import old_units_in_scope, payload_of
from hopnhat.apps.plans.tasks import propose_plan
from hopnhat.apps.plans.tests.builders import draft_copy
from hopnhat.common.testing import ApiClient, user
from hopnhat.engine.resolutions import name_key, parse_resolution
from hopnhat.engine.resolutions.tests.tables import hp_crosswalk_table, parsed_assignment

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(plan: Plan, name: str, username: str = "demo-coordinator") -> Any:
    response = ApiClient(username).get(f"/plans/{plan.pk}/{name}")
    assert response.status_code == 200, response.content[:300]
    return response


def _paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


# The dossier ---------------------------------------------------------------------------------


def test_the_annex_of_the_enacted_plan_has_114_units_and_tran_phu_with_its_constituents(enacted):
    response = _download(enacted, "dossier.xlsx")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{enacted.pk}-v1-phu-luc-phuong-an.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 114
    tran_phu = next(r for r in rows if r[1] == "Xã Trần Phú")
    assert tran_phu[2] == "xã"
    assert "Xã Quốc Tuấn (huyện Nam Sách): toàn bộ" in tran_phu[3]
    assert "Xã Hiệp Cát (huyện Nam Sách): toàn bộ" in tran_phu[3]
    assert tran_phu[5] == pytest.approx(119.0, abs=0.1)  # % of 21 km²
    assert tran_phu[7] == pytest.approx(224.61, abs=0.1)  # % of 16,000 people
    assert tran_phu[8] == 3
    download = AuditRecord.objects.get(action="plans.document.download")
    assert download.object_id == str(enacted.pk)
    assert '"document":"dossier.xlsx"' in download.changes_json


def test_the_scheme_has_one_paragraph_per_unit_in_the_government_pattern(enacted):
    response = _download(enacted, "scheme.docx")
    assert response["Content-Type"] == DOCX
    units = [p for p in _paragraphs(response.content) if p.startswith("1.") and "Thành lập" in p]
    assert len(units) == 114
    tran_phu = next(p for p in units if "Thành lập xã Trần Phú trên cơ sở" in p)
    assert "toàn bộ diện tích tự nhiên" in tran_phu
    assert "sau sắp xếp xã Trần Phú có diện tích tự nhiên" in tran_phu
    assert "(đạt 224,61% so với tiêu chuẩn)" in tran_phu


def test_the_draft_resolution_parses_back_to_the_plans_assignment(enacted):
    response = _download(enacted, "resolution.docx")
    resolution = parse_resolution("\n\n".join(_paragraphs(response.content)))
    assert resolution.warnings == ()
    assert len(resolution.units) == 114
    parsed = {
        (code.removeprefix("D") if code else code, new, whole)
        for code, new, whole in parsed_assignment(resolution, hp_crosswalk_table())
    }
    snapshot = plan_snapshot(enacted, with_check=False, with_geometry=False)
    expected = {
        (c.old_code, name_key(u.full_name), c.whole) for u in snapshot.units for c in u.constituents
    }
    assert parsed == expected


def test_the_maps_are_two_pdf_pages(enacted):
    response = _download(enacted, "maps.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Count 2" in response.content


def test_a_reader_who_may_not_see_the_plan_gets_no_document(enacted):
    response = ApiClient("demo-reviewer").get(f"/plans/{enacted.pk}/dossier.xlsx")
    assert response.status_code == 404
    assert AuditRecord.objects.filter(action="plans.plan.read", outcome="denied").count() == 1
    assert not AuditRecord.objects.filter(action="plans.document.download").exists()


def test_the_plan_page_links_the_documents_and_the_jobs(enacted):
    from hopnhat.common.testing import client_for

    plan = draft_copy(enacted)
    page = client_for("demo-coordinator").get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/documents/dossier.xlsx" in page
    assert f"/plans/{plan.pk}/documents/comments.xlsx" in page
    assert f"/plans/{plan.pk}/jobs/repair/" in page
    viewer_page = client_for("demo-viewer").get(f"/plans/{plan.pk}/").content.decode()
    assert "/jobs/repair/" not in viewer_page
    download = client_for("demo-viewer").get(f"/plans/{plan.pk}/documents/scheme.docx")
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX
    started = client_for("demo-coordinator").post(f"/plans/{plan.pk}/jobs/repair/")
    job = Job.objects.get(kind="plans.repair")
    assert started.status_code == 302
    assert started["Location"] == f"/jobs/{job.pk}/"
    assert job.params == {"plan_id": plan.pk, "base_version": 1}


# The comment synthesis table ---------------------------------------------------------------


def test_the_synthesis_table_lists_the_comments_with_their_status(enacted):
    plan = draft_copy(enacted)
    assign_reviewer(actor=user("demo-coordinator"), plan=plan, user=user("demo-reviewer"))
    reviewer, coordinator = ApiClient("demo-reviewer"), ApiClient("demo-coordinator")
    texts = ["Nêu rõ lý do đặt tên.", "Đề nghị giữ tên cũ.", "Bổ sung bản đồ."]
    ids = [
        reviewer.send(
            "POST", f"/plans/{plan.pk}/comments", {"text": t, "unit_key": "10525"}
        ).json()["id"]
        for t in texts
    ]
    base = f"/plans/{plan.pk}/comments"
    coordinator.send(
        "POST", f"{base}/{ids[0]}/resolve", {"status": "addressed", "response": "Đã bổ sung."}
    )
    coordinator.send(
        "POST", f"{base}/{ids[1]}/resolve", {"status": "declined", "response": "Theo Điều 7."}
    )

    response = _download(plan, "comments.xlsx", "demo-reviewer")
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[2] for r in rows] == texts
    assert [r[5] for r in rows] == ["Tiếp thu", "Giải trình (không tiếp thu)", "Chưa xử lý"]
    assert rows[1][4] == "Theo Điều 7."
    assert rows[0][1].startswith(user("demo-reviewer").display_name)
    assert rows[0][3] == "Phường Hải Dương"  # the unit 10525 commented on

    document = Document(io.BytesIO(_download(plan, "comments.docx").content))
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0][0] == "STT"
    assert [row[5] for row in cells[1:]] == [
        "Tiếp thu",
        "Giải trình (không tiếp thu)",
        "Chưa xử lý",
    ]


# The optimizer's jobs ----------------------------------------------------------------------


def _start(plan: Plan, kind: str, body: dict[str, Any] | None = None) -> Job:
    response = ApiClient("demo-coordinator").send(
        "POST", f"/plans/{plan.pk}/jobs/{kind}", body or {}
    )
    assert response.status_code == 201, response.content
    return Job.objects.get(pk=response.json()["id"])


def _run(job: Job) -> Job:
    execute_job(job_id=str(job.pk), worker_id="test-worker")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _without_figures(unit: dict[str, Any]) -> dict[str, Any]:
    return {**unit, "area_km2": None, "population": None, "figures_source": ""}


def test_propose_saves_a_new_version_with_no_floor_violations(enacted):
    plan = draft_copy(enacted)
    job = _run(_start(plan, "propose", {"target_min": 100, "target_max": 125, "seed": 1}))

    result = job.result
    assert result["saved"] is True
    assert result["violations"] == 0, result["violation_messages"]
    assert 100 <= result["units"] <= 125
    plan.refresh_from_db()
    assert plan.version == 2
    version = plan.versions.get(number=2)
    assert version.summary == result["summary"]
    assert f"{result['units']} " in version.summary
    assert plan.new_units.filter(special_zone=True).count() == 2  # Cát Hải, Bạch Long Vĩ kept
    assert len({c["old_code"] for u in payload_of(plan)["units"] for c in u["constituents"]}) == 375
    assert result["check"]["fail"] == 0


def test_complete_fills_the_unassigned_units_and_keeps_every_assigned_one(enacted):
    plan = draft_copy(enacted)
    payload = payload_of(plan)
    # Drop eight units made of whole old units: their 20-odd old units become unassigned.
    whole = [
        u
        for u in payload["units"]
        if not u["special_zone"] and all(c["relation"] == "whole" for c in u["constituents"])
    ]
    dropped = {u["key"] for u in whole[:8]}
    kept_units = [u for u in payload["units"] if u["key"] not in dropped]
    save_assignment(
        actor=user("demo-coordinator"),
        plan=plan,
        expected_version=1,
        payload={"units": kept_units, "not_arranged": []},
    )
    before = {c["old_code"]: u["key"] for u in kept_units for c in u["constituents"]}

    job = _run(_start(plan, "complete"))

    result = job.result
    assert result["saved"] is True
    assert result["violations"] == 0, result["violation_messages"]
    assert result["changes"]["old_units_moved"] == 0
    assert result["changes"]["old_units_placed"] > 0
    assert result["changes"]["divided_kept"] > 0  # the enacted divided units stay as drawn
    plan.refresh_from_db()
    after = payload_of(plan)
    holders = {c["old_code"]: u["key"] for u in after["units"] for c in u["constituents"]}
    assert all(holders[code] == key for code, key in before.items())
    in_scope = set(old_units_in_scope(plan).values_list("code", flat=True))
    assert set(holders) == in_scope
    assert plan.versions.get(number=plan.version).summary == result["summary"]
    assert result["check"]["fail"] == 0


def test_repair_fixes_a_unit_below_the_floors_with_few_moves(enacted):
    plan = draft_copy(enacted)
    payload = payload_of(plan)
    source = next(u for u in payload["units"] if u["name"] == "Trần Phú")
    taken = next(c for c in source["constituents"] if c["old_code"] != source["key"])
    units = [
        _without_figures({**u, "constituents": [c for c in u["constituents"] if c is not taken]})
        if u is source
        else u
        for u in payload["units"]
    ]
    units.append({"key": "T1", "name": "Thử Nghiệm", "constituents": [taken]})
    save_assignment(
        actor=user("demo-coordinator"),
        plan=plan,
        expected_version=1,
        payload={"units": units, "not_arranged": []},
    )
    failing = {
        u["key"] for u in check_report(plan_snapshot(plan))["units"] if u["status"] == "fail"
    }
    assert "T1" in failing

    job = _run(_start(plan, "repair"))

    result = job.result
    assert result["saved"] is True
    assert result["violations"] == 0, result["violation_messages"]
    assert result["changes"]["old_units_moved"] <= 3
    report = check_report(plan_snapshot(plan))
    assert not {u["key"] for u in report["units"] if u["status"] == "fail"} & failing
    assert result["changes"]["units_removed"] == 1  # the unit below the floors is gone
    assert taken["old_code"] in result["changes"]["moved"]


def test_only_editors_of_the_plan_may_start_a_job(enacted):
    plan = draft_copy(enacted)
    response = ApiClient("demo-viewer").send("POST", f"/plans/{plan.pk}/jobs/propose", {})
    assert response.status_code == 403
    assert AuditRecord.objects.filter(action="plans.plan.edit", outcome="denied").count() == 1
    assert not Job.objects.exists()
    enacted_job = ApiClient("demo-coordinator").send("POST", f"/plans/{enacted.pk}/jobs/repair", {})
    assert enacted_job.status_code == 422  # an enacted plan is not edited
    unknown = ApiClient("demo-coordinator").send("POST", f"/plans/{plan.pk}/jobs/shuffle", {})
    assert unknown.status_code == 422


class _CancelOnFirstProgress(JobContext):
    """A user presses Cancel as soon as the search reports its first best plan."""

    def report(self, percent: float, message: str = "") -> None:
        if percent > 1:
            Job.objects.filter(pk=self.job_id).update(cancel_requested=True)
        super().report(percent, message)


def test_cancelling_stops_a_job_and_saves_nothing(enacted):
    plan = draft_copy(enacted)
    job = _start(plan, "propose", {"time_limit_s": 60})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker_id="test-worker")
    job.refresh_from_db()

    with pytest.raises(JobCancelledError):
        propose_plan(_CancelOnFirstProgress(job, worker_id="test-worker"), **job.params)

    plan.refresh_from_db()
    assert plan.version == 1
