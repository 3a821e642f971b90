"""The booklet's Dashboard as the default scorecard layout, read from fixtures/scorecard_layouts/booklet.json
(not a model-serialised fixture, so the file survives changes to the models)."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.scorecards.services import layout_load, read_layout_file

    layout_load(
        read_layout_file(),
        layout_model=apps.get_model("scorecards", "ScorecardLayout"),
        section_model=apps.get_model("scorecards", "LayoutSection"),
        row_model=apps.get_model("scorecards", "LayoutRow"),
    )


def unload(apps, schema_editor):
    from apps.scorecards.services import read_layout_file

    apps.get_model("scorecards", "ScorecardLayout").objects.filter(slug=read_layout_file()["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
