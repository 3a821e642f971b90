from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "apps.workforce"
    verbose_name = "Workforce, practice quality and Families First"
