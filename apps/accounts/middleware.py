"""Session guards that run on every request, after authentication:

- IdleTimeoutMiddleware signs out a session left alone longer than SESSION_IDLE_TIMEOUT_SECONDS.
- TwoFactorRequiredMiddleware sends a user who must pass a second factor, and has not in this session, to
  the OTP step (or to enrolment when they have no device yet) from every page but sign-in, sign-out and the
  two-factor pages themselves."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import otp

# The last-activity stamp is rewritten at most this often, so a burst of requests writes the session once.
ACTIVITY_RESOLUTION_SECONDS = 60

# Pages a signed-in but not yet verified user may open (URL names in the accounts URL conf).
OPEN_BEFORE_VERIFIED = ("login", "logout", "two_factor_verify", "two_factor_setup")


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(otp.SESSION_LAST_ACTIVITY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
                messages.info(request, f"You were signed out after {minutes} minutes without activity.")
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[otp.SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in OPEN_BEFORE_VERIFIED)
        static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
        return path in self._open_paths or path.startswith(static)

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (otp.needs_two_factor(user) or request.session.get(otp.SESSION_REQUIRES_OTP))
            and not otp.is_verified(user)
            and not self._is_open(request.path_info)
        ):
            target = "two_factor_verify" if otp.confirmed_device(user) else "two_factor_setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(f"{reverse(target)}?{query}" if query else reverse(target))
        return self.get_response(request)
