from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "apps.kpis"
    verbose_name = "KPIs"
