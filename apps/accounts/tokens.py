"""API key authentication for case systems and scripts: `Authorization: Token <key>` on each request.

The key is looked up by its SHA-256 (apps.accounts.services_tokens), so the database never holds a usable
key. A revoked or expired key, or one whose user is deactivated, is refused with 401. A key stands in for
the password and the second factor of its user: that is why only an admin can make one, it is shown once,
and it can be limited in time and revoked at any moment. What the key may read is its user's, exactly as in
the browser (the same `visible_to`), and every child-level call is in the access log under that user."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken
from .services_tokens import key_hash

KEYWORD = b"token"
# last_used_at is written at most this often per key, not on every call.
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # not a key: a session, or nobody
        if len(parts) != 2:
            raise AuthenticationFailed("Give the key as: Authorization: Token <key>")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed("The key is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise AuthenticationFailed("The key is not valid.")
        if token.expires_at is not None and token.expires_at <= now:
            raise AuthenticationFailed("The key has expired.")
        if not token.user.is_active:
            raise AuthenticationFailed("The key's user is deactivated.")
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"
