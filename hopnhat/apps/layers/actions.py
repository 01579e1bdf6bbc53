"""Writes to map layers: each in one transaction, each audited."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.access import deny_forbidden, principal_for
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.layers.access import OBJECT_TYPE
from hopnhat.apps.layers.models import Layer, LayerFeature

if TYPE_CHECKING:
    from hopnhat.apps.layers.importers import ParsedLayer

BATCH_SIZE = 500


def import_layer(
    *,
    actor: Any,
    owner_org: Organisation,
    name: str,
    parsed: ParsedLayer,
    policy: str,
    source_filename: str = "",
    description: str = "",
    valid_on: datetime.date | None = None,
    system: bool = False,
) -> Layer:
    """Store a file that passed every check, all of it or (on any database error) nothing.

    `system=True` is for the command line, which acts as no user.
    """
    if not system and not principal_for(actor).can_edit_owned_by(owner_org.path):
        raise deny_forbidden(
            user=actor,
            action="layers.layer.create",
            object_type="directory.organisation",
            object_id=owner_org.pk,
        )
    with transaction.atomic():
        layer = Layer.objects.create(
            owner_org=owner_org,
            name=name,
            description=description,
            valid_on=valid_on,
            source_filename=source_filename[:255],
            source_format=parsed.source_format,
            source_crs=parsed.source_crs[:255],
            policy=policy,
            fields=parsed.fields,
            repairs=parsed.repairs,
            notes=parsed.notes,
            coverage=parsed.coverage,
            feature_count=len(parsed.rows),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        LayerFeature.objects.bulk_create(
            (
                LayerFeature(
                    layer=layer,
                    position=row.position,
                    code=row.code,
                    name=row.name,
                    properties=row.properties,
                    geometry=row.geometry_json,
                    area_km2=row.area_km2,
                )
                for row in parsed.rows
            ),
            batch_size=BATCH_SIZE,
        )
        record_event(
            actor=actor,
            action="layers.layer.import",
            obj=layer,
            changes={
                "owner_org": owner_org.code,
                "name": name,
                "valid_on": valid_on.isoformat() if valid_on else None,
                "source_filename": layer.source_filename,
                "source_format": layer.source_format,
                "source_crs": layer.source_crs,
                "policy": policy,
                "features": layer.feature_count,
                "repairs": len(parsed.repairs),
                "overlaps": len(layer.overlaps),
                "gaps": len(layer.gaps),
            },
        )
    return layer


def delete_layer(*, actor: Any, layer: Layer) -> None:
    """Delete a layer and its features; the caller fetched it with get_layer_for_user(for_edit)."""
    with transaction.atomic():
        layer_id, summary = (
            layer.pk,
            {
                "owner_org": layer.owner_org.code,
                "name": layer.name,
                "features": layer.feature_count,
            },
        )
        record_event(
            actor=actor,
            action="layers.layer.delete",
            object_type=OBJECT_TYPE,
            object_id=layer_id,
            object_repr=layer.name,
            changes=summary,
        )
        layer.delete()
