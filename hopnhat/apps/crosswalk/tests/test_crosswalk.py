"""Crosswalk of a real HD + HP table to the new units, through the action, page, API and CLI."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.crosswalk.actions import run_crosswalk
from hopnhat.apps.crosswalk.importers import _cell_error, read_table
from hopnhat.apps.crosswalk.tests.builders import (
    BY_AREA,
    BY_POPULATION,
    ROWS,
    csv_bytes,
    values_by_code,
    xlsx_bytes,
)
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.django_db


def run(data: bytes = b"", *, filename: str = "bang.csv", **options):
    table = read_table(data or csv_bytes(), filename=filename, key="ma_xa")
    return run_crosswalk(actor=None, table=table, source_name=filename, **options)


def not_a_number_in_vietnamese(row: int, column: str, value: str) -> str:
    """The cell error as a request sees it: pages and the API speak Vietnamese by default."""
    with translation.override("vi"):
        return _cell_error(row, column, _("'%(value)s' is not a number") % {"value": value})


def sums(result) -> dict[str, dict[str, float]]:
    return {row.code: row.values for row in result.rows}


def assert_sums(found: dict[str, dict[str, float]], expected: dict[str, dict[str, float]]):
    assert set(found) == set(expected)
    for code, columns in expected.items():
        for name, value in columns.items():
            assert found[code][name] == pytest.approx(value, abs=1e-4), (code, name)


# The action ------------------------------------------------------------------------------


def test_population_weights_split_the_divided_commune_and_the_unknown_code_is_reported(territory):
    result = run(weighting="population")
    assert_sums(sums(result), BY_POPULATION)
    assert result.unmatched_codes == ("99999",)
    assert result.unweighted_codes == ()
    assert result.from_date == datetime.date(2025, 6, 30)
    kim_thanh = next(row for row in result.rows if row.code == "10804")
    assert (kim_thanh.name, kim_thanh.province_name) == ("Xã Kim Thành", "Thành phố Hải Phòng")
    # Everything but the unknown code reaches the new units.
    assert result.totals_in["dan_so"] - result.totals_out["dan_so"] == pytest.approx(7)


def test_area_weights_are_normalised_over_the_published_shares(territory):
    assert_sums(sums(run(weighting="area")), BY_AREA)


def test_one_audit_record_is_kept_per_run_with_its_counts(territory):
    run(weighting="area")
    record = AuditRecord.objects.get(action="crosswalk.run")
    assert record.object_repr == "bang.csv"
    assert '"unmatched_codes":1' in record.changes_json
    assert '"new_units":4' in record.changes_json


def test_a_nationwide_part_link_without_shares_is_reported_not_guessed(territory):
    # Phường Phúc Tân (00007, Hà Nội) was divided; the NSO table gives no shares.
    result = run(csv_bytes([[1, "00007", "Phúc Tân", 500, 50], *ROWS[:1]]))
    assert result.unweighted_codes == ("00007",)
    assert result.unmatched_codes == ()
    assert set(sums(result)) == {"10507"}


def test_codes_resolve_on_the_date_so_a_reused_code_means_the_old_unit(territory):
    # 10507 after 1/7/2025 is Thành Đông; a table dated on the new units has nothing to move.
    result = run(on=datetime.date(2025, 7, 2))
    assert_sums(sums(result), {"10507": {"dan_so": 100, "so_ho": 10}})
    assert set(result.unmatched_codes) == {"10510", "10798", "11890", "99999"}


def test_a_communeless_district_read_as_a_number_keeps_its_own_code(territory):
    rows = [[1, "318", "Huyện Bạch Long Vĩ", 912, 200]]
    result = run(xlsx_bytes(rows, numeric_codes=True), filename="b.xlsx")
    assert_sums(sums(result), {"11948": {"dan_so": 912, "so_ho": 200}})
    assert [p.as_read for p in result.padded] == ["318"]


# The page --------------------------------------------------------------------------------


def upload(client: Client, data: bytes, name: str = "bang.csv", **fields: str):
    form = {"key": "ma_xa", "weighting": "population", "level": "commune", "on": "2025-07-01"}
    form.update(fields)
    return client.post("/crosswalk/", {**form, "file": SimpleUploadedFile(name, data)})


def test_the_page_needs_a_login(territory):
    response = Client().get("/crosswalk/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_upload_shows_the_result_and_the_codes_left_out_and_downloads_both_formats(
    territory, demo
):
    client = client_for("demo-viewer")
    assert client.get("/crosswalk/").status_code == 200
    response = upload(client, xlsx_bytes(), "bang.xlsx", weighting="area")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["report"][0][0] == "99999"
    assert "<code>99999</code>" in html
    assert [row.name for row, _values in page.context["preview"]] == [
        "Phường Thành Đông", "Xã Kim Thành", "Xã Hà Nam", "Xã Nguyễn Bỉnh Khiêm",
    ]  # fmt: skip

    csv_file = client.get(response["Location"].rstrip("/") + ".csv")
    assert csv_file["Content-Type"].startswith("text/csv")
    text = csv_file.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "code,name,province_code,province_name,dan_so,so_ho"
    assert "10843,Xã Hà Nam,31,Thành phố Hải Phòng," in text

    # XLSX round trip: the downloaded workbook reads back through the same importer.
    xlsx_file = client.get(response["Location"].rstrip("/") + ".xlsx")
    back = read_table(xlsx_file.content, filename="out.xlsx", key="code")
    assert back.columns == ("dan_so", "so_ho")
    assert_sums(back.values, BY_AREA)


def test_a_result_is_only_downloadable_by_its_owner(territory, demo):
    response = upload(client_for("demo-viewer"), csv_bytes())
    other = client_for("demo-editor").get(response["Location"].rstrip("/") + ".csv")
    assert other.status_code == 404


def test_a_bad_cell_on_the_page_names_row_and_column_and_produces_nothing(territory, demo):
    rows = [list(r) for r in ROWS]
    rows[5 - 2][3] = "abc"
    response = upload(client_for("demo-viewer"), csv_bytes(rows))
    assert response.status_code == 422
    assert response.context["problems"] == [not_a_number_in_vietnamese(5, "dan_so", "abc")]
    assert not AuditRecord.objects.filter(action="crosswalk.run").exists()


# The API ---------------------------------------------------------------------------------


def post_api(api: ApiClient, data: bytes, name: str = "bang.csv", query: str = "", **fields):
    form = {"key": "ma_xa", **fields, "file": SimpleUploadedFile(name, data)}
    return api.client.post(f"/api/v1/crosswalk{query}", form, headers=api._headers())


def test_the_api_returns_the_sums_and_the_unmatched_codes_as_json(territory, demo):
    response = post_api(ApiClient("demo-viewer"), csv_bytes(), weighting="population")
    assert response.status_code == 200
    body = response.json()
    assert_sums(values_by_code(body["rows"]), BY_POPULATION)
    assert body["unmatched_codes"] == ["99999"]
    assert body["matched_codes"] == 4


def test_the_api_returns_a_file_on_request(territory, demo):
    response = post_api(ApiClient("demo-viewer"), xlsx_bytes(), "b.xlsx", "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Crosswalk-Unmatched"] == "99999"
    assert_sums(read_table(response.content, filename="o.xlsx", key="code").values, BY_POPULATION)


def test_the_api_needs_a_login(territory):
    response = Client().post(
        "/api/v1/crosswalk", {"key": "ma_xa", "file": SimpleUploadedFile("b.csv", csv_bytes())}
    )
    assert response.status_code == 401


def test_the_api_refuses_a_bad_cell_in_the_standard_error_format(territory, demo):
    rows = [list(r) for r in ROWS]
    rows[0][4] = "x"
    response = post_api(ApiClient("demo-viewer"), csv_bytes(rows), columns="dan_so,so_ho")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["file"] == [not_a_number_in_vietnamese(2, "so_ho", "x")]
    assert not AuditRecord.objects.filter(action="crosswalk.run").exists()


# The CLI ---------------------------------------------------------------------------------


def test_the_command_writes_the_file_and_prints_the_unmatched_codes(territory, tmp_path):
    source = tmp_path / "bang.csv"
    source.write_bytes(csv_bytes())
    out = tmp_path / "moi.xlsx"
    stdout = io.StringIO()
    call_command(
        "crosswalk", str(source), "--key", "ma_xa", "--out", str(out), "--weight", "area",
        "--on", "2025-07-01", "--columns", "dan_so", stdout=stdout,
    )  # fmt: skip
    assert "unmatched codes: 1 (99999)" in stdout.getvalue()
    back = read_table(out.read_bytes(), filename="moi.xlsx", key="code")
    assert back.columns == ("dan_so",)
    assert_sums(back.values, {c: {"dan_so": v["dan_so"]} for c, v in BY_AREA.items()})


def test_the_command_stops_on_a_bad_cell_and_writes_nothing(territory, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][3] = "abc"
    source = tmp_path / "bang.csv"
    source.write_bytes(csv_bytes(rows))
    out = tmp_path / "moi.csv"
    with pytest.raises(CommandError, match="row 3, column 'dan_so': 'abc' is not a number"):
        call_command("crosswalk", str(source), "--key", "ma_xa", "--out", str(out))
    assert not out.exists()
