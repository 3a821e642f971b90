"""The drill-down's tables and filters, one table per record model, built from what the measure's population
says matters (its `columns`) plus what every drill-down shows: the child (linked to their record), the
child's name for roles that see names, the record's own ID, the team the figure counts it for, the breakdown
value and, on a denominator's list, whether the record is also in the numerator."""

from __future__ import annotations

from functools import cache

import django_filters
import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.urls import reverse

from apps.accounts.access import sees_names
from apps.people.tables import DayColumn, PortalTable

# Annotations a population may name among its columns: (header, how the value is shown).
ANNOTATED = {
    "_age": "Age",
    "_days": "Days",
    "_last_visit": "Last visit",
    "_lv": "Last visit",
    "_n": "Placements in the 12 months",
    "_from": "From",
    "_poc": "Period of care start",
    "_k": "Earlier reviews in the period of care",
}


def record_id_field(model) -> str | None:
    """The record's own identifier (contact_id, assessment_id...): its unique `..._id` text field."""
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key and f.name.endswith("_id") and f.get_internal_type() == "CharField":
            return f.name
    return None


def _header(model, path: str) -> str:
    if path in ANNOTATED:
        return ANNOTATED[path]
    current, field = model, None
    for name in path.split("__"):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return path
        current = field.related_model or current
    verbose = str(getattr(field, "verbose_name", path))
    return verbose[:1].upper() + verbose[1:]


def _days(value):
    if value is None:
        return "–"
    return getattr(value, "days", value)


@cache
def drill_table(model, columns: tuple, *, names: bool, breakdown: str, flag: bool):
    """The table class for a record model and a measure's columns (cached: one class per shape)."""
    attrs: dict = {
        "child_id": tables.Column(
            "Child ID",
            accessor="child__child_id",
            # An audit or supervision may name no child: its row has no child to link to.
            linkify=lambda record: (
                reverse("people:child_detail", args=[record.child.child_id]) if record.child_id else None
            ),
            default="no child",
        )
    }
    sequence = ["child_id"]
    if names:
        attrs["name"] = tables.Column(
            "Name", empty_values=(), order_by=("child__family_name", "child__given_name")
        )
        attrs["render_name"] = lambda self, record: (
            f"{record.child.family_name}, {record.child.given_name}".strip(", ") or "–"
        )
        sequence.append("name")
    id_field = record_id_field(model)
    if id_field:
        attrs[id_field] = tables.Column(_header(model, id_field), accessor=id_field)
        sequence.append(id_field)
    headers = {c[0]: c[1] for c in columns if not isinstance(c, str)}
    for path in (c if isinstance(c, str) else c[0] for c in columns):
        if path == id_field:
            continue
        key = path.replace("__", "_")
        if path == "_days":
            attrs[key] = tables.Column("Days", accessor=path, attrs={"td": {"class": "num"}})
            attrs[f"render_{key}"] = lambda self, value: _days(value)
        elif path == "_age":
            attrs[key] = tables.Column("Age", accessor=path, attrs={"td": {"class": "num"}})
            attrs[f"render_{key}"] = lambda self, value: "unborn" if value is None or value < 0 else value
        elif path in headers:
            attrs[key] = tables.Column(headers[path], accessor=path)
        elif path.startswith("_"):
            attrs[key] = tables.Column(
                ANNOTATED.get(path, path.strip("_").replace("_", " ").capitalize()), accessor=path
            )
        else:
            attrs[key] = _field_column(model, path)
        sequence.append(key)
    attrs["team"] = tables.Column("Team", accessor="_team_name", default="no team")
    sequence.append("team")
    if breakdown:
        header = breakdown.replace("_", " ").capitalize()
        attrs["breakdown"] = tables.Column(header, accessor="_dim", empty_values=(), orderable=True)
        attrs["render_breakdown"] = lambda self, record: self.breakdown_label(record._dim)
        sequence.append("breakdown")
    if flag:
        attrs["in_numerator"] = tables.BooleanColumn(
            verbose_name="In numerator", accessor="_in_num", yesno="Yes,No"
        )
        sequence.append("in_numerator")

    class Meta(PortalTable.Meta):
        empty_text = "No records match."

    attrs["Meta"] = Meta
    attrs["Meta"].sequence = tuple(sequence)
    name = f"{model.__name__}{'Named' if names else ''}DrillTable"
    return type(name, (DrillTable,), attrs)


class DrillTable(PortalTable):
    def __init__(self, *args, breakdown_label=None, **kwargs):
        self.breakdown_label = breakdown_label or str
        super().__init__(*args, **kwargs)


def _field_column(model, path: str):
    header = _header(model, path)
    current, field = model, None
    for name in path.split("__"):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return tables.Column(header, accessor=path)
        current = field.related_model or current
    internal = field.get_internal_type() if field is not None else ""
    if internal == "DateTimeField":
        return tables.DateTimeColumn(verbose_name=header, accessor=path, format="j M Y H:i")
    if internal == "DateField":
        return DayColumn(verbose_name=header, accessor=path)
    if internal == "BooleanField":
        return tables.BooleanColumn(verbose_name=header, accessor=path, yesno="Yes,No", null=True)
    if field is not None and field.choices:
        return ChoiceColumn(header, accessor=path, choices=dict(field.flatchoices))
    return tables.Column(
        header, accessor=path, attrs={"td": {"class": "num"}} if "Integer" in internal else {}
    )


class ChoiceColumn(tables.Column):
    """A coded field shown by its label (the code when it has none; a dash when blank)."""

    def __init__(self, *args, choices: dict, **kwargs):
        self.choices = choices
        super().__init__(*args, **kwargs)

    def render(self, value):
        return self.choices.get(value, value) or "–"


YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class DrillFilterSet(django_filters.FilterSet):
    """A small filterset over the records of one figure: the child, the team (of the figure's org unit and the
    viewer's scope) and, on a denominator's list, whether the record is also counted in the numerator."""

    q = django_filters.CharFilter(label="Child ID or name", method="search", max_length=100)
    team = django_filters.ModelChoiceFilter(
        label="Team", queryset=None, method="filter_team", empty_label="Any team"
    )
    in_numerator = django_filters.TypedChoiceFilter(
        label="In numerator", choices=YES_NO, coerce=lambda v: v == "true", method="filter_in_numerator"
    )

    def __init__(self, *args, teams=None, flag: bool = False, child_field: str = "child", **kwargs):
        super().__init__(*args, **kwargs)
        self.child_field = child_field
        self.filters["team"].queryset = teams
        self.form.fields["team"].queryset = teams
        if not flag:
            del self.filters["in_numerator"]
            del self.form.fields["in_numerator"]
        self.names = sees_names(getattr(self.request, "user", None))
        if not self.names:
            self.form.fields["q"].label = "Child ID"

    def search(self, queryset, name, value):
        c = self.child_field
        for word in value.split()[:5]:
            q = Q(**{f"{c}__child_id__icontains": word})
            if self.names:
                q |= Q(**{f"{c}__given_name__icontains": word}) | Q(**{f"{c}__family_name__icontains": word})
            queryset = queryset.filter(q)
        return queryset

    def filter_team(self, queryset, name, value):
        return queryset.filter(_team=value.pk)

    def filter_in_numerator(self, queryset, name, value):
        return queryset.filter(_in_num=value)

    def applied(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}
