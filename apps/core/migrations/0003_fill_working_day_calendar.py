from django.db import migrations


def fill(apps, schema_editor):
    # The calendar as the holidays package knows it today; apps.core.calendar.ensure_calendar corrects any
    # later drift (a newly announced one-off holiday) whenever derived fields are refreshed.
    from apps.core.calendar import CALENDAR_END, CALENDAR_START, ensure_calendar

    ensure_calendar(CALENDAR_START, CALENDAR_END, model=apps.get_model("core", "WorkingDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_workingday")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
