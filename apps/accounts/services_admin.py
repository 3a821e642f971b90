"""Writes behind the portal's user pages (/manage/users/): every change is audited (apps.accounts.audit).

Passwords: an administrator never chooses or sees a user's password. Creating a user, or resetting their
password, leaves the account with an unusable password and returns a one-time link (Django's password-reset
token) where the user sets their own. The token is bound to the password hash and last login, so it stops
working as soon as it is used (or the password changes again), and after PASSWORD_RESET_TIMEOUT."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit
from .models import AuditEvent, Role, User


class AdminActionError(Exception):
    """An action refused for a reason the admin should read (e.g. deactivating yourself)."""


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # The sign-in's own password-reset confirmation page (apps.accounts.urls) consumes it.
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _event(actor, user: User, before: dict, note: str) -> None:
    after = audit.fields_of(user)
    after["_action"] = note  # what happened when no stored field shows it (password, 2FA, lockout)
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, before=before, after=after)


@transaction.atomic
def user_create(
    *, actor: User, username: str, first_name: str, last_name: str, email: str, role: str, org_units
) -> tuple[User, str]:
    """Create an account with no usable password; returns (user, one-time set-password path)."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, role=role)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.org_units.set(org_units)
    audit.record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=user, before=None, after=audit.fields_of(user)
    )
    return user, set_password_path(user)


def user_update(*, actor: User, user: User, data: dict) -> bool:
    """Change name, email, role and org units. An admin cannot take the admin role away from themselves
    (the portal would be left without whoever is fixing it)."""
    if user.pk == actor.pk and data.get("role", user.role) != Role.ADMIN:
        raise AdminActionError("You cannot remove your own administrator role.")
    _, changed = audit.update(actor=actor, obj=user, data=data)
    return changed


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account. Accounts are never deleted: the access log and audit trail
    point at them."""
    if user.pk == actor.pk and not active:
        raise AdminActionError("You cannot deactivate your own account.")
    audit.update(actor=actor, obj=user, data={"is_active": active})


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Make the current password unusable and return a one-time set-password path."""
    before = audit.fields_of(user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _event(actor, user, before, "password reset")
    return set_password_path(user)


def _delete_otp_devices(user: User) -> int:
    removed = 0
    for label in ("otp_totp", "otp_static", "otp_email"):
        try:
            config = django_apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if hasattr(model, "user"):
                removed += model.objects.filter(user=user).delete()[0]
    return removed


def _hook(module: str, name: str):
    """A function of the authentication work (apps.accounts.otp / .lockout), or None where it is absent."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User) -> None:
    """Remove the user's second factor so they enrol again at their next sign-in."""
    reset = _hook("apps.accounts.otp", "reset_two_factor")
    if reset is not None:
        reset(user, actor)  # audits the reset itself
        return
    before = audit.fields_of(user)
    _delete_otp_devices(user)
    _event(actor, user, before, "two-factor reset")


def lockout_supported() -> bool:
    return django_apps.is_installed("axes")


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Clear django-axes' failed-login lockout for the user; the number of records removed."""
    if not lockout_supported():
        raise AdminActionError("Login lockout is not enabled on this portal.")
    unlock = _hook("apps.accounts.lockout", "unlock")
    if unlock is not None:
        return unlock(user.username, actor)  # audits the unlock itself
    from axes.utils import reset as axes_reset

    before = audit.fields_of(user)
    removed = axes_reset(username=user.username)
    _event(actor, user, before, "login lockout cleared")
    return removed
