"""The public converter (no login, one address, a map to confirm a divided commune), the bulk
page (logged in: upload, map columns, a background job) and the sub-unit table."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.address import access
from hopnhat.apps.address.actions import (
    convert_one,
    delete_sub_unit,
    import_sub_units,
)
from hopnhat.apps.address.api import check_rate, public_rate
from hopnhat.apps.address.forms import BulkUploadForm, ConvertForm, SubUnitImportForm
from hopnhat.apps.address.importers import (
    count_rows,
    find_columns,
    open_table,
    read_sub_units,
)
from hopnhat.apps.address.tasks import uploads_dir
from hopnhat.apps.directory.models import Membership
from hopnhat.apps.jobs.access import get_job_for_user
from hopnhat.apps.jobs.actions import start_job
from hopnhat.apps.territory.models import Unit
from hopnhat.common.errors import DomainError, ValidationFailedError
from hopnhat.engine.address import AMBIGUOUS, Conversion
from hopnhat.engine.text import fold

_UPLOAD_NAME = "{token}{suffix}"


def convert_page(request: HttpRequest) -> HttpResponse:
    form = ConvertForm(request.GET or None)
    result: Conversion | None = None
    problem = ""
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        point = (
            (data["lon"], data["lat"])
            if data["lon"] is not None and data["lat"] is not None
            else None
        )
        try:
            check_rate(request)
        except DomainError as exc:
            problem, status = exc.message, exc.status
        else:
            result = convert_one(address=data["q"], on=data["on"], point=point)
    context = {
        "form": form,
        "result": result,
        "problem": problem,
        "rate": public_rate(),
        "map_json": _candidate_shapes(result) if result and result.status == AMBIGUOUS else None,
    }
    return render(request, "address/convert.html", context, status=status)


def _candidate_shapes(result: Conversion) -> dict[str, Any] | None:
    """The candidates' simplified polygons, where known: the map to pick the place on."""
    codes = {c.code for c in result.candidates}
    units = (
        Unit.objects.filter(code__in=codes, is_commune_tier=True, valid_to__isnull=True)
        .exclude(geometry_simplified="")
        .values_list("code", "full_name", "geometry_simplified")
    )
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": json.loads(geometry),
        }
        for code, name, geometry in units
    ]
    return {"type": "FeatureCollection", "features": features} if features else None


# Bulk ---------------------------------------------------------------------------------------


@login_required
def bulk_upload(request: HttpRequest) -> HttpResponse:
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
            suffix = ".csv"
        token = uuid.uuid4().hex
        folder = uploads_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _UPLOAD_NAME.format(token=token, suffix=suffix)
        _keep_upload(upload, path)
        (folder / f"{token}.owner").write_text(
            json.dumps({"user": request.user.pk, "filename": upload.name or ""}), encoding="utf-8"
        )
        return redirect("address:bulk_columns", token=token)
    return render(request, "address/bulk_upload.html", {"form": form})


def _keep_upload(upload: UploadedFile, path: Path) -> None:
    # A large upload is already on disk, spooled by Django: moved, not copied (a 130 MB
    # register is not written a second time); a small one is in memory and written out.
    if isinstance(upload, TemporaryUploadedFile):
        file_move_safe(upload.temporary_file_path(), str(path))
        return
    with open(path, "wb") as handle:
        for chunk in upload.chunks(1 << 20):
            handle.write(chunk)


def _owned_upload(request: HttpRequest, token: str) -> tuple[Path, str]:
    # Uploads are named by an unguessable token and stamped with their owner.
    if not token.isalnum() or len(token) != 32:
        raise Http404
    folder = uploads_dir()
    owner_file = folder / f"{token}.owner"
    if not owner_file.exists():
        raise Http404
    owner = json.loads(owner_file.read_text(encoding="utf-8"))
    if owner["user"] != request.user.pk:
        raise Http404
    found = [p for p in folder.glob(f"{token}.*") if p.suffix != ".owner"]
    if not found:
        raise Http404
    return found[0], owner["filename"]


@login_required
def bulk_columns(request: HttpRequest, token: str) -> HttpResponse:
    path, filename = _owned_upload(request, token)
    problems: list[str] = []
    try:
        table = open_table(path, filename=filename)
        header = table.header
        preview = [row for _i, row in zip(range(5), table.rows, strict=False)]
    except ValidationFailedError as exc:
        header, preview, problems = [], [], [exc.message]
    if request.method == "POST" and not problems:
        columns = [c for c in request.POST.getlist("columns") if c]
        lon, lat = request.POST.get("lon_column", ""), request.POST.get("lat_column", "")
        try:
            find_columns(header, columns or ["?"])
            if lon or lat:
                find_columns(header, [lon, lat])
            job = _start_bulk_job(request, path, filename, columns, lon, lat, request.POST)
        except DomainError as exc:
            # The message names the column or the row; the field messages only repeat it.
            problems = [exc.message]
        else:
            return redirect("address:bulk_job", job_id=job.pk)
    context = {
        "token": token,
        "filename": filename,
        "header": header,
        "preview": preview,
        "problems": problems,
        "guess": _guess_columns(header),
    }
    return render(request, "address/bulk_columns.html", context, status=422 if problems else 200)


def _guess_columns(header: list[str]) -> list[str]:
    words = ("dia chi", "address", "dia_chi")
    return [c for c in header if any(w in fold(c) for w in words)][:1]


def _start_bulk_job(
    request: HttpRequest,
    path: Path,
    filename: str,
    columns: list[str],
    lon: str,
    lat: str,
    post: Any,
) -> Any:
    memberships = Membership.objects.for_user(int(request.user.pk or 0))
    membership = memberships.select_related("organisation").first()
    if membership is None:
        raise ValidationFailedError(
            _("Bulk conversion runs for an organisation: you have no membership."),
            fields={"columns": [_("You have no organisation membership.")]},
        )
    on = post.get("on", "").strip()
    return start_job(
        actor=request.user,
        kind="address.convert_file",
        owner_org=membership.organisation,
        params={
            "upload": path.name,
            "filename": filename,
            "columns": columns,
            "total_rows": count_rows(path, filename=filename),
            "on": on,
            "lon_column": lon if lon and lat else "",
            "lat_column": lat if lon and lat else "",
        },
    )


@login_required
def bulk_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    if job.kind != "address.convert_file":
        raise Http404
    return render(request, "address/bulk_job.html", {"job": job})


# Sub-unit table ------------------------------------------------------------------------------


@login_required
def sub_units(request: HttpRequest) -> HttpResponse:
    organisations = access.organisations_for_import(request.user)
    form = SubUnitImportForm(
        request.POST or None,
        request.FILES or None,
        organisations=[(o.code, o.name) for o in organisations],
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            owner = access.get_owner_org_for_import(request.user, form.cleaned_data["org"])
            rows = read_sub_units(upload.read(), filename=upload.name or "")
            counts = import_sub_units(
                actor=request.user, owner_org=owner, rows=rows, source_name=upload.name or ""
            )
        except ValidationFailedError as exc:
            problems = [m for ms in exc.fields.values() for m in ms] or [exc.message]
        else:
            messages.success(
                request,
                _("%(rows)s rows read: %(created)s added, %(updated)s updated.") % counts,
            )
            return redirect("address:sub_units")
    q = request.GET.get("code", "").strip()
    listed = access.sub_units_for_user(request.user)
    if q:
        listed = listed.filter(old_commune_code=q)
    context = {
        "form": form,
        "rows": listed[:500],
        "count": listed.count(),
        "code": q,
        "problems": problems,
        "can_import": bool(organisations),
    }
    return render(request, "address/sub_units.html", context, status=422 if problems else 200)


@login_required
@require_POST
def sub_unit_delete(request: HttpRequest, mapping_id: int) -> HttpResponse:
    mapping = access.get_sub_unit_for_user(request.user, mapping_id, for_edit=True)
    delete_sub_unit(actor=request.user, mapping=mapping)
    messages.info(request, _("The row was deleted."))
    return redirect("address:sub_units")
