from django.apps import AppConfig


class ManageConfig(AppConfig):
    """The portal's own admin pages (/manage/): users, teams and services, targets, benchmarks, baseline,
    entered measures, measure settings, the audit trail and the access log. Admins only. The pages hold no
    models; writes go through the owning app's services_admin module, which audits them."""

    name = "apps.manage"
    label = "manage"
    verbose_name = "Portal administration"
