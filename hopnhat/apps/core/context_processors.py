from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hopnhat.apps.core.navigation import entries_for
from hopnhat.apps.directory.access import principal_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    principal = principal_for(getattr(request, "user", None))
    section = request.resolver_match.namespace if request.resolver_match else ""
    section = "home" if section == "core" else section
    return {
        "nav_entries": entries_for(principal),
        "nav_section": section,
        "principal": principal,
    }
