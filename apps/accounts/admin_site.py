"""The Django admin: an operator's console, behind the portal's own sign-in and a verified second factor.

django-otp's OTPAdminSite refuses any user whose session is not OTP-verified. Its login page is replaced by
the portal's: one sign-in path, so the lockout, the OTP step and the enrolment apply to the admin too.

What the admin is for (issue 8). Every child-level view of the portal is access-controlled and writes an
access-log row; every change to users, teams, targets and settings goes through /manage/ and writes an audit
event. The admin does neither, so it must not be a side door round them:

- No child-level data. No record that names a child, nor a Families First family or member, has an admin:
  records are seen at /children/ (apps.people.views.ChildLevelMixin), where access is checked and logged.
  tests/test_admin.py fails if an admin is registered for any model that holds a child's data.
- No users, second factors or passwords. The User admin would set any user's password, role, teams and
  staff/superuser flags with only Django's own log entry, and django-otp's device admin shows a device's
  secret (hex key and QR code) and creates devices for anyone: that is impersonation. Both are withdrawn
  (`withdraw_side_doors`), and so is Group (portal access comes from the role, apps.accounts.access, never
  from Django groups or permissions). Users, password resets, two-factor resets and unlocks are /manage/'s
  audited services; a signed-in user's own password change is the portal's page (`password_change` below).
- Portal data is read-only here (apps.core.admin.ReadOnlyAdmin): what /manage/ edits is edited there, with
  an audit event; what the importers and the snapshot engine write is recorded as their runs. Login
  attempts and lockouts (django-axes) are viewable but not deletable: deleting one is an unlock, which goes
  through apps.accounts.lockout.unlock (audited) from /manage/users/.
- What stays writable is the operators' own machinery: the Celery beat schedule (django-celery-beat).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite
from django_otp.models import Device


class PortalAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, settings.LOGIN_URL)

    def password_change(self, request, extra_context=None):
        # One page for changing one's own password, the portal's (apps.accounts.urls).
        return redirect("password_change")

    def withdraw_side_doors(self):
        """Unregister what third-party apps registered and the portal's admin must not offer (see the module
        docstring): every django-otp device model, whichever plugins are installed, and Group. Called once
        every app's admin module has run (apps.accounts.apps.PortalAdminConfig.ready), so it does not depend
        on the order of INSTALLED_APPS."""
        from django.contrib.auth.models import Group

        for model in list(self._registry):
            if issubclass(model, Device) or model is Group:
                self.unregister(model)
