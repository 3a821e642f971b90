from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "apps.frontdoor"
    verbose_name = "Front door: contacts, referrals, early help"
