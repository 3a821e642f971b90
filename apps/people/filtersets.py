"""Filters of the child list, shared by the page, its exports and the API.

The filterset only ever narrows a queryset that already went through `Child.objects.visible_to(user)`; the
team choices are limited to the user's scope as well, so a tampered team value is an invalid choice (a form
error), never a way to reach another team's children."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from apps.accounts.access import sees_names
from apps.core.choices import ETHNICITY_GROUPS, Sex

from . import selectors
from .models import Child, held_by_team_q

# The blank choice first, so an unfiltered list does not show "Yes" selected.
YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


def _teams(request):
    return selectors.teams_in_scope(getattr(request, "user", None))


class ChildFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Child ID or name", method="search", max_length=100)
    team = django_filters.ModelChoiceFilter(label="Team", queryset=_teams, method="filter_team")
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    age_band = django_filters.ChoiceFilter(
        label="Age band",
        choices=[(code, label) for code, label, *_ in selectors.AGE_BANDS],
        method="filter_age",
    )
    ethnicity_group = django_filters.ChoiceFilter(
        label="Ethnicity group",
        choices=[(g, g) for g in ETHNICITY_GROUPS] + [("Missing", "Missing")],
        method="filter_ethnicity_group",
    )
    uasc = django_filters.TypedChoiceFilter(
        label="UASC", choices=YES_NO, coerce=lambda v: v == "true", field_name="uasc"
    )
    in_care = django_filters.TypedChoiceFilter(
        label="In care now", choices=YES_NO, coerce=lambda v: v == "true", field_name="in_care"
    )
    on_cp_plan = django_filters.TypedChoiceFilter(
        label="On a CP plan now", choices=YES_NO, coerce=lambda v: v == "true", field_name="on_cp_plan"
    )

    class Meta:
        model = Child
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = sees_names(getattr(self.request, "user", None))
        if not self.names:
            self.filters["q"].label = "Child ID"
            self.form.fields["q"].label = "Child ID"

    def search(self, queryset, name, value):
        # Every word must match; names are searched only for users who may see them, so an analyst cannot
        # find out a child's name by guessing it.
        for word in value.split()[:5]:
            q = Q(child_id__icontains=word)
            if self.names:
                q |= Q(given_name__icontains=word) | Q(family_name__icontains=word)
            queryset = queryset.filter(q)
        return queryset

    def filter_team(self, queryset, name, value):
        return queryset.filter(held_by_team_q([value.pk]))

    def filter_age(self, queryset, name, value):
        return queryset.filter(selectors.age_band_q(value, selectors.today()))

    def filter_ethnicity_group(self, queryset, name, value):
        return queryset.filter(selectors.ethnicity_group_q(value))

    def applied(self) -> dict:
        """The validated, non-empty filter values (for the access log)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}
