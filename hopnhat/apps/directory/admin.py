"""The Django admin manages the directory. Every save goes through the audited actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hopnhat.apps.audit.actions import record_denied
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.actions import (
    PROFILE_FIELDS,
    STRUCTURE_FIELDS,
    add_membership,
    create_organisation,
    remove_membership,
    update_organisation,
)
from hopnhat.apps.directory.models import Membership, Organisation


def manages_directory(request: HttpRequest) -> bool:
    allowed = bool(request.user.is_active) and principal_for(request.user).manages_directory
    if (
        not allowed
        and request.user.is_authenticated
        and not getattr(request, "_admin_denied", False)
    ):
        # The admin answers with its login page; the refusal is still evidence to keep, once.
        request._admin_denied = True  # type: ignore[attr-defined]
        record_denied(
            actor=request.user,
            action="admin.site.access",
            object_type="admin.site",
            object_id=request.path[:64],
            reason="not a directory administrator",
        )
    return allowed


# Directory administrators are members with the admin role; Django's is_staff flag is not used.
admin.site.has_permission = manages_directory  # type: ignore[method-assign]


class DirectoryAdminMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return manages_directory(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_directory(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return manages_directory(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_directory(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_directory(request)


class MembershipInline(DirectoryAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(DirectoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: tasks, staff and assets keep pointing at it

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
        }
        if not change:
            created = create_organisation(
                actor=request.user,
                **{
                    name: form.cleaned_data[name]
                    for name in form.cleaned_data
                    if name in PROFILE_FIELDS + STRUCTURE_FIELDS
                },
            )
            obj.pk, obj.path = created.pk, created.path
            obj._state.adding = False
            return
        current = Organisation.objects.get(pk=obj.pk)
        update_organisation(actor=request.user, org=current, expected_version=None, changes=fields)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                continue
            data = inline_form.cleaned_data
            instance = inline_form.instance
            if data.get("DELETE") and instance.pk:
                remove_membership(actor=request.user, membership=instance)
            elif not data.get("DELETE"):
                if instance.pk:
                    remove_membership(
                        actor=request.user, membership=Membership.objects.get(pk=instance.pk)
                    )
                add_membership(
                    actor=request.user,
                    user=data["user"],
                    organisation=form.instance,
                    role=data["role"],
                )


@admin.register(Membership)
class MembershipAdmin(DirectoryAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            remove_membership(actor=request.user, membership=Membership.objects.get(pk=obj.pk))
        created = add_membership(
            actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        remove_membership(actor=request.user, membership=obj)
