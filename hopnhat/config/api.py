from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hopnhat.apps.accounts.api import router as accounts_router
from hopnhat.apps.accounts.auth import API_AUTH
from hopnhat.apps.address.api import router as address_router
from hopnhat.apps.audit.api import router as audit_router
from hopnhat.apps.crosswalk.api import router as crosswalk_router
from hopnhat.apps.directory.api import router as directory_router
from hopnhat.apps.jobs.api import router as jobs_router
from hopnhat.apps.layers.api import router as layers_router
from hopnhat.apps.plans.api import router as plans_router
from hopnhat.apps.territory.api import public_router as territory_public_router
from hopnhat.apps.territory.api import router as territory_router
from hopnhat.apps.workplan.api import directives_router, reports_router, tasks_router
from hopnhat.common.api import error_body
from hopnhat.common.errors import ConflictError, DomainError

api = NinjaAPI(
    title="hopnhat API",
    version="1",
    description=(
        "The JSON API of hopnhat. Authenticate with a browser session (send X-CSRFToken on "
        "writes) or with `Authorization: Bearer <token>` (create one in your profile or with "
        "`hopnhat token create USERNAME`). Errors always have the shape "
        '`{"code", "message", "fields"}`.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", accounts_router)
api.add_router("/organisations", directory_router)
api.add_router("/jobs", jobs_router)
api.add_router("/audit", audit_router)
api.add_router("/units", territory_router)
api.add_router("/layers", layers_router)
api.add_router("/", territory_public_router)
api.add_router("/crosswalk", crosswalk_router)
api.add_router("/address", address_router)
api.add_router("/directives", directives_router)
api.add_router("/tasks", tasks_router)
api.add_router("/reports", reports_router)
api.add_router("/plans", plans_router)


def _field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg", "")))
    return fields


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    body = error_body("validation_error", _("The request is not valid."), _field_errors(exc.errors))
    return api.create_response(request, body, status=422)


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    body = error_body(exc.code, exc.message, exc.fields)
    body.update(current_version=exc.current_version, diff=exc.diff)
    return api.create_response(request, body, status=409)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.fields), status=exc.status
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = error_body("unauthenticated", _("Log in or send a valid API token."))
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = error_body("forbidden", _("You do not have the right to do this."))
    return api.create_response(request, body, status=403)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(
        exc.status_code, "error"
    )
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
