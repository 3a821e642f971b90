"""The drill-down: from a figure to the records behind it, by the measure's own definition.

/drill/<kpi>/?period=YYYY-MM&org_unit=CODE&basis=…[&dimension=…&breakdown=…]&part=numerator|denominator
[&format=csv|xlsx] (apps.scorecards.links.drill_url builds it). The records are the measure's population
(apps.kpis.population) for the month and basis, narrowed to the org unit (a team: the records whose `_team`
is the team; a service: its teams; the LA: every record, those held by no team included), the breakdown part
and the numerator or denominator, then to the children the viewer may see (ChildLevelListView: visible_to,
names hidden from analysts, viewers refused, an access-log row for every page and export)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode

from apps.accounts import access
from apps.accounts.models import AccessAction
from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.kpis.engine import Ctx
from apps.kpis.models import PeriodState, Snapshot
from apps.kpis.population import DENOMINATOR, NUMERATOR, Kind, Population
from apps.kpis.registry import Measure, load
from apps.people.views import ChildLevelListView

from .drill_tables import DrillFilterSet, drill_table, record_id_field

FORMATS = ("csv", "xlsx")
DRILL_PARAMS = ("period", "org_unit", "basis", "dimension", "breakdown", "part")


class DrillError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Drill:
    """A validated drill-down request and the population it reads."""

    measure: Measure
    period: Period
    org_unit: OrgUnit
    basis: str
    dimension: str
    breakdown: str
    part: str
    population: Population | None
    teams: list[int] | None  # the team pks of the org unit; None = the LA

    def records(self):
        return self.population.records(
            teams=self.teams, dimension=self.dimension, breakdown=self.breakdown, part=self.part
        )

    def part_label(self) -> str:
        """What the list is of, as "the records behind the …" reads on the page."""
        kind = self.population.kind
        if kind == Kind.MEAN:
            return "mean (its numerator sums their durations, its denominator counts them)"
        if kind == Kind.COUNT:
            return "count"
        return self.part


def parse(kpi: str, params) -> Drill:
    """The drill-down's parameters, checked; DrillError(400 or 404) with a message saying what is wrong."""
    measure = load().get(kpi)
    if measure is None:
        raise DrillError(404, f"There is no measure {kpi!r}.")
    try:
        period = Period.parse(params.get("period", ""))
    except ValueError:
        raise DrillError(400, "period must be a month, YYYY-MM (e.g. 2026-10).") from None
    code = params.get("org_unit", "")
    if not code:
        raise DrillError(400, "org_unit is required: the code of the LA, a service or a team.")
    org_unit = OrgUnit.objects.filter(code=code).first()
    if org_unit is None:
        raise DrillError(404, f"There is no org unit with code {code!r}.")
    basis = params.get("basis") or measure.headline
    if basis not in measure.bases:
        raise DrillError(400, f"basis must be one of {', '.join(measure.bases)} for {kpi}.")
    dimension, breakdown = params.get("dimension", ""), params.get("breakdown", "")
    if dimension and dimension not in measure.breakdowns:
        known = ", ".join(measure.breakdowns) or "none"
        raise DrillError(400, f"{kpi} has no breakdown {dimension!r} (its breakdowns: {known}).")
    if dimension and not breakdown:
        raise DrillError(400, "breakdown is required with dimension: the part of the breakdown to list.")
    if breakdown and not dimension:
        raise DrillError(400, "dimension is required with breakdown.")
    part = params.get("part") or NUMERATOR
    if part not in (NUMERATOR, DENOMINATOR):
        raise DrillError(400, "part must be numerator or denominator.")
    if measure.la_only and org_unit.level != OrgLevel.LA:
        raise DrillError(400, f"{kpi} is computed for the whole LA only: use org_unit={la_code()}.")
    teams = None
    if org_unit.level == OrgLevel.SERVICE:
        teams = list(
            OrgUnit.objects.filter(parent=org_unit, level=OrgLevel.TEAM).values_list("pk", flat=True)
        )
    elif org_unit.level == OrgLevel.TEAM:
        teams = [org_unit.pk]
    drill = Drill(measure, period, org_unit, basis, dimension, breakdown, part, None, teams)
    if not measure.drillable:
        return drill
    drill.population = measure.population(Ctx(period), basis)
    kind = drill.population.kind
    if part == DENOMINATOR and kind == Kind.COUNT:
        raise DrillError(400, f"{kpi} is a count: it has no denominator. Use part=numerator.")
    if part == DENOMINATOR and kind == Kind.RATE:
        raise DrillError(
            400, f"The denominator of {kpi} is the population aged 0-17, not records. Use part=numerator."
        )
    if dimension and dimension not in drill.population.dims:
        raise DrillError(400, f"The {dimension} breakdown of {kpi} cannot be listed.")
    return drill


def la_code() -> str:
    return OrgUnit.objects.filter(level=OrgLevel.LA).values_list("code", flat=True).first() or ""


def stored_figure(drill: Drill) -> Snapshot | None:
    return (
        Snapshot.objects.filter(
            measure=drill.measure.code,
            period=str(drill.period),
            basis=drill.basis,
            org_unit=drill.org_unit,
            dimension=drill.dimension,
            breakdown=drill.breakdown,
        )
        .order_by("-version")
        .first()
    )


def stored_count(drill: Drill, row: Snapshot | None):
    """The stored count of the records listed: the numerator, or the denominator (also for a mean, whose
    numerator is the summed duration of the records its denominator counts)."""
    if row is None:
        return None
    if drill.part == DENOMINATOR or drill.population.kind == Kind.MEAN:
        return row.denominator
    return row.numerator


class DrillView(ChildLevelListView):
    template_name = "scorecards/drill.html"
    filterset_class = DrillFilterSet
    access_what = "drill-down"

    def get(self, request, *args, **kwargs):
        try:
            self.drill = parse(kwargs["kpi"], request.GET)
        except DrillError as exc:
            return self.error(exc)
        if not self.drill.measure.drillable:
            return TemplateResponse(request, self.template_name, self.heading() | {"reason": self.reason})
        self.child_field = self.drill.population.child_field
        fmt = request.GET.get("format", "")
        if fmt:
            if fmt not in FORMATS:
                return self.error(DrillError(400, "format must be csv or xlsx."))
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def error(self, exc: DrillError):
        return TemplateResponse(
            self.request, "scorecards/drill_error.html", {"message": exc.message}, status=exc.status
        )

    @property
    def reason(self) -> str:
        return self.drill.measure.drill_reason

    # --- the records ------------------------------------------------------------------------------------

    def get_base_queryset(self):
        pop = self.drill.population
        qs = self.drill.records().select_related(pop.child_field)
        related = {c.split("__")[0] for c in pop.column_paths if "__" in c and not c.startswith("_")}
        if related:
            qs = qs.select_related(*related)
        team_name = OrgUnit.objects.filter(pk=OuterRef("_team")).values("name")[:1]
        first = next((c for c in pop.column_paths if not c.startswith("_")), "pk")
        return qs.annotate(_team_name=Subquery(team_name)).order_by(first, "pk")

    @cached_property
    def flag(self) -> bool:
        """The denominator's list says which records are also in the numerator."""
        pop = self.drill.population
        return pop.num is not None and (self.drill.part == DENOMINATOR or pop.kind == Kind.SHARE)

    def get_filterset_kwargs(self, filterset_class):
        from apps.people.selectors import teams_in_scope

        kwargs = super().get_filterset_kwargs(filterset_class)
        teams = teams_in_scope(self.request.user)
        if self.drill.teams is not None:
            teams = teams.filter(pk__in=self.drill.teams)
        return kwargs | {"teams": teams, "flag": self.flag, "child_field": self.drill.population.child_field}

    def get_table_class(self):
        pop = self.drill.population
        return drill_table(
            pop.model,
            pop.columns,
            names=self.sees_names,
            breakdown=self.drill.dimension,
            flag=self.flag,
        )

    def get_table_kwargs(self):
        drill = self.drill
        if not drill.dimension:
            return {}
        return {"breakdown_label": lambda raw: drill.population.breakdown_label(drill.dimension, raw)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        # Without filters of its own the list is every record in reach: its paginator has counted them.
        unfiltered = not (self.filterset.is_bound and self.filterset.form.changed_data)
        context |= self.heading(visible=table.paginator.count if unfiltered else None)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        context["drill_params"] = [(k, query[k]) for k in DRILL_PARAMS if query.get(k)]
        context["clear_url"] = f"{self.request.path}?{urlencode(context['drill_params'])}"
        context["listed"] = context["table"].paginator.count
        return context

    # --- the heading ------------------------------------------------------------------------------------

    def heading(self, visible: int | None = None) -> dict:
        drill = self.drill
        context = {"drill": drill, "measure": drill.measure, "org_unit": drill.org_unit}
        if not drill.measure.drillable:
            return context
        row = stored_figure(drill)
        stored = stored_count(drill, row)
        scope = access.team_scope(self.request.user)
        if scope is None and visible is not None:
            total = visible  # every record is in reach: the list's paginator has counted them all
        else:
            total = drill.records().count()  # every record of the figure, in reach of the viewer or not
        if scope is None:
            visible = total
        elif visible is None:
            visible = self.restrict(drill.records()).count()
        state = PeriodState.objects.filter(period=str(drill.period)).first()
        context |= {
            "part_label": drill.part_label(),
            "figure": row,
            "stored": None if stored is None else int(stored),
            "total": total,
            "visible": visible,
            "hidden": total - visible,
            "frozen": state.frozen_at if state else None,
            "differs": stored is not None and int(stored) != total,
            "mean": drill.population.kind == Kind.MEAN,
        }
        return context

    # --- exports ------------------------------------------------------------------------------------------

    @property
    def export_name(self) -> str:
        d = self.drill
        return f"{d.measure.code}-{d.period}-{d.org_unit.code}-{d.part}".replace(".", "_")

    def listed(self, *, filters, rows):
        # The page: the figure it lists, and the list's own filters.
        self.log_access(
            what=f"drill-down {self.drill.measure.code}",
            filters=self._log_filters(self.filterset),
            rows=rows,
            action=AccessAction.LIST,
        )

    def exported(self, *, fmt, filters, rows):
        self.log_access(
            what=f"drill-down {self.drill.measure.code} ({fmt})",
            filters=self._log_filters(self.filterset),
            rows=rows,
            action=AccessAction.EXPORT,
        )

    def _log_filters(self, filterset) -> dict:
        d = self.drill
        return {
            "kpi": d.measure.code,
            "period": str(d.period),
            "org_unit": d.org_unit.code,
            "basis": d.basis,
            "dimension": d.dimension,
            "breakdown": d.breakdown,
            "part": d.part,
        } | filterset.applied()

    def export_rows(self, qs):
        """A header, then one row per record, read in chunks (queryset.iterator), never all at once."""
        pop, d = self.drill.population, self.drill
        id_field = record_id_field(pop.model)
        c = pop.child_field
        paths = [f"{c}__child_id"]
        header = ["child_id"]
        if self.sees_names:
            paths += [f"{c}__given_name", f"{c}__family_name"]
            header += ["given_name", "family_name"]
        if id_field:
            paths.append(id_field)
            header.append(id_field)
        extra = [p for p in pop.column_paths if p != id_field]
        paths += extra
        header += [p.lstrip("_") for p in extra]
        paths.append("_team_name")
        header.append("team")
        if d.dimension:
            paths.append("_dim")
            header.append(d.dimension)
        if self.flag:
            paths.append("_in_num")
            header.append("in_numerator")
        dim_at = paths.index("_dim") if d.dimension else None
        yield header
        for values in qs.values_list(*paths).iterator(chunk_size=2000):
            row = list(values)
            if dim_at is not None:
                row[dim_at] = pop.breakdown_label(d.dimension, row[dim_at])
            yield [_plain(v) for v in row]


def _plain(value):
    if hasattr(value, "days") and not hasattr(value, "year"):
        return value.days  # a duration, in days
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.isoformat()
    return value
