from django.db import migrations


def fill(apps, schema_editor):
    # The calendar as the holidays package knows it today; apps.core.derived.ensure_calendar corrects any
    # later drift (a newly announced one-off holiday) whenever derived fields are refreshed.
    from datetime import timedelta

    from apps.core import workdays
    from apps.core.derived import CALENDAR_END, CALENDAR_START

    WorkingDay = apps.get_model("core", "WorkingDay")
    rows, d = [], CALENDAR_START
    while d <= CALENDAR_END:
        rows.append(WorkingDay(date=d, ordinal=workdays.working_day_ordinal(d), is_working=workdays.is_working_day(d)))
        d += timedelta(days=1)
    WorkingDay.objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_workingday")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
