"""The Django admin, behind the portal's own sign-in and a verified second factor.

django-otp's OTPAdminSite refuses any user whose session is not OTP-verified. Its login page is replaced by
the portal's: one sign-in path, so the lockout, the OTP step and the enrolment apply to the admin too."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class PortalAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, settings.LOGIN_URL)
