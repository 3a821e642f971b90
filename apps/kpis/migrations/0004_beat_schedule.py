"""Seed the beat schedule in django-celery-beat's tables so admins can change it (times, enabled) without a
deploy. Running it again changes nothing."""

import json

from django.db import migrations

SCHEDULE = [
    # name, task, crontab (minute, hour), description
    ("Refresh the open month", "apps.kpis.tasks.refresh_open_month", ("15", "2"), "nightly"),
    ("Freeze last month", "apps.kpis.tasks.freeze_previous_month", ("30", "6"),
     "daily; freezes the previous month on its first working day after month end"),
]


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour), description in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "description": description, "args": json.dumps([])},
        )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0003_backfill"), ("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(seed, unseed)]
