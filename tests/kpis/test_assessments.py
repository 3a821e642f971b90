"""Section 4, hand-worked for March 2018. Bank holidays in play: 1 January 2018 (New Year's Day) and
30 March 2018 (Good Friday). March 2018 has 22 weekdays, 21 working days; February 2018 has 20; January 22.

Children: A (F, born 2010-03-15, WBRI), B (M, born 2002-04-01, AIND: 15 all March, 16 on 1 April;
allocated to T2), U (unborn, sex U, no ethnicity), N (F, born 2018-03-20: unborn before then, MWBA),
C (M, born 2002-03-31, REFU: 16 on 31 March), D (F, born 2015-06-01, BAFR, held by no team).

Assessments authorised in March (duration = working days d with start < d <= authorised):
  a1 A  R1   01-02 -> 03-01  T1      20 wd  seen Y  cin_plan             not first (a0 started earlier on R1)
  a2 B  R2   01-02 -> 03-07  (T2)    46 wd  seen N  early_help           first on R2
       (Jan 3-31 = 21, Feb = 20, Mar 1-7 = 5)
  a3 U  -    2017-12-29 -> 03-05 T1  45 wd  seen ?  (blank)              first (no referral)
       (1 Jan is a holiday: Jan 2-31 = 22, Feb 20, Mar 1, 2, 5 = 3; 46 without the holiday)
  a4 N  R3   03-06 -> 03-09  T1       3 wd  seen Y  nfa                  first on R3 (same start as a5, lower id)
  a5 N  R3   03-06 -> 03-31  T3      17 wd  seen Y  strategy_discussion  not first (tie, higher id)
       (Mar 7-29 = 17; 30 is Good Friday, 31 a Saturday)
  a8 C  -    02-09 -> 03-31  T3      34 wd  seen N  nfa                  first (Feb 12-28 = 13, Mar 21)
  a9 D  -    03-01 -> 03-02  none     1 wd  seen Y  other_agency         first; counts for the LA only
Not in March: a0 (authorised 28 Feb), a6 (authorised 1 April), a7 (not authorised).
Teams: T1 a1 a3 a4 (3); T2 a2 (1, via its allocation); T3 a5 a8 (2); SVC 4; SV2 2; LA 7.
"""

from datetime import date

import pytest

from apps.assessments.models import Assessment
from apps.frontdoor.models import Referral
from apps.imports.derived import refresh_derived_fields
from apps.people.models import Child
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

MAR = "2018-03"


@pytest.fixture
def assessments(org):
    def kid(cid, sex, dob, eth="", **kw):
        return Child.objects.create(child_id=cid, sex=sex, date_of_birth=dob, ethnicity=eth, **kw)

    a = kid("A", "F", date(2010, 3, 15), "WBRI")
    b = kid("B", "M", date(2002, 4, 1), "AIND")
    u = kid("U", "U", None, expected_date_of_birth=date(2018, 6, 1))
    n = kid("N", "F", date(2018, 3, 20), "MWBA")
    c = kid("C", "M", date(2002, 3, 31), "REFU")
    d = kid("D", "F", date(2015, 6, 1), "BAFR")
    Allocation.objects.create(allocation_id="AL1", child=b, team=org["T2"], start_date=date(2018, 1, 1))
    r1 = Referral.objects.create(referral_id="R1", child=a, referral_date=date(2018, 1, 2))
    r2 = Referral.objects.create(referral_id="R2", child=b, referral_date=date(2018, 1, 2))
    r3 = Referral.objects.create(referral_id="R3", child=n, referral_date=date(2018, 3, 5))
    t1, t3 = org["T1"], org["T3"]
    rows = [
        # id, child, referral, start, authorised, seen, outcome, team
        ("a0", a, r1, date(2018, 1, 5), date(2018, 2, 28), True, "nfa", t1),
        ("a1", a, r1, date(2018, 2, 1), date(2018, 3, 1), True, "cin_plan", t1),
        ("a2", b, r2, date(2018, 1, 2), date(2018, 3, 7), False, "early_help", None),
        ("a3", u, None, date(2017, 12, 29), date(2018, 3, 5), None, "", t1),
        ("a4", n, r3, date(2018, 3, 6), date(2018, 3, 9), True, "nfa", t1),
        ("a5", n, r3, date(2018, 3, 6), date(2018, 3, 31), True, "strategy_discussion", t3),
        ("a6", b, r2, date(2018, 3, 1), date(2018, 4, 1), True, "nfa", None),
        ("a7", a, r1, date(2018, 3, 10), None, None, "", t1),
        ("a8", c, None, date(2018, 2, 9), date(2018, 3, 31), False, "nfa", t3),
        ("a9", d, None, date(2018, 3, 1), date(2018, 3, 2), True, "other_agency", None),
    ]
    for aid, child, ref, start, auth, seen, outcome, team in rows:
        Assessment.objects.create(
            assessment_id=aid,
            child=child,
            referral=ref,
            start_date=start,
            authorised_date=auth,
            child_seen=seen,
            outcome=outcome,
            team=team,
        )
    refresh_derived_fields()


def test_working_days_are_the_hand_worked_ones(assessments):
    wd = dict(Assessment.objects.values_list("assessment_id", "working_days"))
    assert wd == {
        "a0": 38,  # Jan 8-31 = 18, Feb 20
        "a1": 20,
        "a2": 46,
        "a3": 45,
        "a4": 3,
        "a5": 17,
        "a6": 20,  # Mar 2-29 = 20; Good Friday, a Saturday and a Sunday follow
        "a7": None,
        "a8": 34,
        "a9": 1,
    }


def test_completed(figures, assessments):
    f = figures("as.completed", MAR)
    assert f[("month", "LA", "", "")] == (7, None)
    assert f[("month", "T1", "", "")] == (3, None)
    assert f[("month", "T2", "", "")] == (1, None)  # a2 through B's allocation
    assert f[("month", "T3", "", "")] == (2, None)
    assert f[("month", "SVC", "", "")] == (4, None)
    assert f[("month", "SV2", "", "")] == (2, None)  # a9 (no team) counts for the LA only
    assert figures("as.completed", "2018-04")[("month", "LA", "", "")] == (1, None)  # a6


def test_child_seen(figures, assessments):
    f = figures("as.child_seen", MAR)
    assert f[("month", "LA", "", "")] == (4, 7)  # a1 a4 a5 a9; a2 a8 not seen, a3 unknown
    assert f[("month", "T1", "", "")] == (2, 3)
    assert f[("month", "T2", "", "")] == (0, 1)
    assert f[("month", "T3", "", "")] == (1, 2)
    assert figures("as.child_seen", "2018-05")[("month", "LA", "", "")] == (0, 0)  # none: no value


def test_within_45wd(figures, assessments):
    f = figures("as.within_45wd", MAR)
    assert f[("month", "LA", "", "")] == (6, 7)  # all but a2 (46); a3 is exactly 45 thanks to 1 Jan
    assert f[("month", "T1", "", "")] == (3, 3)
    assert f[("month", "T2", "", "")] == (0, 1)
    assert f[("month", "T3", "", "")] == (2, 2)


def test_duration_band(figures, assessments):
    f = figures("as.duration_band", MAR)
    assert f[("month", "LA", "", "")] == (7, 7)
    assert f[("month", "LA", "duration_band", "0-25")] == (4, 7)  # a1 a4 a5 a9
    assert f[("month", "LA", "duration_band", "26-40")] == (1, 7)  # a8
    assert f[("month", "LA", "duration_band", "41-45")] == (1, 7)  # a3
    assert f[("month", "LA", "duration_band", "46+")] == (1, 7)  # a2
    assert f[("month", "T1", "duration_band", "0-25")] == (2, 3)
    assert f[("month", "T1", "duration_band", "41-45")] == (1, 3)
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, "month", org, "duration_band")


def test_outcome_nfa_and_step_down(figures, assessments):
    f = figures("as.outcome", MAR)
    assert f[("month", "LA", "outcome", "nfa")] == (2, 7)  # a4 a8
    assert f[("month", "LA", "outcome", "cin_plan")] == (1, 7)
    assert f[("month", "LA", "outcome", "early_help")] == (1, 7)
    assert f[("month", "LA", "outcome", "strategy_discussion")] == (1, 7)
    assert f[("month", "LA", "outcome", "other_agency")] == (1, 7)
    assert f[("month", "LA", "outcome", "not_recorded")] == (1, 7)  # a3
    assert f[("month", "T3", "outcome", "nfa")] == (1, 2)
    for org in ("LA", "SVC", "T1", "T3"):
        assert_parts_sum_to_whole(f, "month", org, "outcome")
    nfa = figures("as.nfa", MAR)
    assert nfa[("month", "LA", "", "")] == (2, 7)
    assert nfa[("month", "T1", "", "")] == (1, 3)
    assert nfa[("month", "T2", "", "")] == (0, 1)
    step = figures("eh.stepped_down", MAR)
    assert step[("month", "LA", "", "")] == (1, 7)
    assert step[("month", "T2", "", "")] == (1, 1)
    assert step[("month", "T1", "", "")] == (0, 3)


def test_first_of_referral(figures, assessments):
    f = figures("as.first_of_referral", MAR)
    assert f[("month", "LA", "", "")] == (5, 7)  # a2 a3 a4 a8 a9; not a1 (a0 earlier), not a5 (tie)
    assert f[("month", "T1", "", "")] == (2, 3)  # a3 a4
    assert f[("month", "T2", "", "")] == (1, 1)
    assert f[("month", "T3", "", "")] == (1, 2)  # a8


def test_by_team(figures, assessments):
    f = figures("as.by_team", MAR)
    assert f[("month", "LA", "", "")] == (7, 7)
    assert f[("month", "LA", "team", "T1")] == (3, 7)
    assert f[("month", "LA", "team", "T2")] == (1, 7)
    assert f[("month", "LA", "team", "T3")] == (2, 7)
    assert f[("month", "LA", "team", "no_team")] == (1, 7)
    assert f[("month", "SVC", "team", "T1")] == (3, 4)
    assert f[("month", "T1", "team", "T1")] == (3, 3)
    assert f[("month", "LA", "team_kind", "T1|initial")] == (2, 7)  # a3 a4
    assert f[("month", "LA", "team_kind", "T1|other")] == (1, 7)  # a1
    assert f[("month", "LA", "team_kind", "T2|initial")] == (1, 7)
    assert f[("month", "LA", "team_kind", "T3|initial")] == (1, 7)  # a8
    assert f[("month", "LA", "team_kind", "T3|other")] == (1, 7)  # a5
    assert f[("month", "LA", "team_kind", "no_team|initial")] == (1, 7)
    for org in ("LA", "SVC", "SV2", "T1"):
        assert_parts_sum_to_whole(f, "month", org, "team")
        assert_parts_sum_to_whole(f, "month", org, "team_kind")


def test_by_age_gender_ethnicity(figures, assessments):
    age = figures("as.by_age", MAR)
    # a1 A 7; a2 B 15; a3 unborn; a4 N before birth: unborn; a5 N 0; a8 C 16 on the day; a9 D 2.
    assert age[("month", "LA", "age_band", "unborn")] == (2, 7)
    assert age[("month", "LA", "age_band", "0-4")] == (2, 7)
    assert age[("month", "LA", "age_band", "5-9")] == (1, 7)
    assert age[("month", "LA", "age_band", "10-15")] == (1, 7)
    assert age[("month", "LA", "age_band", "16+")] == (1, 7)
    assert age[("month", "T1", "age_band", "unborn")] == (2, 3)
    assert age[("month", "T3", "age_band", "16+")] == (1, 2)
    gen = figures("as.by_gender", MAR)
    assert gen[("month", "LA", "gender", "female")] == (4, 7)  # a1 a4 a5 a9
    assert gen[("month", "LA", "gender", "male")] == (2, 7)  # a2 a8
    assert gen[("month", "LA", "gender", "unknown")] == (1, 7)  # a3
    assert gen[("month", "T3", "gender", "male")] == (1, 2)
    eth = figures("as.by_ethnicity", MAR)
    assert eth[("month", "LA", "ethnicity_group", "White")] == (1, 7)
    assert eth[("month", "LA", "ethnicity_group", "Asian")] == (1, 7)
    assert eth[("month", "LA", "ethnicity_group", "Mixed")] == (2, 7)
    assert eth[("month", "LA", "ethnicity_group", "Black")] == (1, 7)
    assert eth[("month", "LA", "ethnicity_group", "Not stated")] == (1, 7)
    assert eth[("month", "LA", "ethnicity_group", "Missing")] == (1, 7)
    assert eth[("month", "T1", "ethnicity_group", "Mixed")] == (1, 3)
    for fig, dim in ((age, "age_band"), (gen, "gender"), (eth, "ethnicity_group")):
        for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
            assert_parts_sum_to_whole(fig, "month", org, dim)


def _queries(code: str, period: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx
    from apps.kpis.registry import load

    with CaptureQueriesContext(connection) as ctx:
        list(load()[code].compute(Ctx(Period.parse(period))))
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_data(assessments):
    """Grouped aggregates: a month full of records takes as many queries as an empty month."""
    from apps.kpis.registry import load

    module = "apps.kpis.measures.assessments"
    codes = [c for c, m in load().items() if m.compute and m.compute.__module__ == module]
    assert codes
    for code in codes:
        assert _queries(code, MAR) == _queries(code, "2019-05"), code
