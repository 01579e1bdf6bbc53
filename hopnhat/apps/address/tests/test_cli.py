"""The CLI contract scripts depend on: `hopnhat address convert IN --column C --out OUT`."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from hopnhat.apps.address.tests.builders import ADDRESS_TABLE, csv_bytes

pytestmark = pytest.mark.django_db

CONTRACT = [
    "status", "old_ward_code", "new_ward_code", "new_ward_name", "new_province_code",
    "new_province_name", "new_address", "candidates", "legal_basis", "reason",
]  # fmt: skip


def test_the_output_has_the_input_columns_then_the_contract_columns(territory, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes(ADDRESS_TABLE))
    call_command("address", "convert", str(source), "--column", "dia_chi", "--out", str(out),
                 "--on", "2025-07-01")  # fmt: skip
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["stt", "ho_ten", "dia_chi", *CONTRACT]
    result = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["status"] for r in result] == ["converted", "ambiguous", "converted", "not_found"]
    assert result[0]["new_ward_code"] == "10525"
    assert result[0]["new_address"] == "so 5 le loi, phường Hải Dương, thành phố Hải Phòng"
    assert result[1]["candidates"] == "10804|10843"
    assert result[1]["new_ward_code"] == ""
    assert result[2]["candidates"] == "11911"
    assert result[3]["reason"]
    assert [r["ho_ten"] for r in result] == ["Nguyễn Văn A", "Trần Thị B", "Lê Văn C", "Phạm D"]


def test_an_unknown_column_is_an_error_naming_the_columns(territory, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(ADDRESS_TABLE))
    with pytest.raises(CommandError, match="dia_chi"):
        call_command("address", "convert", str(source), "--column", "address",
                     "--out", str(tmp_path / "out.csv"))  # fmt: skip


def test_a_date_before_the_arrangement_leaves_the_old_units_unchanged(territory, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes(ADDRESS_TABLE[:2]))
    call_command("address", "convert", str(source), "--column", "dia_chi", "--out", str(out),
                 "--on", "2025-06-30")  # fmt: skip
    row = next(iter(csv.DictReader(out.open(encoding="utf-8"))))
    assert (row["status"], row["new_ward_code"]) == ("unchanged", "10525")
    assert row["new_ward_name"] == "Phường Trần Hưng Đạo"
