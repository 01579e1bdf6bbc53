"""An editor of one organisation cannot see, export or delete another organisation's layer."""

from __future__ import annotations

from typing import Any

import pytest

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.apps.layers.models import Layer, LayerFeature
from hopnhat.apps.layers.tests.builders import (
    LayerApi,
    geojson_bytes,
    grid_with_one_gap_and_one_overlap,
)
from hopnhat.common.testing import client_for, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hai_phong_layer(demo: None) -> Layer:
    """A layer of Sở Tài chính Hải Phòng (31.STC), imported by its editor."""
    response = LayerApi("demo-editor").upload(
        geojson_bytes(*grid_with_one_gap_and_one_overlap()), "grid.geojson"
    )
    assert response.status_code == 201, response.json()
    return Layer.objects.get(pk=response.json()["id"])


def denied_records_since(seq: int) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(seq__gt=seq, outcome=Outcome.DENIED))


def last_seq() -> int:
    return AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def assert_denied(seq: int, username: str, object_id: Any) -> None:
    [record] = denied_records_since(seq)
    assert record.actor == user(username)
    assert record.object_id == str(object_id)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("", 404),
        ("/export?format=geojson", 404),
        ("/export?format=shapefile", 404),
        ("/coverage", 404),
    ],
)
def test_an_editor_of_hai_duong_cannot_read_or_export_a_hai_phong_layer_through_the_api(
    hai_phong_layer, path, status
):
    seq = last_seq()

    response = LayerApi("demo-editor-hd").get(f"/{hai_phong_layer.pk}{path}")

    assert response.status_code == status
    assert response.json()["code"] == "not_found"
    assert_denied(seq, "demo-editor-hd", hai_phong_layer.pk)


def test_an_editor_of_another_department_cannot_delete_a_layer_and_nothing_changes(
    hai_phong_layer,
):
    seq = last_seq()

    response = LayerApi("demo-editor-xd").delete(f"/{hai_phong_layer.pk}")

    assert response.status_code == 404
    assert_denied(seq, "demo-editor-xd", hai_phong_layer.pk)
    assert LayerFeature.objects.filter(layer=hai_phong_layer).count() == 4


def test_a_viewer_above_the_owner_reads_the_layer_but_cannot_delete_it(hai_phong_layer):
    # demo-viewer sits at UBND Hải Phòng (31.UBND), above Sở Tài chính in the directory.
    api = LayerApi("demo-viewer")
    seq = last_seq()

    read = api.get(f"/{hai_phong_layer.pk}")
    delete = api.delete(f"/{hai_phong_layer.pk}")

    assert read.status_code == 200
    assert delete.status_code == 403
    assert_denied(seq, "demo-viewer", hai_phong_layer.pk)
    assert Layer.objects.filter(pk=hai_phong_layer.pk).exists()


def test_pages_answer_404_to_another_organisation_and_audit_it(hai_phong_layer):
    client = client_for("demo-editor-hd")
    for path in ("", "map.json", "export/geojson/"):
        seq = last_seq()
        assert client.get(f"/layers/{hai_phong_layer.pk}/{path}").status_code == 404, path
        assert_denied(seq, "demo-editor-hd", hai_phong_layer.pk)
    seq = last_seq()
    assert client.post(f"/layers/{hai_phong_layer.pk}/delete/").status_code == 404
    assert_denied(seq, "demo-editor-hd", hai_phong_layer.pk)
    assert Layer.objects.filter(pk=hai_phong_layer.pk).exists()


def test_the_list_shows_only_layers_the_user_may_read(hai_phong_layer, django_assert_num_queries):
    api = LayerApi("demo-editor-hd")

    assert api.get("").json()["count"] == 0
    assert LayerApi("demo-steering").get("").json()["count"] == 1
    page = client_for("demo-editor-hd").get("/layers/").content.decode()
    assert hai_phong_layer.name not in page
    owner = LayerApi("demo-editor")
    owner.get("")  # the token's first use records its "last used" time
    with django_assert_num_queries(4):  # token, memberships, count, page of layers
        assert owner.get("").json()["items"][0]["id"] == hai_phong_layer.pk


def test_an_editor_cannot_import_for_another_organisation(demo):
    seq = last_seq()

    response = LayerApi("demo-editor-hd").upload(
        geojson_bytes(*grid_with_one_gap_and_one_overlap()), "grid.geojson", org="31.STC"
    )

    assert response.status_code == 403
    assert Layer.objects.count() == 0
    [record] = denied_records_since(seq)
    assert record.actor == user("demo-editor-hd")


def test_the_owner_deletes_the_layer_and_the_deletion_is_audited(hai_phong_layer):
    response = LayerApi("demo-editor").delete(f"/{hai_phong_layer.pk}")

    assert response.status_code == 204
    assert not Layer.objects.exists()
    assert not LayerFeature.objects.exists()
    record = AuditRecord.objects.get(action="layers.layer.delete")
    assert record.object_id == str(hai_phong_layer.pk)
    assert record.actor == user("demo-editor")
