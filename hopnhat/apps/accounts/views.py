from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.accounts.actions import (
    create_api_token,
    get_token_for_user,
    record_login,
    revoke_api_token,
)
from hopnhat.apps.accounts.forms import ThrottledAuthenticationForm, TokenCreateForm
from hopnhat.apps.accounts.models import ApiToken, authenticated_user
from hopnhat.apps.directory.models import Membership
from hopnhat.common.middleware import client_ip


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        record_login(user=authenticated_user(self.request), ip=client_ip(self.request))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    memberships = Membership.objects.for_user(user.pk).order_by("organisation__path")
    context = {
        "memberships": memberships,
        "tokens": ApiToken.objects.filter(user=user),
        "form": TokenCreateForm(),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        owner = authenticated_user(request)
        _token, raw = create_api_token(actor=owner, user=owner, name=form.cleaned_data["name"])
        # Shown exactly once, on the next page view; only its hash is stored.
        request.session["new_token"] = raw
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    revoke_api_token(actor=request.user, token=get_token_for_user(request.user, token_id))
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
