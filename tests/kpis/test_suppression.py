"""Small-number suppression (apps.kpis.suppression): hand-worked patterns, and an attacker, written apart from
the implementation, who differences the published figures and must recover no suppressed one."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pytest

from apps.kpis.registry import Measure, Unit
from apps.kpis.suppression import pattern_of, suppress_month

PARENT = {"LA": None, "S1": "LA", "S2": "LA", "T1": "S1", "T2": "S1", "T3": "S1", "T4": "S2", "T5": "S2"}


def m(code, unit, **kw):
    return Measure(code, code, "1", unit, "none", ("month",), **kw)


MEASURES = {
    "x.count": m("x.count", Unit.COUNT),
    "x.count2": m("x.count2", Unit.COUNT),
    "x.pct": m("x.pct", Unit.PERCENT),
    "x.share": m("x.share", Unit.PERCENT),
    "x.mean": m("x.mean", Unit.MEAN),
    "x.rate": m("x.rate", Unit.RATE),
    "x.fte": m("x.fte", Unit.RATIO, suppress_denominator=False),
}


def row(kpi, org, n, d=None, *, dim="", part="", basis="month", period="2019-03"):
    value = n if d is None else (n / d if d else None)
    return {
        "kpi": kpi,
        "period": period,
        "org_unit": org,
        "dimension": dim or None,
        "breakdown": part or None,
        "basis": basis,
        "numerator": n,
        "denominator": d,
        "value": value,
        "version": 1,
    }


def counts(kpi, values: dict, **kw):
    return [row(kpi, org, n, **kw) for org, n in values.items()]


def hidden(rows):
    pattern = pattern_of(rows, parent=PARENT, measures=MEASURES)
    return {
        (r["kpi"], r["org_unit"], r["breakdown"] or "") for i, r in enumerate(rows) if i in pattern.suppressed
    }


def tree(t1, t2, t3, t4, t5, *, no_team=0):
    s1, s2 = t1 + t2 + t3, t4 + t5
    return {"T1": t1, "T2": t2, "T3": t3, "T4": t4, "T5": t5, "S1": s1, "S2": s2, "LA": s1 + s2 + no_team}


# --- hand-worked patterns ------------------------------------------------------------------------------


def test_nothing_small_nothing_hidden_and_zero_is_shown():
    rows = counts("x.count", tree(0, 12, 30, 8, 9))
    assert hidden(rows) == set()


def test_a_small_team_takes_the_smallest_other_team_of_its_service():
    # T1 = 3 is below 5; S1 = 3 + 12 + 30 would give it back, so the smallest other team of S1 (T2) goes too.
    # The service and the LA stay, and service S2 is untouched.
    rows = counts("x.count", tree(3, 12, 30, 8, 9))
    assert hidden(rows) == {("x.count", "T1", ""), ("x.count", "T2", "")}


def test_a_small_service_is_protected_at_the_la_and_inside():
    # S2 = 2 + 2 = 4 is small itself, so are its teams; LA - S1 would give S2 back: S1 goes, and then S1's
    # teams are a sum of a suppressed total, which must keep two unknowns (it does: S1 = T1 + T2 + T3 with
    # S1 hidden leaves one unknown, so one of its teams goes too).
    rows = counts("x.count", tree(10, 12, 30, 2, 2))
    got = hidden(rows)
    assert {("x.count", "T4", ""), ("x.count", "T5", ""), ("x.count", "S2", "")} <= got
    assert ("x.count", "S1", "") in got
    assert len(got & {("x.count", t, "") for t in ("T1", "T2", "T3")}) >= 1
    assert ("x.count", "LA", "") not in got


def test_parts_and_whole():
    # 30 contacts: 3 / 12 / 15 by outcome. The 3 is given back by 30 - 12 - 15 unless the 12 goes too.
    rows = [row("x.share", "LA", 30, 30)] + [
        row("x.share", "LA", n, 30, dim="outcome", part=p) for p, n in (("a", 3), ("b", 12), ("c", 15))
    ]
    assert hidden(rows) == {("x.share", "LA", "a"), ("x.share", "LA", "b")}


def test_a_percentage_whose_complement_is_small():
    # 38 of 40 children seen: 2 were not, as small a number as 2 seen.
    rows = [row("x.pct", "LA", 38, 40)]
    assert hidden(rows) == {("x.pct", "LA", "")}
    assert hidden([row("x.pct", "LA", 35, 40)]) == set()


def test_a_small_denominator_hides_a_mean_and_its_total():
    rows = [row("x.mean", "LA", 17, 3), row("x.mean", "S1", 90, 20)]
    assert hidden(rows) == {("x.mean", "LA", "")}
    out = suppress_month(rows, parent=PARENT, measures=MEASURES)
    assert out[0] | {} == {
        **rows[0],
        "numerator": None,
        "denominator": None,
        "value": None,
        "suppressed": True,
    }
    assert out[1]["suppressed"] is False and out[1]["numerator"] == 90


def test_a_rates_population_and_a_caseloads_fte_are_not_counts_of_children():
    rows = [row("x.rate", "LA", 40, 4), row("x.fte", "T1", 30, 3)]
    assert hidden(rows) == set()


def test_the_same_figure_under_two_measures_is_hidden_under_both():
    # x.count2 repeats x.count for every org unit (contacts received, and the denominator of outcomes).
    # Hiding T2 under one but not the other would give T1 back.
    values = tree(3, 12, 30, 8, 9)
    rows = counts("x.count", values) + counts("x.count2", values)
    got = hidden(rows)
    assert (
        {k[1] for k in got if k[0] == "x.count"} == {k[1] for k in got if k[0] == "x.count2"} == {"T1", "T2"}
    )


def test_records_held_by_no_team_are_protected_when_few():
    # The LA is 2 more than its services: two contacts held by no team, a hidden figure of its own.
    rows = counts("x.count", tree(10, 12, 30, 8, 9, no_team=2))
    got = hidden(rows)
    assert got and (
        ("x.count", "LA", "") in got or ("x.count", "S1", "") in got or ("x.count", "S2", "") in got
    )
    # ...and not when there are none, or 5 or more.
    assert hidden(counts("x.count", tree(10, 12, 30, 8, 9, no_team=7))) == set()


def test_the_year_to_date_is_the_month_in_april():
    values = tree(3, 12, 30, 8, 9)
    rows = counts("x.count", values, period="2019-04") + counts(
        "x.count", values, period="2019-04", basis="ytd"
    )
    got = pattern_of(rows, parent=PARENT, measures=MEASURES).suppressed
    month = {rows[i]["org_unit"] for i in got if rows[i]["basis"] == "month"}
    ytd = {rows[i]["org_unit"] for i in got if rows[i]["basis"] == "ytd"}
    assert month == ytd == {"T1", "T2"}


def test_one_month_at_a_time():
    with pytest.raises(ValueError):
        pattern_of(
            [row("x.count", "LA", 3), row("x.count", "LA", 3, period="2019-04")],
            parent=PARENT,
            measures=MEASURES,
        )


# --- the attacker --------------------------------------------------------------------------------------


def _f(x):
    return None if x is None else Fraction(str(x))


def attack(published: list[dict], parent: dict) -> dict[tuple, Fraction]:
    """Everything a reader can work out from the published rows alone, by differencing: a whole minus its
    published parts, a service (or the LA) minus its published teams (or services), a share's denominator
    from its whole, and a figure from another measure's that equals it for every org unit where both are
    published (and not zero in at least three). Repeated until nothing new comes out. Returns {(row position, "n" | "d"): value}."""
    known: dict[tuple, Fraction] = {}
    for i, r in enumerate(published):
        if not r["suppressed"]:
            known[(i, "n")] = _f(r["numerator"])
            if r["denominator"] is not None:
                known[(i, "d")] = _f(r["denominator"])
    key = {
        i: (r["kpi"], r["basis"], r["org_unit"], r["dimension"] or "", r["breakdown"] or "")
        for i, r in enumerate(published)
    }
    sums: list[tuple[list[int], int]] = []  # (parts, total) as row positions
    equal: list[tuple[int, int]] = []  # rows whose denominators are equal
    wholes = {(k[0], k[1], k[2]): i for i, k in key.items() if not k[3]}
    parts = defaultdict(list)
    for i, k in key.items():
        if k[3]:
            parts[(k[0], k[1], k[2], k[3])].append(i)
    for (kpi, basis, org, _), members in parts.items():
        if (kpi, basis, org) in wholes:
            whole = wholes[(kpi, basis, org)]
            sums.append((members, whole))
            equal.extend((p, whole) for p in members)
    by_org = defaultdict(dict)
    for i, k in key.items():
        by_org[(k[0], k[1], k[3], k[4])][k[2]] = i
    for cells in by_org.values():
        children = defaultdict(list)
        for org, i in cells.items():
            if parent.get(org) in cells:
                children[parent[org]].append(i)
        for up, below in children.items():
            sums.append((below, cells[up]))
    series = defaultdict(dict)
    for i, k in key.items():
        series[(k[0], k[1], k[3], k[4])][k[2]] = i

    changed = True
    while changed:
        changed = False
        for members, total in sums:
            for field in ("n", "d"):
                cells = [(m, field) for m in members]
                unknown = [c for c in cells if c not in known]
                if (total, field) in known and len(unknown) == 1:
                    value = known[(total, field)] - sum(known[c] for c in cells if c in known)
                    known[unknown[0]] = value
                    changed = True
                elif (total, field) not in known and not unknown:
                    known[(total, field)] = sum(known[c] for c in cells)
                    changed = True
        for a, b in equal:
            if (a, "d") in known and (b, "d") not in known:
                known[(b, "d")], changed = known[(a, "d")], True
            elif (b, "d") in known and (a, "d") not in known:
                known[(a, "d")], changed = known[(b, "d")], True
        # Equal series: two measures' figures agreeing at every org unit where both are known (at least 3).
        names = list(series)
        for x in range(len(names)):
            for y in range(x + 1, len(names)):
                sx, sy = series[names[x]], series[names[y]]
                for fx in ("n", "d"):
                    for fy in ("n", "d"):
                        both = [o for o in sx if o in sy and (sx[o], fx) in known and (sy[o], fy) in known]
                        if any(known[(sx[o], fx)] != known[(sy[o], fy)] for o in both):
                            continue
                        if sum(1 for o in both if known[(sx[o], fx)]) < 3:
                            continue  # agreeing on zeros says nothing
                        for o in sx:
                            if o in sy:
                                a, b = (sx[o], fx), (sy[o], fy)
                                if a in known and b not in known:
                                    known[b], changed = known[a], True
                                elif b in known and a not in known:
                                    known[a], changed = known[b], True
    return known


def leaks(rows: list[dict], parent: dict, measures: dict) -> list[tuple]:
    """Suppressed small figures the attacker recovers exactly."""
    published = suppress_month(rows, parent=parent, measures=measures)
    known = attack(published, parent)
    found = []
    for i, r in enumerate(rows):
        if not published[i]["suppressed"]:
            continue
        n, d = _f(r["numerator"]), _f(r["denominator"])
        small = lambda x: x is not None and 0 < x < 5  # noqa: E731
        if small(n) and known.get((i, "n")) == n:
            found.append((r["kpi"], r["org_unit"], r["breakdown"], "numerator", n))
        if small(d) and known.get((i, "d")) == d:
            found.append((r["kpi"], r["org_unit"], r["breakdown"], "denominator", d))
        if (
            n is not None
            and d is not None
            and small(d - n)
            and known.get((i, "n")) == n
            and known.get((i, "d")) == d
        ):
            found.append((r["kpi"], r["org_unit"], r["breakdown"], "complement", d - n))
    return found


def test_the_attacker_recovers_small_figures_when_only_they_are_hidden():
    # The attacker works: with primary suppression alone (the portal before this change), it gets T1 back.
    rows = counts("x.count", tree(3, 12, 30, 8, 9))
    published = [dict(r, suppressed=r["org_unit"] == "T1") for r in rows]
    known = attack(published, PARENT)
    assert known[(0, "n")] == 3


def test_the_attacker_recovers_nothing_from_a_hand_made_month():
    rows = []
    for kpi, values in (("x.count", tree(3, 12, 30, 8, 9)), ("x.count2", tree(3, 12, 30, 8, 9))):
        rows += counts(kpi, values)
    # A share with parts by outcome for every org unit, one part small in two teams.
    split = {"T1": (2, 9, 11), "T2": (7, 8, 1), "T3": (10, 10, 10), "T4": (6, 6, 6), "T5": (5, 9, 20)}
    totals = defaultdict(lambda: [0, 0, 0])
    for org, parts in split.items():
        for up in (org, PARENT[org], "LA"):
            totals[up] = [a + b for a, b in zip(totals[up], parts, strict=True)]
    for org, parts in totals.items():
        whole = sum(parts)
        rows.append(row("x.share", org, whole, whole))
        rows += [
            row("x.share", org, n, whole, dim="outcome", part=p) for p, n in zip("abc", parts, strict=True)
        ]
    rows += [
        row("x.pct", org, n - 2 if org == "T3" else n - 6, n) for org, n in tree(10, 12, 30, 8, 9).items()
    ]
    assert leaks(rows, PARENT, MEASURES) == []


@pytest.mark.slow
@pytest.mark.django_db
def test_the_attacker_recovers_nothing_from_a_demo_council_month(tmp_path, client, login):
    """A whole month of every measure for a generated council: many small teams' figures are suppressed, and
    differencing the published rows (what /api/snapshots/ gives a viewer) gives none of them back."""
    from datetime import date

    from apps.core.models import OrgUnit
    from apps.core.periods import Period
    from apps.imports.demo import generate_bundle
    from apps.imports.services import bundle_import
    from apps.kpis.registry import load
    from apps.kpis.selectors import export_rows
    from apps.kpis.services import snapshot_period_compute

    folder = tmp_path / "demo"
    generate_bundle(folder, size="small", seed=7, today=date(2026, 3, 18), end=date(2026, 3, 1))
    assert bundle_import(path=folder, command="test").error_count == 0
    period = Period.parse("2026-01")
    snapshot_period_compute(period=period)
    rows = export_rows(period=str(period))
    parent = dict(OrgUnit.objects.values_list("code", "parent__code"))
    pattern = pattern_of(rows, parent=parent, measures=load())
    assert len(pattern.primary) > 50, "the month has small figures to protect"
    assert leaks(rows, parent, load()) == []

    # What a viewer gets from the API is that pattern: the whole month, and each org unit's share of it.
    from django.utils import timezone

    from apps.accounts.models import Role
    from apps.kpis.models import PeriodState
    from tests.factories import UserFactory

    PeriodState.objects.update_or_create(period=str(period), defaults={"frozen_at": timezone.now()})
    login(client, UserFactory(role=Role.VIEWER))
    api = client.get("/api/snapshots/", {"period": str(period)}).json()
    assert api["small_numbers_suppressed"] is True
    assert [r["suppressed"] for r in api["results"]] == [i in pattern.suppressed for i in range(len(rows))]
    assert not any(
        r["numerator"] is not None or r["denominator"] is not None or r["value"] is not None
        for r in api["results"]
        if r["suppressed"]
    )
    assert attack([dict(r) for r in api["results"]], parent).keys() >= {
        (i, "n") for i, r in enumerate(rows) if i not in pattern.suppressed
    }
    team = next(code for code, up in parent.items() if up and parent.get(up))
    one = client.get("/api/snapshots/", {"period": str(period), "org_unit": team}).json()["results"]
    assert one == [r for r in api["results"] if r["org_unit"] == team]
    # The attacker is not toothless: against the small figures hidden alone, it recovers many of them.
    alone = [dict(r, suppressed=i in pattern.primary) for i, r in enumerate(rows)]
    known = attack(alone, parent)
    recovered = [
        i for i in pattern.primary if (i, "n") in known and known[(i, "n")] == _f(rows[i]["numerator"])
    ]
    assert len(recovered) > 20


@pytest.mark.django_db
def test_the_pattern_is_stored_with_the_month_and_cleared_by_a_write(la):
    """Worked out once (the backfill command does it for published months), read back without work, and
    cleared when the month's snapshots change."""
    from io import StringIO

    from django.core.management import call_command

    from apps.core.periods import Period
    from apps.kpis.models import PeriodState
    from apps.kpis.services import snapshot_period_compute
    from tests.factories import ContactFactory, TeamFactory

    team = TeamFactory()
    for _ in range(3):  # three contacts: a small count, withheld
        ContactFactory(team=team, received_at="2018-01-10T10:00:00Z")
    out = StringIO()
    call_command("backfill", "--from", "2018-01", "--to", "2018-01", stdout=out)
    assert "suppression worked out for 1 published months" in out.getvalue()
    state = PeriodState.objects.get(period="2018-01")
    assert state.frozen_at is not None and state.withheld and state.withheld_at is not None
    ContactFactory(team=team, received_at="2018-01-11T10:00:00Z")
    snapshot_period_compute(period=Period.parse("2018-01"))  # a restatement: the figures change
    assert PeriodState.objects.get(period="2018-01").withheld is None
