"""Bad tables on the bulk path: a clear error naming the row and column, and nothing changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from hopnhat.apps.address import actions
from hopnhat.apps.address.actions import convert_file
from hopnhat.apps.address.tests.builders import ADDRESS_TABLE, KIM_THANH_HOA_BINH, csv_bytes
from hopnhat.apps.jobs.actions import execute_job
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.common.errors import ValidationFailedError
from hopnhat.common.testing import client_for

pytestmark = pytest.mark.django_db


def english_client():
    client = client_for("demo-editor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the language switcher sets it
    return client


def upload(client, data: bytes, name: str = "register.csv") -> str:
    response = client.post("/address/bulk/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content
    return response["Location"]


def uploads() -> list[str]:
    folder = Path(settings.VAR_DIR) / "address" / "uploads"
    return sorted(p.name.split(".", 1)[1] for p in folder.iterdir())


def test_mapping_a_column_the_file_lacks_names_it_and_starts_no_job(territory, demo):
    client = english_client()
    columns_url = upload(client, csv_bytes(ADDRESS_TABLE))
    response = client.post(columns_url, {"columns": ["adresse"]})
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is no column &#x27;adresse&#x27; in the file" in page
    assert "stt, ho_ten, dia_chi" in page
    assert not Job.objects.exists()


def test_a_row_that_is_not_utf8_is_named_on_the_column_page_and_starts_no_job(territory, demo):
    table = csv_bytes(ADDRESS_TABLE[:2])
    table += "3,Lê Văn C,".encode() + "Xã Hòa Bình".encode("latin-1") + b"\n"  # not UTF-8
    client = english_client()
    columns_url = upload(client, table)
    response = client.post(columns_url, {"columns": ["dia_chi"]})
    assert response.status_code == 422
    assert "Row 3, column “dia_chi” is not UTF-8 text" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("broken_row", "message"),
    [
        # An unquoted comma inside the address pushes a value past the header's last column.
        ("9,Phạm D,Xã Hòa Bình, Huyện Kim Thành", "Row 10 has a value in column 4, beyond the 3"),
        # A quotation mark that is never closed would swallow the rows after it.
        ('9,Phạm D,"Xã Hòa Bình', "Row 10 is not valid CSV"),
    ],
)
def test_a_broken_row_fails_the_job_naming_it_and_leaves_no_result(
    territory, demo, broken_row, message
):
    # Past the first rows the column page previews, so that the job is what meets it.
    rows = [[str(i), "Đỗ E", KIM_THANH_HOA_BINH] for i in range(1, 9)]
    lines = csv_bytes([["stt", "ho_ten", "dia_chi"], *rows]).decode().splitlines()
    table = "\n".join([*lines, broken_row, '10,Lê G,"Xã Hòa Bình, Vĩnh Bảo"']).encode()
    client = english_client()
    columns_url = upload(client, table)
    assert client.post(columns_url, {"columns": ["dia_chi"]}).status_code == 302
    job = Job.objects.get()
    assert job.params["total_rows"] == 10

    execute_job(job_id=str(job.pk), worker_id="test-worker")

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert message in job.message
    assert not job.result_file
    # All or nothing: no converted part of the table is left behind, only the upload itself.
    assert uploads() == ["csv", "owner"]
    page = client.get(f"/address/bulk/jobs/{job.pk}/").content.decode()
    assert message in page.replace("&#x27;", "'")
    assert 'data-testid="download"' not in page


def test_rows_shorter_than_the_header_are_padded_not_refused(territory, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes([["stt", "dia_chi", "ghi_chu"], ["1", KIM_THANH_HOA_BINH]]))
    summary = convert_file(source=source, out=out, columns=["dia_chi"])
    assert summary.rows == 1
    row = next(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (row["ghi_chu"], row["status"]) == ("", "ambiguous")


def test_a_failed_conversion_leaves_the_previous_output_alone(territory, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    out.write_text("an earlier result\n", encoding="utf-8")
    source.write_bytes(b"stt,dia_chi\n1,a,b\n")
    with pytest.raises(ValidationFailedError, match="Row 2 has a value in column 3"):
        convert_file(source=source, out=out, columns=["dia_chi"])
    assert out.read_text(encoding="utf-8") == "an earlier result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_progress_is_reported_while_the_rows_are_converted(territory, tmp_path, monkeypatch):
    monkeypatch.setattr(actions, "PROGRESS_SECONDS", 0.0)
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = [["stt", "dia_chi"]] + [[str(i), KIM_THANH_HOA_BINH] for i in range(2_500)]
    source.write_bytes(csv_bytes(rows))
    seen: list[int] = []
    summary = convert_file(source=source, out=out, columns=["dia_chi"], progress=seen.append)
    assert seen == [1_000, 2_000]
    assert summary.rows == 2_500


def test_a_large_upload_is_kept_from_djangos_temporary_file(territory, demo, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload spooled to disk, as a big one is
    client = client_for("demo-editor")
    columns_url = upload(client, csv_bytes(ADDRESS_TABLE))
    assert client.post(columns_url, {"columns": ["dia_chi"]}).status_code == 302
    job = Job.objects.get()
    assert job.params["total_rows"] == 4
    execute_job(job_id=str(job.pk), worker_id="test-worker")
    job.refresh_from_db()
    assert job.result["rows"] == 4


def test_a_broken_row_among_the_first_is_named_on_the_column_page(territory, demo):
    lines = csv_bytes(ADDRESS_TABLE[:3]).decode().splitlines()
    client = english_client()
    columns_url = upload(client, "\n".join([*lines, '3,Lê Văn C,"Xã Hòa Bình']).encode())
    page = client.get(columns_url)
    assert page.status_code == 422
    assert "Row 4 is not valid CSV" in page.content.decode()
    assert client.post(columns_url, {"columns": ["dia_chi"]}).status_code == 422
    assert not Job.objects.exists()
