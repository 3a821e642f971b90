from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "apps.imports"
    verbose_name = "Imports"

    def ready(self):
        # Register the upload tasks with Celery in every process (web, worker, tests): the upload services
        # queue them by name (uploads._queue_on_commit) rather than importing the module that calls them.
        from . import tasks  # noqa: F401
