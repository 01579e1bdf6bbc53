from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from hopnhat.apps.crosswalk import exporters
from hopnhat.apps.crosswalk.access import get_result_for_user
from hopnhat.apps.crosswalk.actions import keep_result, run_crosswalk
from hopnhat.apps.crosswalk.api import file_response, split_columns
from hopnhat.apps.crosswalk.forms import CrosswalkForm
from hopnhat.apps.crosswalk.importers import CODE_WIDTH, read_table
from hopnhat.common.errors import ValidationFailedError

PREVIEW_ROWS = 500


@login_required
def crosswalk_form(request: HttpRequest) -> HttpResponse:
    form = CrosswalkForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            table = read_table(
                upload.read(),
                filename=upload.name or "",
                key=data["key"],
                columns=split_columns(data["columns"]),
                sheet=data["sheet"].strip(),
                code_width=CODE_WIDTH[data["level"]],
            )
        except ValidationFailedError as exc:
            problems = [m for messages in exc.fields.values() for m in messages] or [exc.message]
        else:
            result = run_crosswalk(
                actor=request.user,
                table=table,
                weighting=data["weighting"],
                on=data["on"],
                level=data["level"],
                source_name=upload.name or "",
            )
            token = keep_result(user=request.user, result=result)
            return redirect("crosswalk:result", token=token)
    status = 422 if problems or form.errors else 200
    return render(
        request, "crosswalk/form.html", {"form": form, "problems": problems}, status=status
    )


@login_required
@require_GET
def crosswalk_result(request: HttpRequest, token: str) -> HttpResponse:
    result = get_result_for_user(request.user, token)
    context = {
        "result": result,
        "token": token,
        # Values in column order, as lists: a column named like a dict method stays a value.
        "preview": [
            (row, [row.values[name] for name in result.columns])
            for row in result.rows[:PREVIEW_ROWS]
        ],
        "report": exporters.report_rows(result),
        "totals": [
            (name, result.totals_in[name], result.totals_out[name]) for name in result.columns
        ],
    }
    return render(request, "crosswalk/result.html", context)


@login_required
@require_GET
def crosswalk_download(request: HttpRequest, token: str, file_format: str) -> HttpResponse:
    if file_format not in exporters.CONTENT_TYPES:
        raise Http404
    return file_response(get_result_for_user(request.user, token), file_format)
