from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "Accounts"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site (admin.site) requires a verified second factor and offers no
    side door round the portal's audited services (apps/accounts/admin_site.py)."""

    default = False
    default_site = "apps.accounts.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app's admin module registers its models
        from django.contrib import admin

        admin.site.withdraw_side_doors()
