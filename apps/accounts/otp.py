"""Two-factor authentication (TOTP, django-otp): who needs it, enrolment, verification and an admin's reset.

Every role that sees child-level data (access.CHILD_LEVEL_ROLES), and anyone with access to the Django admin,
must pass a TOTP code after their password before any page is served (middleware.TwoFactorRequiredMiddleware).
A viewer signs in with a password only, unless they enrolled a device of their own accord."""

from __future__ import annotations

import base64
import time

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import CHILD_LEVEL_ROLES
from .models import AuditEvent

DEVICE_NAME = "Authenticator app"
# Set at sign-in for a user who holds a confirmed device although their role would not need one.
SESSION_REQUIRES_OTP = "accounts_otp_required"
# Written by IdleTimeoutMiddleware; set at sign-in so the first request need not write the session.
SESSION_LAST_ACTIVITY = "accounts_last_activity"


def needs_two_factor(user) -> bool:
    """Must this user pass a second factor? Every child-level role, and anyone who can reach the admin."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.role in CHILD_LEVEL_ROLES or user.is_staff or user.is_superuser


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolling user is scanning: kept across page loads so the QR code does not
    change under them; created with a fresh random key the first time."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The key as an authenticator app's "enter a setup key" expects it, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URL as an inline SVG (a single path, no style attributes, nothing for the CSP to refuse).
    The markup is generated here from the device, never from user input."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
    return mark_safe(svg)  # noqa: S308


def _clean(token: str) -> str:
    return "".join((token or "").split())


def confirm_enrolment(request, device: TOTPDevice, token: str) -> bool:
    """Confirm the pending device with a code from the app; the session is then verified by it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if device.confirmed or not device.verify_token(_clean(token)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per user: drop any other (abandoned) enrolment.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    _mark_verified(request, device)
    return True


def verify(request, token: str) -> TOTPDevice | None:
    """Check a code against the user's confirmed devices (django-otp throttles repeated failures and refuses
    a code already used); on success the session is OTP-verified."""
    token = _clean(token)
    for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            _mark_verified(request, verified)
            return verified
    return None


def throttled_for(user) -> int:
    """Seconds until another code may be tried (0 when one may be tried now)."""
    device = confirmed_device(user)
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data:
        return 0
    locked_until = data.get("locked_until")
    return max(1, int((locked_until.timestamp() - time.time()) + 0.999)) if locked_until else 1


def _mark_verified(request, device: TOTPDevice) -> None:
    # A new session key at the privilege change, as at login: a key seen before the second factor is useless.
    request.session.cycle_key()
    django_otp.login(request, device)


@transaction.atomic
def reset_two_factor(user, by) -> int:
    """An administrator's forced reset: delete every OTP device of `user`, so their next sign-in (and any page
    of a session they still hold) leads to a fresh enrolment. Recorded in the audit trail. Returns the number
    of devices removed."""
    devices = list(TOTPDevice.objects.filter(user=user).values_list("name", "confirmed"))
    TOTPDevice.objects.filter(user=user).delete()
    AuditEvent.objects.create(
        actor=by if getattr(by, "pk", None) else None,
        actor_username=getattr(by, "username", "") or "",
        action=AuditEvent.Action.UPDATE,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        object_repr=f"{user} (two-factor reset)"[:300],
        before={"two_factor_devices": [name for name, confirmed in devices if confirmed]},
        after={"two_factor_devices": []},
    )
    return len(devices)
