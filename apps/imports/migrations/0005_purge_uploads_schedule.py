"""Add the daily purge of abandoned browser uploads to the beat schedule (django-celery-beat), as
kpis/0004_beat_schedule seeds the others. Running it again changes nothing."""

import json

from django.db import migrations

NAME = "Purge abandoned uploads"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "apps.imports.tasks.uploads_purge",
            "crontab": crontab,
            "description": "daily; discards uploads left unconfirmed longer than IMPORT_UPLOAD_KEEP_DAYS",
            "args": json.dumps([]),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("imports", "0004_import_run_upload_progress"), ("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(seed, unseed)]
