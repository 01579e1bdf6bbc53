from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hopnhat.apps.directory.access import (
    can_edit_organisation,
    get_organisation_for_user,
    principal_for,
)
from hopnhat.apps.directory.actions import PROFILE_FIELDS, update_organisation
from hopnhat.apps.directory.forms import OrganisationProfileForm
from hopnhat.apps.directory.models import Organisation
from hopnhat.common.errors import ConflictError
from hopnhat.engine.text import fold


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    organisations = list(
        Organisation.objects.annotate(member_count=Count("memberships")).order_by("path")
    )
    if query:
        needle = fold(query)
        organisations = [
            org
            for org in organisations
            if needle in fold(" ".join([org.name, org.short_name, org.code, *org.aliases]))
        ]
    return render(request, "directory/list.html", {"organisations": organisations, "q": query})


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, organisation_id)
    principal = principal_for(request.user)
    context: dict[str, Any] = {
        "org": org,
        "children": org.children.order_by("path"),
        "can_edit": can_edit_organisation(principal, org),
        "memberships": org.memberships.select_related("user").order_by("role", "user__username")
        if principal.manages_directory
        else None,
    }
    return render(request, "directory/detail.html", context)


@login_required
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, organisation_id, for_edit=True)
    conflict = None
    if request.method == "POST":
        form = OrganisationProfileForm(request.POST, instance=Organisation.objects.get(pk=org.pk))
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            changes["aliases"] = form.cleaned_data["aliases_text"]
            try:
                update_organisation(
                    actor=request.user,
                    org=org,
                    expected_version=form.cleaned_data["version"],
                    changes={k: v for k, v in changes.items() if k in PROFILE_FIELDS},
                )
            except ConflictError as exc:
                conflict = exc
                # Re-submitting now is a deliberate overwrite of what the user has just seen.
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form.data = data
            else:
                messages.success(request, _("Saved."))
                return redirect("directory:detail", organisation_id=org.pk)
    else:
        form = OrganisationProfileForm(
            instance=org, initial={"version": org.version, "aliases_text": "\n".join(org.aliases)}
        )
    status = 409 if conflict else 200
    return render(
        request,
        "directory/edit.html",
        {"org": org, "form": form, "conflict": conflict},
        status=status,
    )
