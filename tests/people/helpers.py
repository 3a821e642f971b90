"""Shared by the child-level tests (tests/people, tests/api, tests/test_child_level_access.py)."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2019, 3, 15)


def login(client, user):
    """Sign in with a session that passed the second factor, as child-level roles must have. Uses the shared
    helper from tests/conftest.py (otp_login) when it exists."""
    try:
        from tests.conftest import otp_login as shared_login
    except ImportError:
        shared_login = None
    if shared_login is not None:
        return shared_login(client, user)
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:  # pragma: no cover - before two-factor lands
        return None
    device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return None
