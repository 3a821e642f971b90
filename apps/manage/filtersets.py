"""django-filter filtersets of the /manage/ lists."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Q

from apps.accounts.models import AccessAction, AccessLog, ApiToken, AuditEvent, Role, User
from apps.core.models import OrgLevel, OrgUnit
from apps.kpis.models import Benchmark, BenchmarkKind, EnteredMeasure, Target
from apps.scorecards.models import BookletRecipient

from .forms import measure_choices, org_unit_label, validate_period

DATE = forms.DateInput(attrs={"type": "date"})

AUDITED_TYPES = [
    ("accounts.user", "User"),
    ("core.orgunit", "Team or service"),
    ("kpis.target", "Target"),
    ("kpis.benchmark", "Benchmark"),
    ("kpis.baseline", "Baseline"),
    ("kpis.enteredmeasure", "Entered measure"),
    ("kpis.measuresetting", "Measure setting"),
    ("scorecards.scorecardlayout", "Scorecard layout"),
    ("scorecards.layoutsection", "Scorecard layout section"),
    ("scorecards.layoutrow", "Scorecard layout row"),
]


class OrgUnitFilter(df.ModelChoiceFilter):
    def __init__(self, *args, levels=None, **kwargs):
        qs = OrgUnit.objects.order_by("level", "name")
        if levels:
            qs = qs.filter(level__in=levels)
        kwargs.setdefault("queryset", qs)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = org_unit_label
        return field


class UserFilterSet(df.FilterSet):
    q = df.CharFilter(method="search", label="Name, username or email")
    role = df.ChoiceFilter(choices=Role.choices)
    org_unit = OrgUnitFilter(
        field_name="org_units", levels=[OrgLevel.SERVICE, OrgLevel.TEAM], label="Team or service"
    )
    is_active = df.BooleanFilter(label="Active")

    class Meta:
        model = User
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )


class OrgUnitFilterSet(df.FilterSet):
    q = df.CharFilter(method="search", label="Name or code")
    level = df.ChoiceFilter(choices=[(OrgLevel.SERVICE, "Service"), (OrgLevel.TEAM, "Team")])
    parent = OrgUnitFilter(levels=[OrgLevel.SERVICE], label="Service")

    class Meta:
        model = OrgUnit
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class MeasureFilter(df.ChoiceFilter):
    def __init__(self, *args, entered=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._entered = entered

    @property
    def field(self):
        # Choices read late: the registry is imported on first use, not at URL-conf import.
        self.extra["choices"] = measure_choices(entered=self._entered)[1:]
        return super().field


class TargetFilterSet(df.FilterSet):
    measure = MeasureFilter()
    financial_year = df.NumberFilter(label="Financial year")
    org_unit = OrgUnitFilter(label="Org unit")

    class Meta:
        model = Target
        fields = []


class BenchmarkFilterSet(df.FilterSet):
    measure = MeasureFilter()
    year = df.NumberFilter()
    kind = df.ChoiceFilter(choices=BenchmarkKind.choices)
    source = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Benchmark
        fields = []


class PeriodFilter(df.CharFilter):
    def filter(self, qs, value):
        if value:
            try:
                value = validate_period(value)
            except forms.ValidationError:
                return qs.none()
        return super().filter(qs, value)


class EnteredMeasureFilterSet(df.FilterSet):
    kpi_code = MeasureFilter(entered=True, label="Measure")
    period_from = PeriodFilter(field_name="period", lookup_expr="gte", label="From (YYYY-MM)")
    period_to = PeriodFilter(field_name="period", lookup_expr="lte", label="To (YYYY-MM)")
    org_unit = OrgUnitFilter(label="Org unit")

    class Meta:
        model = EnteredMeasure
        fields = []


class _DateRange(df.FilterSet):
    since = df.DateFilter(field_name="at", lookup_expr="date__gte", label="From", widget=DATE)
    until = df.DateFilter(field_name="at", lookup_expr="date__lte", label="To", widget=DATE)


class AuditEventFilterSet(_DateRange):
    actor = df.CharFilter(field_name="actor_username", lookup_expr="icontains", label="By (username)")
    action = df.ChoiceFilter(choices=AuditEvent.Action.choices)
    object_type = df.ChoiceFilter(choices=AUDITED_TYPES, label="Object type")
    object_id = df.CharFilter(label="Object id")
    q = df.CharFilter(field_name="object_repr", lookup_expr="icontains", label="Object name")

    class Meta:
        model = AuditEvent
        fields = []


class AccessLogFilterSet(_DateRange):
    user = df.CharFilter(field_name="username", lookup_expr="icontains", label="User (username)")
    action = df.ChoiceFilter(choices=AccessAction.choices)
    what = df.CharFilter(lookup_expr="icontains", label="What (contains)")

    class Meta:
        model = AccessLog
        fields = []


class ApiTokenFilterSet(df.FilterSet):
    user = df.CharFilter(field_name="user__username", lookup_expr="icontains", label="User", max_length=150)
    state = df.ChoiceFilter(
        choices=[("active", "Working"), ("revoked", "Revoked")],
        method="filter_state",
        label="State",
        empty_label="Any",
    )

    class Meta:
        model = ApiToken
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "active")


class BookletRecipientFilterSet(df.FilterSet):
    email = df.CharFilter(lookup_expr="icontains", label="Email contains")
    active = df.BooleanFilter()

    class Meta:
        model = BookletRecipient
        fields = []
