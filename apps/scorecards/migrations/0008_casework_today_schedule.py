"""Add the early-morning working-out of today's case tracking to the beat schedule (django-celery-beat), as
kpis/0004_beat_schedule seeds the others; admins change its time there. Running it again changes nothing."""

import json

from django.db import migrations

NAME = "Work out today's case tracking"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "apps.scorecards.tasks.casework_today",
            "crontab": crontab,
            "description": "daily, after the night's import: each kind's open work as at today, kept for the lists",
            "args": json.dumps([]),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0007_casework_builds"), ("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(seed, unseed)]
