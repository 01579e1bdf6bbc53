"""Login throttling, password reset by email, security headers and cookie flags."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.common.testing import DEMO_PASSWORD, client_for, user

LOGIN = "/accounts/login/"


def login(client: Client, password: str, *, username: str = "demo-viewer"):
    return client.post(LOGIN, {"username": username, "password": password})


def error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_correct_password_logs_in_and_the_login_is_audited(demo):
    client = Client()
    response = login(client, DEMO_PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)
    record = AuditRecord.objects.filter(action="accounts.login").latest("seq")
    assert record.actor_label == "demo-viewer"
    assert record.outcome == Outcome.OK


def test_after_the_failure_limit_even_the_correct_password_is_refused(demo, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(3):
        response = login(client, "wrong-password")
        assert response.status_code == 200
        assert error_codes(response) == ["invalid_login"]

    response = login(client, DEMO_PASSWORD)
    assert response.status_code == 200
    assert error_codes(response) == ["throttled"]
    assert not is_logged_in(client)

    failed = AuditRecord.objects.filter(
        object_type="accounts.user", object_id="demo-viewer"
    ).order_by("seq")
    assert [r.action for r in failed] == ["accounts.login.failed"] * 3 + [
        "accounts.login.throttled"
    ]
    assert all(r.outcome == Outcome.DENIED and r.ip == "203.0.113.7" for r in failed)

    # Another address is not throttled for the same account.
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert login(other, DEMO_PASSWORD).status_code == 302


def test_the_throttle_message_is_shown_on_the_page(demo, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    client = Client()
    login(client, "wrong-password")
    response = login(client, DEMO_PASSWORD)
    message = str(response.context["form"].error_messages["throttled"])
    assert message in response.content.decode()


def test_a_successful_login_clears_earlier_failures(demo, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    login(client, "wrong-password")
    login(client, "wrong-password")
    assert login(client, DEMO_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    login(client, "wrong-password")
    login(client, "wrong-password")
    assert login(client, DEMO_PASSWORD).status_code == 302


def test_a_password_is_reset_through_the_link_sent_by_email(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    response = client.post(
        "/accounts/password/reset/", {"email": "demo-viewer@demo.hopnhat.invalid"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["demo-viewer@demo.hopnhat.invalid"]
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body
    ).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_password_url,
        {"new_password1": "a-brand-new-Passw0rd", "new_password2": "a-brand-new-Passw0rd"},
    )
    assert done.status_code == 302
    assert user("demo-viewer").check_password("a-brand-new-Passw0rd")
    assert login(Client(), "a-brand-new-Passw0rd").status_code == 302
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("path", "logged_in"), [("/accounts/login/", False), ("/", True), ("/directory/", True)]
)
def test_pages_carry_the_security_headers(demo, path, logged_in):
    client = client_for("demo-viewer") if logged_in else Client()
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_answers_carry_the_security_headers_too(demo):
    response = Client().get("/api/v1/me")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(demo):
    response = login(Client(), DEMO_PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
