"""Section 5, hand-worked for March 2018 (period end Saturday 31 March; Good Friday 30 March 2018 is a bank
holiday, so the last working day of the month is Thursday 29 March). R12 = April 2017 to March 2018.

Working days back from 31 March 2018 (d with V < d <= 31 Mar): 29, 28, 27, 26 | 23-19 | 16-12 | 9-5 | 2 March
are the 20 working days after 1 March, so a visit on 1 March is 20 WD before the end (in time for CIN) and one
on 28 February is 21 (late). Ten back: 29-26, 23-19, 16, so 15 March is 10 WD (in time for CP), 14 March 11.
"""

from datetime import date

import pytest

from apps.assessments.models import Conference
from apps.care.models import CareEpisode
from apps.core.models import Population
from apps.kpis.models import MeasureSetting
from apps.people.models import Child
from apps.plans.models import CINPlan, CPPlan, Visit
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

D = date


def child(cid, **kw):
    kw.setdefault("sex", "F")
    kw.setdefault("date_of_birth", D(2010, 5, 5))
    return Child.objects.create(child_id=cid, **kw)


def allocate(kid, team, start, end=None):
    Allocation.objects.create(
        allocation_id=f"al-{kid.child_id}-{start}", child=kid, team=team, start_date=start, end_date=end
    )


def visit(kid, d, kind, seen=True):
    n = Visit.objects.count()
    Visit.objects.create(visit_id=f"v{n}", child=kid, visit_date=d, kind=kind, seen=seen)


def whole(f, basis, org):
    return f[(basis, org, "", "")]


# --- CIN plans ---------------------------------------------------------------------------------------------


@pytest.fixture
def cin(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    a, b, c, d, e, f, g = (child(x) for x in "ABCDEFG")
    rows = [
        ("A", a, D(2018, 1, 10), None, t1),
        ("B", b, D(2017, 12, 1), D(2018, 3, 31), t1),  # ends on the last day: not open at it
        ("C", c, D(2018, 3, 31), None, None),  # starts on the last day; team from the allocation (T2)
        ("D", d, D(2018, 2, 1), D(2018, 4, 1), t2),  # ends after the period
        ("E1", e, D(2017, 6, 1), None, t1),  # overlapping plans: the later one (T3) stands for E
        ("E2", e, D(2018, 2, 15), None, t3),
        ("F", f, D(2018, 4, 1), None, t1),  # April
        ("G", g, D(2017, 1, 1), None, None),  # no team, no allocation: LA only
    ]
    for pid, kid, start, end, team in rows:
        CINPlan.objects.create(plan_id=pid, child=kid, start_date=start, end_date=end, team=team)
    allocate(c, t2, D(2018, 1, 1))
    visit(a, D(2018, 3, 1), "cin")  # 20 WD: in time
    visit(a, D(2018, 4, 2), "cin")  # after the period: ignored
    visit(c, D(2018, 2, 28), "cin")  # 21 WD: late
    visit(d, D(2018, 3, 29), "cp")  # not a CIN visit: D has none
    visit(e, D(2018, 3, 31), "cin", seen=False)  # child not seen: does not count
    visit(e, D(2018, 3, 10), "cin", seen=None)  # a Saturday, seen blank: counts, in time
    visit(g, D(2018, 3, 29), "cin")
    Population.objects.create(year=2017, age_0_17=10000)


def test_cin_open_plans_and_rate(figures, cin):
    f = figures("cin.open_plans", "2018-03")
    # Open at 31 March: A (T1), C (T2), D (T2), E once (T3), G (no team).
    assert whole(f, "at_end", "LA") == (5, None)
    assert whole(f, "at_end", "T1") == (1, None)
    assert whole(f, "at_end", "T2") == (2, None)
    assert whole(f, "at_end", "SVC") == (3, None)
    assert whole(f, "at_end", "T3") == (1, None)
    rate = figures("cin.open_plans_rate", "2018-03")
    assert rate == {("at_end", "LA", "", ""): (5, 10000)}


def test_cin_visits_in_time(figures, cin):
    f = figures("cin.visits_in_time", "2018-03")
    # In time: A (1 Mar = 20 WD), E (10 Mar), G (29 Mar). Late: C (28 Feb = 21 WD). D: no CIN visit.
    assert whole(f, "at_end", "LA") == (3, 5)
    assert whole(f, "at_end", "T1") == (1, 1)
    assert whole(f, "at_end", "T2") == (0, 2)
    assert whole(f, "at_end", "SVC") == (1, 3)
    assert whole(f, "at_end", "T3") == (1, 1)


def test_cin_visit_standard_is_an_admin_setting(figures, cin):
    MeasureSetting.objects.create(measure="cin.visits_in_time", parameters={"visit_standard_wd": 21})
    f = figures("cin.visits_in_time", "2018-03")
    assert whole(f, "at_end", "LA") == (4, 5)  # C's visit 21 WD before the end is now in time
    assert whole(f, "at_end", "T2") == (1, 2)


def test_cin_empty_month_has_no_value(figures, org):
    f = figures("cin.visits_in_time", "2018-03")
    assert whole(f, "at_end", "LA") == (0, 0)
    assert whole(f, "at_end", "T1") == (0, 0)
    assert figures("cin.open_plans_rate", "2018-03")[("at_end", "LA", "", "")] == (0, 0)  # no population


# --- CP plans at period end -------------------------------------------------------------------------------


@pytest.fixture
def cp(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    p, q, r, s, u = (child(x) for x in "PQRSU")
    rows = [
        ("P", p, D(2018, 1, 5), None, t1, "NEG", "NEG"),
        ("Q", q, D(2017, 10, 1), D(2018, 3, 31), t1, "PHY", "PHY"),  # ended on the last day
        ("R", r, D(2018, 3, 31), None, None, "EMO", ""),  # latest blank: initial EMO; allocated T2
        ("S", s, D(2018, 2, 1), None, t2, "", ""),  # no category recorded
        ("U1", u, D(2017, 5, 1), None, t1, "PHY", "PHY"),  # overlapping: U2 (T3, MUL) stands for U
        ("U2", u, D(2018, 3, 1), None, t3, "MUL", "MUL"),
    ]
    for pid, kid, start, end, team, initial, latest in rows:
        CPPlan.objects.create(
            plan_id=pid,
            child=kid,
            start_date=start,
            end_date=end,
            team=team,
            initial_category=initial,
            latest_category=latest,
        )
    allocate(r, t2, D(2018, 3, 1))
    visit(p, D(2018, 3, 15), "cp")  # 10 WD: in time
    visit(r, D(2018, 3, 14), "cp")  # 11 WD: late
    visit(s, D(2018, 3, 29), "cin")  # not a CP visit
    visit(u, D(2018, 3, 31), "cp")  # on the last day (a Saturday): 0 WD
    Population.objects.create(year=2017, age_0_17=20000)


def test_cp_open_plans_and_rate(figures, cp):
    f = figures("cp.open_plans", "2018-03")
    assert whole(f, "at_end", "LA") == (4, None)  # P, R, S, U
    assert whole(f, "at_end", "T1") == (1, None)
    assert whole(f, "at_end", "T2") == (2, None)
    assert whole(f, "at_end", "T3") == (1, None)
    assert figures("cp.open_plans_rate", "2018-03") == {("at_end", "LA", "", ""): (4, 20000)}


def test_cp_category(figures, cp):
    f = figures("cp.category", "2018-03")
    assert whole(f, "at_end", "LA") == (4, 4)
    assert f[("at_end", "LA", "category", "NEG")] == (1, 4)
    assert f[("at_end", "LA", "category", "EMO")] == (1, 4)  # R: initial category, latest blank
    assert f[("at_end", "LA", "category", "MUL")] == (1, 4)  # U's later plan
    assert f[("at_end", "LA", "category", "not_recorded")] == (1, 4)
    assert ("at_end", "LA", "category", "PHY") not in f  # Q ended, U1 superseded
    assert f[("at_end", "T2", "category", "EMO")] == (1, 2)
    assert f[("at_end", "T2", "category", "not_recorded")] == (1, 2)
    for org in ("LA", "SVC", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, "at_end", org, "category")


def test_cp_visits_in_time(figures, cp):
    f = figures("cp.visits_in_time", "2018-03")
    assert whole(f, "at_end", "LA") == (2, 4)  # P, U in time; R late; S no CP visit
    assert whole(f, "at_end", "T1") == (1, 1)
    assert whole(f, "at_end", "T2") == (0, 2)
    assert whole(f, "at_end", "T3") == (1, 1)
    MeasureSetting.objects.create(measure="cp.visits_in_time", parameters={"visit_standard_wd": 11})
    assert whole(figures("cp.visits_in_time", "2018-03"), "at_end", "T2") == (1, 2)


# --- New and repeat CP plans ------------------------------------------------------------------------------


@pytest.fixture
def starts(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    x, y, z, w, v, lk = (child(c) for c in ("X", "Y", "Z", "W", "V", "L"))
    rows = [
        ("X0", x, D(2014, 1, 1), D(2016, 3, 15), t1),
        ("X1", x, D(2018, 3, 15), None, t1),  # previous ended exactly 2 years before: repeat within 2y
        ("Y0", y, D(2014, 1, 1), D(2016, 3, 14), t1),
        ("Y1", y, D(2018, 3, 15), None, t1),  # 2 years and a day: repeat ever only
        ("Z1", z, D(2018, 3, 1), None, None),  # first day of March, first plan; allocated T2
        ("W0", w, D(2017, 6, 1), D(2018, 3, 31), t1),  # in R12
        ("W1", w, D(2018, 3, 31), None, t1),  # last day; previous ended the same day: within 2y
        ("V0", v, D(2018, 1, 10), None, t1),  # in R12; still open when V1 starts
        ("V1", v, D(2018, 3, 20), None, t1),  # previous not ended: repeat ever only
        ("L0", lk, D(2017, 4, 1), D(2017, 9, 1), t3),  # first day of R12
        ("L1", lk, D(2018, 4, 1), None, t3),  # April
    ]
    for pid, kid, start, end, team in rows:
        CPPlan.objects.create(plan_id=pid, child=kid, start_date=start, end_date=end, team=team)
    allocate(z, t2, D(2018, 1, 1))


def test_cp_new_plans(figures, starts):
    f = figures("cp.new_plans", "2018-03")
    assert whole(f, "month", "LA") == (5, None)  # X1 Y1 Z1 W1 V1
    assert whole(f, "month", "T1") == (4, None)
    assert whole(f, "month", "T2") == (1, None)
    assert whole(f, "month", "T3") == (0, None)


def test_cp_repeat_2y(figures, starts):
    f = figures("cp.repeat_2y", "2018-03")
    assert whole(f, "month", "LA") == (2, 5)  # X1, W1
    assert whole(f, "month", "T1") == (2, 4)
    assert whole(f, "month", "T2") == (0, 1)
    assert whole(f, "month", "T3") == (0, 0)  # no plan starting: no value
    # R12 adds W0, V0 and L0 (1 April 2017), none of them repeats.
    assert whole(f, "r12", "LA") == (2, 8)
    assert whole(f, "r12", "T3") == (0, 1)


def test_cp_repeat_ever(figures, starts):
    f = figures("cp.repeat_ever", "2018-03")
    assert whole(f, "month", "LA") == (4, 5)  # X1, Y1, W1, V1
    assert whole(f, "month", "T1") == (4, 4)
    assert whole(f, "month", "T2") == (0, 1)
    assert whole(f, "r12", "LA") == (4, 8)
    assert whole(f, "r12", "SVC") == (4, 7)


@pytest.fixture
def endings(org):
    t1, t2 = org["T1"], org["T2"]
    kids = [child(f"N{i}") for i in range(6)]
    rows = [
        (D(2016, 3, 1), D(2018, 3, 1), t1),  # 365 + 365 = 730 days (29 Feb 2016 falls before): lasted 2y
        (D(2016, 3, 2), D(2018, 3, 1), t1),  # 729 days
        (D(2017, 1, 1), D(2018, 3, 31), t2),  # last day of March, 454 days
        (D(2015, 1, 1), D(2018, 4, 1), t2),  # April
        (D(2015, 6, 1), D(2017, 12, 31), t2),  # R12: 944 days
        (D(2016, 1, 1), D(2017, 3, 31), t2),  # before R12
    ]
    for i, (start, end, team) in enumerate(rows):
        CPPlan.objects.create(plan_id=f"N{i}", child=kids[i], start_date=start, end_date=end, team=team)


def test_cp_lasting_2y(figures, endings):
    f = figures("cp.lasting_2y", "2018-03")
    assert whole(f, "month", "LA") == (1, 3)
    assert whole(f, "month", "T1") == (1, 2)
    assert whole(f, "month", "T2") == (0, 1)
    assert whole(f, "r12", "LA") == (2, 4)
    assert whole(f, "r12", "T2") == (1, 2)
    assert whole(f, "month", "T3") == (0, 0)


# --- Conferences ------------------------------------------------------------------------------------------


@pytest.fixture
def conferences(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    kids = {k: child(k) for k in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")}
    for k in ("C1", "C2", "C8"):
        allocate(kids[k], t1, D(2017, 1, 1))
    for k in ("C3", "C4"):
        allocate(kids[k], t2, D(2017, 1, 1))
    allocate(kids["C5"], t1, D(2017, 1, 1), D(2018, 3, 20))  # ends on the review day: not T1's then
    allocate(kids["C5"], t3, D(2018, 3, 20))
    rows = [
        ("C1", "initial", D(2017, 12, 31), "PN1"),
        ("C1", "review", D(2018, 3, 31), "PN1"),  # 3 months to the day after the ICPC: on time
        ("C2", "initial", D(2017, 11, 30), "PN1"),
        ("C2", "review", D(2018, 3, 1), "PN3"),  # due 28 Feb (no 30 Feb): late
        ("C3", "initial", D(2017, 8, 1), "PN1"),
        ("C3", "review", D(2017, 11, 1), "PN1"),
        ("C3", "review", D(2018, 3, 15), "PN2"),  # due 1 May (6 months after the last review): on time
        ("C4", "transfer_in", D(2017, 12, 10), "PN1"),
        ("C4", "review", D(2018, 3, 11), "PN0"),  # due 10 March: late
        ("C5", "review", D(2018, 3, 20), "PN7"),  # no earlier conference recorded: not on time
        ("C6", "review", D(2017, 9, 14), "PN1"),
        ("C6", "review", D(2018, 3, 14), ""),  # 6 months to the day: on time; no team (LA only)
        ("C7", "review", D(2018, 4, 1), "PN1"),  # April
        ("C8", "initial", D(2018, 3, 5), "PN6"),  # an ICPC: not a review
    ]
    for i, (k, kind, held, pn) in enumerate(rows):
        Conference.objects.create(
            conference_id=f"cf{i}", child=kids[k], kind=kind, held_date=held, participation=pn
        )


def test_cp_reviews_in_time(figures, conferences):
    f = figures("cp.reviews_in_time", "2018-03")
    # Reviews in March: C1, C2, C3, C4, C5, C6; on time C1, C3, C6.
    assert whole(f, "month", "LA") == (3, 6)
    assert whole(f, "month", "T1") == (1, 2)  # C1 on time, C2 late
    assert whole(f, "month", "T2") == (1, 2)  # C3 on time, C4 late
    assert whole(f, "month", "SVC") == (2, 4)
    assert whole(f, "month", "T3") == (0, 1)  # C5
    assert whole(figures("cp.reviews_in_time", "2018-05"), "month", "LA") == (0, 0)


def test_conference_participation(figures, conferences):
    # Conferences in March: the six reviews above and C8's ICPC (7).
    att = figures("conf.child_attended", "2018-03")
    assert whole(att, "month", "LA") == (2, 7)  # C1 PN1, C2 PN3
    assert whole(att, "month", "T1") == (2, 3)  # C1, C2, C8
    assert whole(att, "month", "T2") == (0, 2)
    views = figures("conf.views_sent", "2018-03")
    assert whole(views, "month", "LA") == (5, 7)  # PN1, PN3, PN2, PN0, PN6; not PN7 or blank
    assert whole(views, "month", "T1") == (3, 3)
    assert whole(views, "month", "T3") == (0, 1)
    assert whole(figures("conf.views_sent", "2018-05"), "month", "LA") == (0, 0)


# --- Escalations ------------------------------------------------------------------------------------------


@pytest.fixture
def escalations(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    e = {k: child(k) for k in ("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9")}
    cin_rows = [
        ("E1", D(2018, 1, 1), D(2018, 3, 1)),  # ends the day the CP plan starts: open the day before
        ("E2", D(2018, 1, 1), D(2018, 2, 28)),  # ended the day before: not open then
        ("E3", D(2018, 3, 10), None),  # starts with the CP plan
        ("E4", D(2017, 1, 1), None),
        ("E5", D(2018, 1, 1), None),
    ]
    for k, start, end in cin_rows:
        CINPlan.objects.create(plan_id=f"cin-{k}", child=e[k], start_date=start, end_date=end)
    cp_rows = [
        ("E1", D(2018, 3, 1), None, t1),  # CIN -> CP
        ("E2", D(2018, 3, 1), None, t1),
        ("E3", D(2018, 3, 10), None, t1),
        ("E4", D(2018, 3, 31), None, None),  # CIN -> CP on the last day; allocated T2
        ("E5", D(2018, 4, 1), None, t1),  # April
        ("E6", D(2017, 6, 1), D(2018, 3, 10), t3),
        ("E7", D(2017, 6, 1), None, t2),
        ("E8", D(2017, 6, 1), None, t2),
        ("E9", D(2017, 6, 1), D(2018, 3, 4), t2),
    ]
    for k, start, end, team in cp_rows:
        CPPlan.objects.create(plan_id=f"cp-{k}", child=e[k], start_date=start, end_date=end, team=team)
    allocate(e["E4"], t2, D(2018, 1, 1))
    allocate(e["E7"], t2, D(2018, 1, 1))
    care_rows = [
        ("E6", D(2018, 3, 10), "S", t3),  # CP plan ended that day: open the day before -> CP to CiC
        ("E7", D(2018, 3, 31), "S", None),  # last day; team from the allocation (T2)
        ("E8", D(2018, 3, 5), "P", t2),  # a placement move, not a start of care
        ("E9", D(2018, 3, 5), "S", t2),  # CP plan ended 4 March: not open on the day before
        ("E1", D(2018, 3, 20), "S", None),  # on a plan since 1 March; no team, no allocation: LA only
    ]
    for k, start, rne, team in care_rows:
        CareEpisode.objects.create(
            episode_id=f"ep-{k}", child=e[k], start_date=start, rne=rne, legal_status="C1", team=team
        )


def test_plan_escalations(figures, escalations):
    f = figures("plan.escalations", "2018-03")
    assert whole(f, "month", "LA") == (5, None)
    assert f[("month", "LA", "type", "cin_to_cp")] == (2, None)  # E1 (T1), E4 (T2)
    assert f[("month", "LA", "type", "cp_to_cic")] == (3, None)  # E6 (T3), E7 (T2), E1 (LA only)
    assert whole(f, "month", "T1") == (1, None)
    assert whole(f, "month", "T2") == (2, None)
    assert f[("month", "T2", "type", "cin_to_cp")] == (1, None)
    assert f[("month", "T2", "type", "cp_to_cic")] == (1, None)
    assert whole(f, "month", "SVC") == (3, None)
    assert whole(f, "month", "T3") == (1, None)
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, "month", org, "type")


def test_queries_do_not_grow_with_data(cin, starts, conferences, escalations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx
    from apps.kpis.registry import load

    ctx = Ctx(Period.parse("2018-03"))
    for m in load().values():
        if m.section != "5":
            continue
        with CaptureQueriesContext(connection) as q:
            list(m.compute(ctx))
        # One grouped query per basis and figure (two for a share or a breakdown), plus the LA standard.
        assert len(q) <= 2 * len(m.bases) + 2, m.code
