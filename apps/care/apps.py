from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "apps.care"
    verbose_name = "Children in care, care leavers, adoption and courts"
