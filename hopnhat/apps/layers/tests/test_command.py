from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.layers.models import Layer
from hopnhat.apps.layers.tests.builders import (
    hai_phong_squares,
    self_intersecting_and_missing_field,
    vn2000_shapefile_zip,
)

pytestmark = pytest.mark.django_db


def test_the_command_imports_a_vn2000_shapefile_for_an_organisation(demo, tmp_path, capsys):
    path = tmp_path / "ranh_gioi_xa.zip"
    path.write_bytes(vn2000_shapefile_zip(hai_phong_squares()))

    call_command("import_layer", str(path), "--org", "31.STC", "--name", "Ranh giới xã")

    layer = Layer.objects.get()
    assert (layer.owner_org.code, layer.name, layer.feature_count) == ("31.STC", "Ranh giới xã", 3)
    assert layer.created_by is None
    assert AuditRecord.objects.filter(action="layers.layer.import").exists()
    assert "3 features" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_with_each_problem_and_stores_nothing(
    demo, tmp_path, capsys
):
    path = tmp_path / "xa.geojson"
    path.write_bytes(self_intersecting_and_missing_field())

    with pytest.raises(CommandError):
        call_command("import_layer", str(path), "--org", "31.STC", "--name", "X")

    errors = capsys.readouterr().err
    assert "B2" in errors
    assert "C3" in errors
    assert not Layer.objects.exists()
