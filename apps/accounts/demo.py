"""Demo-only two-factor devices, so a reviewer without a phone can sign in as each demo persona.

demo_setup gives every demo user who needs two-factor a confirmed authenticator with a fixed, published key
(derived from the username), and `manage.py demo_totp USERNAME` prints its current code. Both refuse any
device whose key is not the published demo key, so neither can print a real user's codes. Never use this
outside the demo: the keys are in the source code."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import otp

DEMO_DEVICE_NAME = "Demo authenticator (published key)"


def demo_key(username: str) -> str:
    """The published 20-byte key (hex, as TOTPDevice stores it) of a demo user's authenticator."""
    return hashlib.sha1(f"csc-portal demo totp {username}".encode(), usedforsecurity=False).hexdigest()


@transaction.atomic
def set_up_demo_devices(usernames) -> list[tuple[str, str]]:
    """Replace the devices of each named user who needs two-factor by the demo device; return (username,
    base32 setup key) pairs."""
    rows = []
    for user in get_user_model().objects.filter(username__in=list(usernames)).order_by("pk"):
        if not otp.needs_two_factor(user):
            TOTPDevice.objects.filter(user=user).delete()
            continue
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=DEMO_DEVICE_NAME, key=demo_key(user.username), confirmed=True
        )
        rows.append((user.username, otp.secret_base32(device)))
    return rows


def demo_device(username: str) -> TOTPDevice | None:
    """The user's demo device, or None when they have none (or a real one)."""
    return (
        TOTPDevice.objects.filter(user__username=username, confirmed=True, key=demo_key(username))
        .order_by("pk")
        .first()
    )


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
