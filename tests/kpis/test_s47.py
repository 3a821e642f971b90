"""Section 3, hand-worked for March 2018 (YTD from 2017-04-01). Good Friday 30 March and Easter Monday
2 April 2018 are bank holidays.

Children: A (F, born 2010-03-15; T1 from 2018-01-01), B (M, born 2002-04-01; T2 from 2018-01-01),
C (F, born 2012-01-01; T1 until 2018-03-15, T3 from 2018-03-15: on the 15th C is with T3),
U (unborn, sex U), N (F, born 2018-03-20), D (M, born 2014-01-01; no allocation).

Strategy discussions (invited / attended: sc police health education; - = not, ? = unknown):
  d0 A 2017-04-01 (first day of the FY; no team then)  inv Y Y Y Y  att Y Y Y Y
  d5 C 2018-02-28 (T1)                                 inv Y Y Y ?  att Y Y - -
  d1 B 2018-03-01 (T2)                                 inv Y Y Y -  att Y Y - Y  (education came uninvited)
  d2 C 2018-03-15 (T3)                                 inv Y Y Y Y  att Y Y Y Y
  d3 U 2018-03-31 (no team)                            inv Y Y ? -  att Y - - -
  d4 B 2018-04-01                                      April
"""

from datetime import date

import pytest

from apps.assessments.models import Conference, S47Enquiry, StrategyDiscussion
from apps.core.models import Population
from apps.imports.derived import refresh_derived_fields
from apps.people.models import Child
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

MAR = "2018-03"
AGENCIES = ("social_care", "police", "health", "education")


@pytest.fixture
def kids(org):
    def kid(cid, sex, dob):
        return Child.objects.create(child_id=cid, sex=sex, date_of_birth=dob)

    k = {
        "A": kid("A", "F", date(2010, 3, 15)),
        "B": kid("B", "M", date(2002, 4, 1)),
        "C": kid("C", "F", date(2012, 1, 1)),
        "U": kid("U", "U", None),
        "N": kid("N", "F", date(2018, 3, 20)),
        "D": kid("D", "M", date(2014, 1, 1)),
    }
    alloc = [
        ("A", "T1", date(2018, 1, 1), None),
        ("B", "T2", date(2018, 1, 1), None),
        ("C", "T1", date(2017, 1, 1), date(2018, 3, 15)),
        ("C", "T3", date(2018, 3, 15), None),
    ]
    for i, (c, team, start, end) in enumerate(alloc):
        Allocation.objects.create(
            allocation_id=f"AL{i}", child=k[c], team=org[team], start_date=start, end_date=end
        )
    return k


@pytest.fixture
def discussions(kids):
    Y, N, Q = True, False, None
    rows = [
        ("d0", "A", date(2017, 4, 1), (Y, Y, Y, Y), (Y, Y, Y, Y)),
        ("d5", "C", date(2018, 2, 28), (Y, Y, Y, Q), (Y, Y, N, N)),
        ("d1", "B", date(2018, 3, 1), (Y, Y, Y, N), (Y, Y, N, Y)),
        ("d2", "C", date(2018, 3, 15), (Y, Y, Y, Y), (Y, Y, Y, Y)),
        ("d3", "U", date(2018, 3, 31), (Y, Y, Q, N), (Y, N, N, N)),
        ("d4", "B", date(2018, 4, 1), (Y, Y, Y, Y), (Y, Y, Y, Y)),
    ]
    out = {}
    for did, child, held, inv, att in rows:
        flags = {f"invited_{a}": v for a, v in zip(AGENCIES, inv, strict=True)}
        flags |= {f"attended_{a}": v for a, v in zip(AGENCIES, att, strict=True)}
        out[did] = StrategyDiscussion.objects.create(
            discussion_id=did, child=kids[child], held_date=held, completed=True, **flags
        )
    return out


def test_meetings(figures, discussions):
    f = figures("sd.meetings", MAR)
    assert f[("month", "LA", "", "")] == (3, None)  # d1 d2 d3
    assert f[("month", "T1", "", "")] == (0, None)  # C moved to T3 on the 15th
    assert f[("month", "T2", "", "")] == (1, None)
    assert f[("month", "T3", "", "")] == (1, None)
    assert f[("ytd", "LA", "", "")] == (5, None)  # + d0 (1 April 2017) and d5
    assert f[("ytd", "T1", "", "")] == (1, None)  # d5


def test_agency_invited(figures, discussions):
    f = figures("sd.agency_invited", MAR)
    # March: social care 3/3, police 3/3, health 2/3 (d3 unknown), education 1/3; whole 9/12.
    assert f[("month", "LA", "agency", "social_care")] == (3, 3)
    assert f[("month", "LA", "agency", "police")] == (3, 3)
    assert f[("month", "LA", "agency", "health")] == (2, 3)
    assert f[("month", "LA", "agency", "education")] == (1, 3)
    assert f[("month", "LA", "", "")] == (9, 12)
    assert f[("month", "T2", "agency", "education")] == (0, 1)
    assert f[("month", "T2", "", "")] == (3, 4)
    assert f[("month", "T1", "", "")] == (0, 0)  # no discussions: no value
    # YTD adds d0 (all four) and d5 (education unknown): 5/5, 5/5, 4/5, 2/5.
    assert f[("ytd", "LA", "agency", "health")] == (4, 5)
    assert f[("ytd", "LA", "agency", "education")] == (2, 5)
    assert f[("ytd", "LA", "", "")] == (16, 20)
    for basis in ("month", "ytd"):
        for org in ("LA", "SVC", "T2"):
            _assert_both_sum(f, basis, org)


def test_agency_attended(figures, discussions):
    f = figures("sd.agency_attended", MAR)
    # Of those invited: social care 3/3, police 2/3 (not d3), health 1/2 (d2), education 1/1 (d2; d1's
    # uninvited attendance does not count); whole 7/9.
    assert f[("month", "LA", "agency", "social_care")] == (3, 3)
    assert f[("month", "LA", "agency", "police")] == (2, 3)
    assert f[("month", "LA", "agency", "health")] == (1, 2)
    assert f[("month", "LA", "agency", "education")] == (1, 1)
    assert f[("month", "LA", "", "")] == (7, 9)
    assert f[("month", "T2", "agency", "education")] == (0, 0)
    assert f[("month", "T2", "", "")] == (2, 3)
    assert f[("ytd", "LA", "agency", "health")] == (2, 4)  # d0 attended, d5 did not
    for basis in ("month", "ytd"):
        for org in ("LA", "SVC", "T2"):
            _assert_both_sum(f, basis, org)


def _assert_both_sum(f, basis, org):
    assert_parts_sum_to_whole(f, basis, org, "agency")
    whole = f[(basis, org, "", "")]
    assert sum(f[(basis, org, "agency", a)][1] for a in AGENCIES) == whole[1]


@pytest.fixture
def enquiries(org, kids, discussions):
    """S47s (start -> completion, calendar days):
    s0 A d0 2017-04-01 -> 2017-04-20 nfa  T1           YTD start only
    s4 C d5 2018-02-28 -> 2018-03-01 nfa  (T1 both)     1 day; started in February
    s5 A -  2018-02-01 -> 2018-04-01      T1           completed in April
    s1 B d1 2018-03-01 -> 2018-03-20 icpc (T2)         19 days
    s2 C d2 2018-03-15 -> 2018-03-31 icpc (T3)         16 days
    s3 U d3 2018-03-31 -> open            T1
    s6 N -  2018-03-05 -> 2018-03-31 (blank) T3        26 days
    s7 D -  2018-03-10 -> open            no team
    """
    k, d = kids, discussions
    rows = [
        ("s0", "A", d["d0"], date(2017, 4, 1), date(2017, 4, 20), "nfa", "T1"),
        ("s4", "C", d["d5"], date(2018, 2, 28), date(2018, 3, 1), "nfa", None),
        ("s5", "A", None, date(2018, 2, 1), date(2018, 4, 1), "", "T1"),
        ("s1", "B", d["d1"], date(2018, 3, 1), date(2018, 3, 20), "icpc", None),
        ("s2", "C", d["d2"], date(2018, 3, 15), date(2018, 3, 31), "icpc", None),
        ("s3", "U", d["d3"], date(2018, 3, 31), None, "", "T1"),
        ("s6", "N", None, date(2018, 3, 5), date(2018, 3, 31), "", "T3"),
        ("s7", "D", None, date(2018, 3, 10), None, "", None),
    ]
    out = {}
    for sid, child, disc, start, done, outcome, team in rows:
        out[sid] = S47Enquiry.objects.create(
            s47_id=sid,
            child=k[child],
            discussion=disc,
            start_date=start,
            completed_date=done,
            outcome=outcome,
            team=org[team] if team else None,
        )
    Population.objects.create(year=2017, age_0_17=10000)
    return out


def test_s47_started_and_rate(figures, enquiries):
    f = figures("s47.started", MAR)
    assert f[("month", "LA", "", "")] == (5, None)  # s1 s2 s3 s6 s7
    assert f[("month", "T1", "", "")] == (1, None)  # s3
    assert f[("month", "T2", "", "")] == (1, None)  # s1 via B's allocation
    assert f[("month", "T3", "", "")] == (2, None)  # s2 (C with T3 from the 15th), s6
    assert f[("month", "SVC", "", "")] == (2, None)
    assert f[("ytd", "LA", "", "")] == (8, None)  # + s0 s4 s5
    assert f[("ytd", "T1", "", "")] == (4, None)  # s0 s3 s4 (C with T1 on 28 Feb) s5
    rate = figures("s47.started_rate", MAR)
    assert rate[("ytd", "LA", "", "")] == (8, 10000)
    assert ("ytd", "T1", "", "") not in rate


def test_s47_outcome_and_by_team(figures, enquiries):
    f = figures("s47.outcome", MAR)
    # Completed in March: s4 nfa (T1), s1 icpc (T2), s2 icpc (T3), s6 blank (T3).
    assert f[("month", "LA", "", "")] == (4, 4)
    assert f[("month", "LA", "outcome", "icpc")] == (2, 4)
    assert f[("month", "LA", "outcome", "nfa")] == (1, 4)
    assert f[("month", "LA", "outcome", "not_recorded")] == (1, 4)
    assert f[("month", "T3", "outcome", "icpc")] == (1, 2)
    assert f[("month", "T1", "outcome", "nfa")] == (1, 1)
    for org in ("LA", "SVC", "SV2", "T3"):
        assert_parts_sum_to_whole(f, "month", org, "outcome")
    t = figures("s47.by_team", MAR)
    assert t[("month", "LA", "team", "T1")] == (1, 5)
    assert t[("month", "LA", "team", "T2")] == (1, 5)
    assert t[("month", "LA", "team", "T3")] == (2, 5)
    assert t[("month", "LA", "team", "no_team")] == (1, 5)  # s7
    assert t[("month", "SVC", "team", "T2")] == (1, 2)
    assert t[("month", "T3", "team", "T3")] == (2, 2)
    for org in ("LA", "SVC", "SV2"):
        assert_parts_sum_to_whole(t, "month", org, "team")


def test_s47_days_open(figures, enquiries):
    f = figures("s47.days_open", MAR)
    assert f[("month", "LA", "", "")] == (62, 4)  # 1 + 19 + 16 + 26
    assert f[("month", "T3", "", "")] == (42, 2)
    assert f[("month", "SVC", "", "")] == (20, 2)
    assert f[("month", "T2", "", "")] == (19, 1)
    assert figures("s47.days_open", "2018-05")[("month", "LA", "", "")] == (0, 0)


@pytest.fixture
def conferences(kids, enquiries):
    """Initial conferences (working days from the initiating strategy discussion, else the S47 start):
    c5 A s5 2018-03-01 (T1)   from s5 start 1 Feb: 20 wd  -> late;   no plan;  female
    c6 A s5 2018-03-28        A's second ICPC in March: not counted
    c7 A    2018-03-15 review, not an ICPC
    c8 B s1 2018-02-28        February
    c1 B s1 2018-03-20 (T2)   from d1 1 Mar: Mar 2, 5-9, 12-16, 19, 20 = 13 wd -> in time; plan; male
    c4 N s6 2018-03-19        from s6 start 5 Mar: 10 wd -> in time; plan; unborn (born the 20th); no team
    c3 U -  2018-03-31        no S47: no duration -> not in time; plan; unborn; no team
    c2 C s2 2018-04-09 (T3)   from d2 15 Mar: Mar 16, 19-23, 26-29, Apr 3-6, 9 = 15 wd (Good Friday and
                              Easter Monday skipped; 17 weekdays) -> in time, in April
    """
    k, s = kids, enquiries
    rows = [
        ("c5", "A", s["s5"], "initial", date(2018, 3, 1), False),
        ("c6", "A", s["s5"], "initial", date(2018, 3, 28), True),
        ("c7", "A", None, "review", date(2018, 3, 15), True),
        ("c8", "B", s["s1"], "initial", date(2018, 2, 28), True),
        ("c1", "B", s["s1"], "initial", date(2018, 3, 20), True),
        ("c4", "N", s["s6"], "initial", date(2018, 3, 19), True),
        ("c3", "U", None, "initial", date(2018, 3, 31), True),
        ("c2", "C", s["s2"], "initial", date(2018, 4, 9), False),
    ]
    for cid, child, s47, kind, held, plan in rows:
        Conference.objects.create(
            conference_id=cid, child=k[child], s47=s47, kind=kind, held_date=held, plan_made=plan
        )
    refresh_derived_fields()


def test_conference_working_days(conferences):
    wd = dict(Conference.objects.values_list("conference_id", "working_days_from_strategy"))
    assert (wd["c5"], wd["c1"], wd["c4"], wd["c3"], wd["c2"]) == (20, 13, 10, None, 15)


def test_icpc_held_and_within_15wd(figures, conferences):
    f = figures("icpc.held", MAR)
    assert f[("month", "LA", "", "")] == (4, None)  # c5 c1 c4 c3, one per child
    assert f[("month", "T1", "", "")] == (1, None)
    assert f[("month", "T2", "", "")] == (1, None)
    assert f[("month", "SVC", "", "")] == (2, None)
    assert f[("month", "T3", "", "")] == (0, None)
    w = figures("icpc.within_15wd", MAR)
    assert w[("month", "LA", "", "")] == (2, 4)  # c1 c4
    assert w[("month", "T1", "", "")] == (0, 1)
    assert w[("month", "T2", "", "")] == (1, 1)
    assert w[("month", "T3", "", "")] == (0, 0)
    apr = figures("icpc.within_15wd", "2018-04")
    assert apr[("month", "LA", "", "")] == (1, 1)  # c2: exactly 15 over Easter
    assert apr[("month", "T3", "", "")] == (1, 1)


def test_icpc_by_gender_and_to_plan(figures, conferences):
    g = figures("icpc.by_gender", MAR)
    assert g[("month", "LA", "", "")] == (4, 4)
    assert g[("month", "LA", "gender", "female")] == (1, 4)  # c5
    assert g[("month", "LA", "gender", "male")] == (1, 4)  # c1
    assert g[("month", "LA", "gender", "unborn")] == (2, 4)  # c3 (no DOB), c4 (before birth)
    assert g[("month", "T1", "gender", "female")] == (1, 1)
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(g, "month", org, "gender")
    p = figures("icpc.to_plan", MAR)
    assert p[("month", "LA", "", "")] == (3, 4)  # c5 made no plan (c6's plan does not count)
    assert p[("month", "T1", "", "")] == (0, 1)
    assert p[("month", "T2", "", "")] == (1, 1)
    assert figures("icpc.to_plan", "2018-05")[("month", "LA", "", "")] == (0, 0)


def _queries(code: str, period: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx
    from apps.kpis.registry import load

    with CaptureQueriesContext(connection) as ctx:
        list(load()[code].compute(Ctx(Period.parse(period))))
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_data(conferences):
    """Grouped aggregates: a month full of records takes as many queries as an empty month."""
    from apps.kpis.registry import load

    module = "apps.kpis.measures.s47"
    codes = [c for c, m in load().items() if m.compute and m.compute.__module__ == module]
    assert codes
    for code in codes:
        assert _queries(code, MAR) == _queries(code, "2019-05"), code
