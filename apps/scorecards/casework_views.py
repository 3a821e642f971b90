"""/casework/?org_unit=CODE[&team=…&worker=…&kind=…&state=due_soon|overdue&as_at=YYYY-MM-DD&format=csv|xlsx]:
the open work of an org unit's teams and workers that is due soon or overdue as at a date (today unless
`as_at` says otherwise), from apps.scorecards.casework. A child-level list on the one list stack
(ChildLevelListView: the viewer's children only, names hidden from analysts, viewers refused, every page and
export logged); `org_unit` defaults to the unit the user answers for (a team manager's team)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from apps.accounts.access import sees_names
from apps.core.calendar import CALENDAR_END, CALENDAR_START
from apps.core.converters import is_url_child_id
from apps.core.models import OrgLevel, OrgUnit
from apps.people.selectors import teams_in_scope
from apps.people.tables import DayColumn, PortalTable
from apps.people.views import ChildLevelListView
from apps.workforce.models import Worker

from . import scorecard as sc
from .casework import CaseWork
from .choices import WorkKind, WorkState

KIND_LABELS = dict(WorkKind.choices)
STATE_LABELS = dict(WorkState.choices)
# The list's own parameters, its filters' and the list stack's (page, per_page, sort, format). Anything
# else is refused with a 400 rather than ignored, so a mistyped or forged filter never silently lists
# every child; page_size and limit (the API's paging names) are accepted and ignored.
LIST_PARAMS = {"org_unit", "page", "per_page", "sort", "format", "page_size", "limit"}


def today() -> dt.date:
    return timezone.localdate()


def unit_teams(org_unit: OrgUnit) -> tuple[int, ...] | None:
    """The team pks of an org unit; None for the LA (every team, and work no team holds)."""
    if org_unit.level == OrgLevel.TEAM:
        return (org_unit.pk,)
    if org_unit.level == OrgLevel.SERVICE:
        return tuple(
            OrgUnit.objects.filter(parent=org_unit, level=OrgLevel.TEAM)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return None


class AsAtField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value):
        super().validate(value)
        if value and not (CALENDAR_START <= value <= CALENDAR_END):
            raise ValidationError(
                f"Choose a date from {CALENDAR_START:%Y} to {CALENDAR_END:%Y} (the working-day calendar)."
            )


class AsAtFilter(django_filters.DateFilter):
    field_class = AsAtField


class CaseworkFilterSet(django_filters.FilterSet):
    """Filters that narrow the CaseWork (apps.scorecards.casework): each pushes its condition into every
    kind's query."""

    as_at = AsAtFilter(label="As at", method="filter_as_at")
    team = django_filters.ModelChoiceFilter(
        label="Team", queryset=None, method="filter_team", empty_label="Any team"
    )
    worker = django_filters.ModelChoiceFilter(
        label="Worker",
        queryset=None,
        to_field_name="worker_id",
        method="filter_worker",
        empty_label="Any worker",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=WorkKind.choices, method="filter_kind", empty_label="Any kind"
    )
    state = django_filters.ChoiceFilter(
        label="State", choices=WorkState.choices, method="filter_state", empty_label="Due soon or overdue"
    )

    def __init__(self, *args, teams=None, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, qs in (("team", teams), ("worker", workers)):
            self.filters[name].queryset = qs
            self.form.fields[name].queryset = qs

    def filter_queryset(self, queryset):
        # django-filter asserts that each filter returns a QuerySet; these return the CaseWork they narrow.
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_as_at(self, queryset, name, value):
        return queryset.narrow(as_at=value)

    def filter_team(self, queryset, name, value):
        return queryset.narrow(team=value.pk)

    def filter_worker(self, queryset, name, value):
        return queryset.narrow(worker=value.pk)

    def filter_kind(self, queryset, name, value):
        return queryset.narrow(kinds=(WorkKind(value),))

    def filter_state(self, queryset, name, value):
        return queryset.narrow(state=value)


def _child_link(record):
    child_id = record["child_ref"]
    return reverse("people:child_detail", args=[child_id]) if is_url_child_id(child_id) else None


class CaseworkTable(PortalTable):
    child = tables.Column("Child ID", accessor="child_ref", linkify=_child_link)
    worker = tables.Column("Worker", accessor="worker_name", default="unallocated")
    team = tables.Column("Team", accessor="team_name", default="no team")
    kind = tables.Column("Kind", accessor="work")
    record = tables.Column("Record", accessor="record_id", default="–")
    started = DayColumn(verbose_name="Started", accessor="started")
    due = DayColumn(verbose_name="Due", accessor="due")
    days_overdue = tables.Column(
        "Working days overdue",
        accessor="days_overdue",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    state = tables.Column("State", accessor="state")

    class Meta(PortalTable.Meta):
        empty_text = "No work is due soon or overdue for these filters."
        sequence = ("child", "...")

    def render_kind(self, value):
        return KIND_LABELS.get(value, value)

    def render_state(self, value):
        return STATE_LABELS.get(value, value)

    def render_days_overdue(self, value):
        # Due soon: the working days left (the due date itself counts 0 left).
        return f"{value:,}" if value > 0 else f"{-value:,} left"

    def value_days_overdue(self, value):
        return value


class NamedCaseworkTable(CaseworkTable):
    name = tables.Column("Name", empty_values=(), order_by=("family_name", "given_name"))

    class Meta(CaseworkTable.Meta):
        sequence = ("child", "name", "...")

    def render_name(self, record):
        return f"{record['family_name']}, {record['given_name']}".strip(", ") or "–"


class CaseworkView(ChildLevelListView):
    template_name = "scorecards/casework.html"
    filterset_class = CaseworkFilterSet
    table_class = CaseworkTable
    named_table_class = NamedCaseworkTable
    access_what = "case tracking"
    context_object_name = "work"  # the CaseWork, not a model's queryset

    def get(self, request, *args, **kwargs):
        unknown = sorted(set(request.GET) - LIST_PARAMS - set(CaseworkFilterSet.base_filters))
        if unknown:
            return self.error(
                400,
                f"Unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(n[:40] for n in unknown[:10])}.",
            )
        code = request.GET.get("org_unit", "")
        if not code:
            la = OrgUnit.objects.filter(level=OrgLevel.LA).first()
            code = sc.home_unit_code(request.user, la)
        self.org_unit = OrgUnit.objects.filter(code=code).first()
        if self.org_unit is None:
            return self.error(404, f"There is no org unit with code {code[:40]!r}.")
        self.teams = unit_teams(self.org_unit)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        # The list stack would add names from the object list's model; a CaseWork has none.
        return [self.template_name]

    def error(self, status: int, message: str):
        return TemplateResponse(
            self.request, "scorecards/casework_error.html", {"message": message}, status=status
        )

    def get_base_queryset(self):
        return CaseWork(as_at=today(), teams=self.teams, scope=_scope(self.request.user))

    @cached_property
    def filter_teams(self):
        teams = teams_in_scope(self.request.user)
        return teams if self.teams is None else teams.filter(pk__in=self.teams)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        workers = Worker.objects.filter(team__in=self.filter_teams).order_by("name", "worker_id")
        return kwargs | {"teams": self.filter_teams, "workers": workers}

    def get_table_data(self):
        # The items as a list, read once (CaseWork.rows, from the date's kept items): the page, its count
        # and a sort by any column come from the same read.
        return self.object_list.rows()

    def as_at(self) -> dt.date:
        fs = self.filterset
        if fs.is_bound and fs.is_valid() and fs.form.cleaned_data.get("as_at"):
            return fs.form.cleaned_data["as_at"]
        return today()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "format"):
            query.pop(name, None)
        self._offer_workers()
        context |= {
            "org_unit": self.org_unit,
            "all_children": self.object_list.scope is None and not self.object_list.empty,
            "as_at": self.as_at(),
            "listed": context["table"].paginator.count,
            "list_params": [("org_unit", self.org_unit.code)],
            "clear_url": f"{self.request.path}?{urlencode({'org_unit': self.org_unit.code})}",
        }
        return context

    def _offer_workers(self):
        """The worker filter's choices: the workers of the one team in view (the list's team, the team
        chosen, or the chosen worker's team). A service's or the LA's every worker, thousands of them, would
        be a choice nobody can use and most of the page, so a wider list asks for a team first. Any worker
        of the unit's teams is still accepted in the address (the field's queryset)."""
        field = self.filterset.form.fields["worker"]
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        team, chosen = cleaned.get("team"), cleaned.get("worker")
        if team is not None:
            team_pk = team.pk
        elif self.teams is not None and len(self.teams) == 1:
            team_pk = self.teams[0]
        else:
            team_pk = chosen.team_id if chosen is not None else None
        choices = [("", field.empty_label)]
        if team_pk is None:
            field.help_text = "Choose a team to list its workers."
        else:
            workers = Worker.objects.filter(team_id=team_pk).order_by("name", "worker_id")
            choices += [
                (w.worker_id, field.label_from_instance(w)) for w in workers.only("worker_id", "name")
            ]
        if chosen is not None and all(value != chosen.worker_id for value, _ in choices):
            choices.append((chosen.worker_id, field.label_from_instance(chosen)))
        if field.help_text:
            field.widget.attrs["aria-describedby"] = f"{self.filterset.form['worker'].auto_id}_help"
        field.widget.choices = choices
        # The bound field was made (and its help text copied) when the form was cleaned.
        self.filterset.form["worker"].help_text = field.help_text

    # --- exports ----------------------------------------------------------------------------------------

    @property
    def export_name(self) -> str:
        return f"casework-{self.org_unit.code}-{self.as_at():%Y-%m-%d}"

    def _log_filters(self) -> dict:
        return {"org_unit": self.org_unit.code, "as_at": self.as_at().isoformat()} | self.applied_filters()

    def listed(self, *, filters, rows):
        super().listed(filters=self._log_filters(), rows=rows)

    def exported(self, *, fmt, filters, rows):
        super().exported(fmt=fmt, filters=self._log_filters(), rows=rows)

    def export_rows(self, queryset):
        """One row per item of work, from the one read the export's count made (CaseWork.rows)."""
        names = sees_names(self.request.user)
        header = ["child_id"] + (["given_name", "family_name"] if names else [])
        header += [
            "kind",
            "record_id",
            "team",
            "worker_id",
            "worker",
            "started",
            "due",
            "working_days_overdue",
            "state",
        ]
        yield header
        for r in queryset.rows():
            row = [r["child_ref"]] + ([r["given_name"], r["family_name"]] if names else [])
            row += [
                r["work"],
                r["record_id"],
                r["team_name"] or "",
                r["worker_ref"] or "",
                r["worker_name"] or "",
                r["started"],
                r["due"],
                r["days_overdue"],
                r["state"],
            ]
            yield row


def _scope(user) -> frozenset | None:
    """The teams whose children the user may see, when that is some teams (None: every team, or none)."""
    from apps.accounts.access import team_scope

    scope = team_scope(user)
    return frozenset(scope) if scope else None


def counts_for(user, org_unit: OrgUnit, *, as_at: dt.date | None = None) -> dict | None:
    """Case tracking's counts by kind for an org unit (home page, scorecard): due soon and overdue, of the
    children the user may see. None for a user who may not see child-level lists (viewers). One query for
    the timescales, one for the counts."""
    from apps.accounts.access import sees_child_level
    from apps.people.selectors import restrict

    if not sees_child_level(user):
        return None
    as_at = as_at or today()
    work = restrict(CaseWork(as_at=as_at, teams=unit_teams(org_unit), scope=_scope(user)), user)
    counts = work.counts()
    rows = [
        {"kind": kind, "label": KIND_LABELS[kind], **counts.get(str(kind), {})} for kind in WorkKind.values
    ]
    query = urlencode({"org_unit": org_unit.code})
    return {
        "org_unit": org_unit,
        "as_at": as_at,
        "rows": rows,
        "due_soon": sum(r["due_soon"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "url": f"{reverse('scorecards:casework')}?{query}",
    }
