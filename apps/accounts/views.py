"""Sign-in, the second-factor step, enrolment and password change.

Sign-in is Django's LoginView (django-axes counts failures through the authentication backend); after the
password, a user with an authenticator is asked for a code, and one who needs two-factor but has none is
taken to enrolment. Until then TwoFactorRequiredMiddleware keeps them off every other page."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import otp
from .forms import TokenForm


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        session = self.request.session
        session[otp.SESSION_LAST_ACTIVITY] = int(time.time())
        next_url = self.get_success_url()
        if otp.confirmed_device(user) is not None:
            # Whoever holds an authenticator is asked for it, whatever their role.
            session[otp.SESSION_REQUIRES_OTP] = True
            return HttpResponseRedirect(_with_next("two_factor_verify", next_url))
        if otp.needs_two_factor(user):
            return HttpResponseRedirect(_with_next("two_factor_setup", next_url))
        return HttpResponseRedirect(next_url)


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def two_factor_verify(request):
    user, next_url = request.user, _safe_next(request)
    if otp.is_verified(user):
        return redirect(next_url)
    if otp.confirmed_device(user) is None:
        if otp.needs_two_factor(user):
            return redirect(_with_next("two_factor_setup", next_url))
        return redirect(next_url)

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.verify(request, form.cleaned_data["otp_token"]) is not None:
            return redirect(next_url)
        wait = otp.throttled_for(user)
        form.add_error(
            "otp_token",
            f"That code was not accepted. Wait {wait} seconds before trying again."
            if wait
            else "That code was not accepted. Check the time on your phone and try the current code.",
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def two_factor_setup(request):
    user, next_url = request.user, _safe_next(request)
    if otp.confirmed_device(user) is not None:
        if otp.is_verified(user):
            messages.info(request, "Two-factor sign-in is already set up. An administrator can reset it.")
            return redirect(next_url)
        return redirect(_with_next("two_factor_verify", next_url))

    device = otp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.confirm_enrolment(request, device, form.cleaned_data["otp_token"]):
            messages.success(
                request, "Two-factor sign-in is set up. You will be asked for a code at each sign-in."
            )
            return redirect(next_url)
        form.add_error(
            "otp_token", "That code did not match. Scan the code again or check the time on your phone."
        )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": otp.qr_svg(device),
        "secret": otp.secret_base32(device),
        "required": otp.needs_two_factor(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


# Password change and reset: Django's views, whose forms run AUTH_PASSWORD_VALIDATORS on the new password.
password_change = auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done"))
password_change_done = auth_views.PasswordChangeDoneView.as_view()
password_reset = auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done"))
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a page that says what happened and for how
    long, with status 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
    }
    return render(request, "registration/locked_out.html", context, status=429)
