"""The drill-down's promise, checked: for a drillable measure, the records its population lists behind a
stored figure number the figure's numerator and denominator (a mean's numerator: their summed duration)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.kpis.engine import Ctx, _as_days
from apps.kpis.models import Snapshot
from apps.kpis.population import DENOMINATOR, NUMERATOR, Kind
from apps.kpis.registry import load


def stored(code: str, period: str) -> dict[tuple, tuple]:
    """{(basis, org pk, dimension, breakdown): (numerator, denominator)} of the latest stored version."""
    out, versions = {}, {}
    rows = Snapshot.objects.filter(measure=code, period=period).values_list(
        "basis", "org_unit_id", "dimension", "breakdown", "version", "numerator", "denominator"
    )
    for b, o, d, k, v, n, dn in rows:
        if v >= versions.get((b, o, d, k), 0):
            versions[(b, o, d, k)] = v
            out[(b, o, d, k)] = (n, dn)
    return out


def teams_by_unit() -> dict[int, list[int] | None]:
    teams = defaultdict(list)
    units = dict(OrgUnit.objects.values_list("pk", "level"))
    for pk, parent in OrgUnit.objects.filter(level=OrgLevel.TEAM).values_list("pk", "parent_id"):
        teams[parent].append(pk)
    return {
        pk: None if level == OrgLevel.LA else ([pk] if level == OrgLevel.TEAM else teams[pk])
        for pk, level in units.items()
    }


def drill_mismatches(code: str, period: str, *, keep=None) -> list[str]:
    """Every stored figure of the measure and month (or those `keep(key)` accepts) whose records do not
    number it, as readable lines; [] when the drill-down agrees with the snapshot everywhere."""
    m = load()[code]
    ctx = Ctx(Period.parse(period))
    units = teams_by_unit()
    figures = stored(code, period)
    assert figures, f"{code}: nothing stored for {period}"
    pops, problems = {}, []
    for key, (num, den) in sorted(figures.items(), key=str):
        if keep is not None and not keep(key):
            continue
        basis, org, dim, bd = key
        if basis not in pops:
            pops[basis] = m.population(ctx, basis)
        pop = pops[basis]
        teams = units[org]
        if pop.kind == Kind.MEAN:
            days = pop.records(teams=teams, dimension=dim, breakdown=bd).values_list("_days", flat=True)
            total = sum((_as_days(d) for d in days), Decimal(0)) / pop.per
            if abs(total - num) > Decimal("0.001"):
                problems.append(f"{code} {key}: numerator {num}, records' days {total}")
        else:
            n = pop.records(teams=teams, dimension=dim, breakdown=bd, part=NUMERATOR).count()
            if n != num:
                problems.append(f"{code} {key}: numerator {num}, records {n}")
        if pop.has_denominator_records:
            d = pop.records(teams=teams, dimension=dim, breakdown=bd, part=DENOMINATOR).count()
            if d != den:
                problems.append(f"{code} {key}: denominator {den}, records {d}")
    return problems


def drillable(sections=None) -> list[str]:
    return sorted(
        code for code, m in load().items() if m.drillable and (sections is None or m.section in sections)
    )
