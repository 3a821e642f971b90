from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "Accounts"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site (admin.site) requires a verified second factor."""

    default = False
    default_site = "apps.accounts.admin_site.PortalAdminSite"
