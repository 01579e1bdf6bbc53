"""The bulk page: upload, map the columns, a background job (run here in-process), download."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hopnhat.apps.address.tests.builders import ADDRESS_TABLE, csv_bytes
from hopnhat.apps.jobs.actions import execute_job
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.common.testing import client_for

pytestmark = pytest.mark.django_db


def upload_and_start(client, data: bytes, columns: list[str], name: str = "register.csv") -> Job:
    response = client.post("/address/bulk/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content
    columns_url = response["Location"]
    page = client.get(columns_url)
    assert columns[0] in page.content.decode()
    response = client.post(columns_url, {"columns": columns, "on": "2025-07-01"})
    assert response.status_code == 302, response.content
    return Job.objects.get()


def test_a_table_converts_in_a_background_job_with_a_status_per_row(territory, demo):
    client = client_for("demo-editor")
    job = upload_and_start(client, csv_bytes(ADDRESS_TABLE), ["dia_chi"])
    assert (job.kind, job.params["total_rows"]) == ("address.convert_file", 4)
    page = client.get(f"/address/bulk/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-progress"' in page

    execute_job(job_id=str(job.pk), worker_id="test-worker")

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["by_status"] == {"converted": 2, "ambiguous": 1, "not_found": 1}
    download = client.get(f"/jobs/{job.pk}/result")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [r["status"] for r in rows] == ["converted", "ambiguous", "converted", "not_found"]
    assert rows[1]["candidates"] == "10804|10843"
    assert 'data-testid="download"' in client.get(f"/address/bulk/jobs/{job.pk}/").content.decode()


def test_the_address_can_be_spread_over_several_columns(territory, demo):
    table = [
        ["so_nha", "xa", "huyen", "tinh"],
        ["số 5 Lê Lợi", "P. Trần Hưng Đạo", "TP Hải Dương", "Hải Dương"],
    ]
    client = client_for("demo-editor")
    job = upload_and_start(client, csv_bytes(table), ["so_nha", "xa", "huyen", "tinh"], "t.csv")
    execute_job(job_id=str(job.pk), worker_id="test-worker")
    job.refresh_from_db()
    assert job.result["by_status"] == {"converted": 1}


def test_an_xlsx_register_is_read_too(territory, demo):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in ADDRESS_TABLE:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for("demo-editor")
    job = upload_and_start(client, buffer.getvalue(), ["dia_chi"], "register.xlsx")
    execute_job(job_id=str(job.pk), worker_id="test-worker")
    job.refresh_from_db()
    assert job.result["rows"] == 4


def test_another_user_cannot_see_an_upload_or_its_job(territory, demo):
    client = client_for("demo-editor")
    response = client.post(
        "/address/bulk/", {"file": SimpleUploadedFile("r.csv", csv_bytes(ADDRESS_TABLE))}
    )
    other = client_for("demo-editor-hd")
    assert other.get(response["Location"]).status_code == 404
    job = upload_and_start(client, csv_bytes(ADDRESS_TABLE), ["dia_chi"])
    assert other.get(f"/address/bulk/jobs/{job.pk}/").status_code == 404


def test_the_bulk_page_needs_a_login(territory):
    from django.test import Client

    assert Client().get("/address/bulk/").status_code == 302
