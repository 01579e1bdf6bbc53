from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from hopnhat.apps.accounts.models import User
from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.admin import DirectoryAdminMixin
from hopnhat.common.diff import diff, snapshot

AUDITED_USER_FIELDS = ("username", "full_name", "email", "position", "is_active", "is_superuser")


@admin.register(User)
class UserAdmin(DirectoryAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("", {"fields": ("full_name", "position", "email", "is_active", "is_superuser")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead, so that the audit trail keeps naming them

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = snapshot(User.objects.get(pk=obj.pk), AUDITED_USER_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, AUDITED_USER_FIELDS))
        if "password" in form.changed_data:
            changes["password"] = ["***", "***"]
        record_event(
            actor=request.user,
            action="accounts.user.update" if change else "accounts.user.create",
            obj=obj,
            changes=changes,
        )
