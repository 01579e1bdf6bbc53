from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hopnhat.common.context import new_request_id, request_context

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy the deployment sets USE_X_FORWARDED_FOR; never trust the header otherwise.
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed one from the proxy) for audit records."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_PATTERN.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_context(request_id=request_id, ip=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Self-only CSP: every script and stylesheet is vendored, so nothing else is needed."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def policy(self) -> str:
        img_sources = " ".join(["'self'", "data:", "blob:", *settings.CSP_IMG_EXTRA])
        return "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src {img_sources}",
                "font-src 'self' data:",
                "connect-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs page loads Swagger UI from its own static files with inline bootstrap code.
        if not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", self.policy())
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


class DomainErrorMiddleware:
    """Pages answer 404/403/409/422 for the domain errors raised by access functions and actions."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from hopnhat.common.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        template = {404: "404.html", 403: "403.html"}.get(exception.status, "error.html")
        return render(request, template, {"error": exception}, status=exception.status)


class VietnameseFirstMiddleware:
    """Vietnamese unless the user picked another language with the switcher.

    Officials often run browsers set to English; the browser's Accept-Language header must not
    override the product's default, so it is dropped before LocaleMiddleware reads it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ApiNulCharacterMiddleware:
    """Refuses API input holding a NUL character with the standard 422 error.

    PostgreSQL cannot store U+0000 in text, so such input would otherwise fail at the database
    as a server error; Django forms already refuse it, pydantic schemas do not. Uploaded files
    (multipart) may legitimately contain NUL bytes and are left alone.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._has_nul(request):
            from django.http import JsonResponse
            from django.utils.translation import gettext

            body = {
                "code": "validation_error",
                "message": gettext("The request contains a NUL character, which is not allowed."),
                "fields": {},
            }
            return JsonResponse(body, status=422)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False
        body = request.body
        return b"\\u0000" in body or b"\x00" in body or b"%00" in body
