"""Property-based fuzzing of every operation in the OpenAPI schema: no input may cause a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from hopnhat.apps.accounts.actions import create_api_token
from hopnhat.apps.accounts.models import ApiToken
from hopnhat.common.testing import user
from hopnhat.config.wsgi import application


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # Like Django's test client: WSGI requests must not close the test's open transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(demo) -> tuple[ApiToken, str]:
    return create_api_token(actor=None, user=user("demo-admin"), name="fuzz")


# Loaded through the WSGI app itself: the schema under test is the one the server serves.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_operation_answers_with_a_server_error(case, admin_token):
    token, raw = admin_token
    # DELETE /tokens/{id} may draw our own id: keep the fuzzer authenticated.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
    response = case.call(headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
