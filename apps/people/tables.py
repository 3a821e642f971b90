"""The child list table. Two classes rather than one with a hidden column: for users who may not see names
the name column does not exist, so it can be neither shown nor sorted on."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat

from apps.core.converters import is_url_child_id

from . import selectors
from .models import Child


class PortalTable(tables.Table):
    class Meta:
        attrs = {"class": "table table--compact"}
        empty_text = "No children match these filters."
        # A missing value as the booklet writes it (an en dash; django-tables2's own is an em dash).
        default = "–"


class DayColumn(tables.Column):
    """A date as the booklet writes it (1 Mar 2018), in the page and in an export. django-tables2's
    DateColumn is a TemplateColumn that compiles its template again for every cell: two date columns were
    a third of a 50-row case tracking page's rendering."""

    def __init__(self, *args, format: str = "j M Y", **kwargs):
        self.format = format
        super().__init__(*args, **kwargs)

    def render(self, value):
        return dateformat.format(value, self.format)


class ChildTable(PortalTable):
    # An ID stored before the import's ID rule may hold a "/" or a control character, which no URL carries:
    # shown as plain text (None = no link) instead of a NoReverseMatch for the whole page.
    child_id = tables.Column(
        "Child ID",
        linkify=lambda record: (
            reverse("people:child_detail", args=[record.child_id])
            if is_url_child_id(record.child_id)
            else None
        ),
    )
    sex = tables.Column()
    date_of_birth = DayColumn(verbose_name="Date of birth")
    age = tables.Column("Age", empty_values=(), order_by=("-date_of_birth",), attrs={"td": {"class": "num"}})
    ethnicity = tables.Column()
    uasc = tables.Column("UASC", empty_values=())
    team_name = tables.Column("Allocated team")
    in_care = tables.BooleanColumn(verbose_name="In care now", yesno="Yes,No")
    on_cp_plan = tables.BooleanColumn(verbose_name="On CP plan now", yesno="Yes,No")

    class Meta(PortalTable.Meta):
        model = Child
        fields = ("child_id",)
        sequence = ("child_id", "...")
        order_by = ("child_id",)

    def render_uasc(self, value):
        return {True: "Yes", False: "No"}.get(value, "–")

    def render_age(self, record):
        age = selectors.age_on(record.date_of_birth, selectors.today())
        return "–" if age is None else age


class NamedChildTable(ChildTable):
    name = tables.Column("Name", empty_values=(), order_by=("family_name", "given_name"))

    class Meta(ChildTable.Meta):
        sequence = ("child_id", "name", "...")

    def render_name(self, record):
        return f"{record.family_name}, {record.given_name}".strip(", ") or "–"
