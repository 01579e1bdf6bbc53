from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.layers.access import (
    get_layer_for_user,
    get_owner_org_for_new_layer,
    layers_for_user,
    organisations_for_new_layer,
)
from hopnhat.apps.layers.actions import delete_layer
from hopnhat.apps.layers.api import export_response
from hopnhat.apps.layers.forms import LayerUploadForm
from hopnhat.apps.layers.importers import (
    MAX_PROBLEMS_SHOWN,
    ImportRefusedError,
    feature_label,
    import_layer_file,
    note_message,
    problem_message,
    repair_message,
)

EXPORT_FORMATS = (
    ("geojson", "GeoJSON"),
    ("shapefile", "Shapefile (.zip)"),
    ("gpkg", "GeoPackage"),
    ("csv", "CSV (WKT)"),
)


@login_required
def layer_list(request: HttpRequest) -> HttpResponse:
    layers = layers_for_user(request.user)
    can_upload = bool(organisations_for_new_layer(request.user))
    return render(request, "layers/list.html", {"layers": layers, "can_upload": can_upload})


@login_required
def layer_upload(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for_new_layer(request.user)
    refused: ImportRefusedError | None = None
    if request.method == "POST":
        form = LayerUploadForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            owner_org = get_owner_org_for_new_layer(request.user, data["org"])
            upload = data["file"]
            try:
                layer = import_layer_file(
                    actor=request.user,
                    owner_org=owner_org,
                    name=data["name"],
                    description=data["description"],
                    valid_on=data["valid_on"],
                    data=upload.read(),
                    filename=upload.name or "",
                    file_format=data["file_format"] or None,
                    policy=data["policy"],
                    crs_text=data["crs"],
                )
            except ImportRefusedError as exc:
                refused = exc
            else:
                messages.success(
                    request,
                    _("Imported %(count)d features.") % {"count": layer.feature_count},
                )
                return redirect("layers:detail", layer_id=layer.pk)
    else:
        form = LayerUploadForm(organisations=organisations)
    context = {
        "form": form,
        "refused": refused,
        "problems": [
            {
                "feature": feature_label(p.where, p.feature_id) if p.where else "",
                "field": p.field or "",
                "message": problem_message(p),
                "code": p.code,
            }
            for p in (refused.problems[:MAX_PROBLEMS_SHOWN] if refused else ())
        ],
        "more_problems": max(len(refused.problems) - MAX_PROBLEMS_SHOWN, 0) if refused else 0,
    }
    status = 422 if refused or form.errors else 200
    return render(request, "layers/upload.html", context, status=status)


@login_required
def layer_detail(request: HttpRequest, layer_id: int) -> HttpResponse:
    layer = get_layer_for_user(request.user, layer_id)
    principal = principal_for(request.user)
    context: dict[str, Any] = {
        "layer": layer,
        "features": layer.features.only("code", "name", "area_km2", "position"),
        "notes": [note_message(n) for n in layer.notes],
        "repairs": [repair_message(r) for r in layer.repairs],
        "overlaps": layer.overlaps,
        "gaps": layer.gaps,
        "export_formats": EXPORT_FORMATS,
        "can_delete": principal.can_edit_owned_by(layer.owner_org.path),
    }
    return render(request, "layers/detail.html", context)


@login_required
def layer_map_data(request: HttpRequest, layer_id: int) -> JsonResponse:
    """The layer's features, overlaps and gaps as GeoJSON for the map on the layer page."""
    layer = get_layer_for_user(request.user, layer_id)
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "area_km2": round(area, 4)},
            "geometry": json.loads(geometry),
        }
        for code, name, area, geometry in layer.features.order_by("position").values_list(
            "code", "name", "area_km2", "geometry"
        )
    ]
    overlaps = [
        {
            "type": "Feature",
            "properties": {
                "kind": "overlap",
                "index": i,
                "codes": o["codes"],
                "area_m2": o["area_m2"],
            },
            "geometry": o["geometry"],
        }
        for i, o in enumerate(layer.overlaps)
    ]
    gaps = [
        {
            "type": "Feature",
            "properties": {
                "kind": "gap",
                "index": i,
                "neighbours": g["neighbours"],
                "area_m2": g["area_m2"],
            },
            "geometry": g["geometry"],
        }
        for i, g in enumerate(layer.gaps)
    ]
    return JsonResponse(
        {
            "features": {"type": "FeatureCollection", "features": features},
            "overlaps": {"type": "FeatureCollection", "features": overlaps},
            "gaps": {"type": "FeatureCollection", "features": gaps},
        }
    )


@login_required
def layer_export(request: HttpRequest, layer_id: int, format_name: str) -> HttpResponse:
    layer = get_layer_for_user(request.user, layer_id)
    if format_name not in dict(EXPORT_FORMATS):
        raise Http404
    return export_response(layer, format_name, request.GET.get("crs", "")[:2000])


@login_required
@require_POST
def layer_delete(request: HttpRequest, layer_id: int) -> HttpResponse:
    layer = get_layer_for_user(request.user, layer_id, for_edit=True)
    name = layer.name
    delete_layer(actor=request.user, layer=layer)
    messages.success(request, _("Layer “%(name)s” deleted.") % {"name": name})
    return redirect("layers:list")
