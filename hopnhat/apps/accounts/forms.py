from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.accounts.actions import login_is_throttled, record_login_failure
from hopnhat.common.middleware import client_ip


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses further attempts after LOGIN_FAILURE_LIMIT failures from one address in the window."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts. Wait a few minutes before trying again, "
            "or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else ""
        if username and login_is_throttled(username=username, ip=ip):
            record_login_failure(username=username, ip=ip, throttled=True)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                record_login_failure(username=username, ip=ip, throttled=False)
            raise


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
