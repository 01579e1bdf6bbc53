from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.directory.admin import manages_directory


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id", "outcome"]
    list_filter = ["outcome", "object_type"]
    search_fields = ["action", "actor_label", "object_id", "request_id"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return manages_directory(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_directory(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
