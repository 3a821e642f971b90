"""The scorecard's query parameters as a django-filter FilterSet over the layout's rows: period, org unit,
layout and section narrow or choose the rows and their figures; rating is applied to the built lines.
Choices are the months the user may open and the org units, layouts and sections that exist, so a value
that is not one of them is a form error, never a 500."""

from __future__ import annotations

import django_filters as df
from django import forms

from apps.core.models import OrgLevel, OrgUnit
from apps.kpis import ratings

from .models import LayoutRow, LayoutSection, ScorecardLayout
from .scorecard import NO_RATING, ROW_ORDER, home_unit_code, months_for
from .selectors import default_month

RATING_CHOICES = [
    (ratings.RED, "Red"),
    (ratings.AMBER, "Amber"),
    (ratings.GREEN, "Green"),
    (NO_RATING, "No rating"),
]


def _keep(queryset, name, value):
    return queryset


def org_unit_choices(units: list[OrgUnit]) -> list[tuple[str, str]]:
    """The LA, then each service followed by its teams."""
    la = [u for u in units if u.level == OrgLevel.LA]
    services = sorted((u for u in units if u.level == OrgLevel.SERVICE), key=lambda u: u.name)
    teams = sorted((u for u in units if u.level == OrgLevel.TEAM), key=lambda u: u.name)
    out = [(u.code, f"{u.name} (whole council)") for u in la]
    for s in services:
        out.append((s.code, s.name))
        out.extend((t.code, f"\u2003{t.name}") for t in teams if t.parent_id == s.pk)
    out.extend((t.code, t.name) for t in teams if t.parent_id not in {s.pk for s in services})
    return out


class ScorecardFilterSet(df.FilterSet):
    period = df.ChoiceFilter(label="Month", method=_keep, empty_label=None)
    org_unit = df.ChoiceFilter(label="Council, service or team", method=_keep, empty_label=None)
    layout = df.ChoiceFilter(label="Layout", field_name="section__layout__slug", empty_label=None)
    section = df.ChoiceFilter(label="Section", field_name="section_id", empty_label="All sections")
    rating = df.ChoiceFilter(label="Rating", choices=RATING_CHOICES, method=_keep, empty_label="Any rating")
    headline = df.BooleanFilter(
        label="Headline measures only", method="headline_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = LayoutRow
        fields = ["period", "org_unit", "layout", "section", "rating", "headline"]

    def __init__(self, data=None, *, user, **kwargs):
        self.months = months_for(user)
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self.layouts = {x.slug: x for x in ScorecardLayout.objects.all()}
        default = next((x for x in self.layouts.values() if x.is_default), None) or next(
            iter(self.layouts.values()), None
        )
        la = next((u for u in self.units.values() if u.level == OrgLevel.LA), None)
        data = data.copy() if data is not None else {}
        # Missing parameters take their defaults, so the form shows what the page shows.
        for name, value in (
            ("period", default_month(self.months)),
            ("org_unit", home_unit_code(user, la)),
            ("layout", default.slug if default else ""),
        ):
            if not data.get(name):
                data[name] = value
        super().__init__(
            data, queryset=LayoutRow.objects.select_related("section").order_by(*ROW_ORDER), **kwargs
        )
        f = self.filters
        f["period"].extra["choices"] = [(p, p) for p in self.months]
        f["org_unit"].extra["choices"] = org_unit_choices(list(self.units.values()))
        f["layout"].extra["choices"] = [(x.slug, x.name) for x in self.layouts.values()]
        chosen = self.layouts.get(data.get("layout"))
        sections = LayoutSection.objects.filter(layout=chosen).order_by("order") if chosen else []
        f["section"].extra["choices"] = [(str(s.pk), s.title) for s in sections]

    def headline_only(self, queryset, name, value):
        # An unticked box is "all rows", not "the rows that are not headlines".
        return queryset.filter(headline=True) if value else queryset

    @property
    def chosen(self) -> dict:
        """The valid choices as objects: period, org_unit, layout, rating."""
        data = self.form.cleaned_data
        return {
            "period": data.get("period"),
            "org_unit": self.units.get(data.get("org_unit")),
            "layout": self.layouts.get(data.get("layout")),
            "rating": data.get("rating") or "",
        }
