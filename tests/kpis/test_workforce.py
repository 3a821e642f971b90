"""Section 10, hand-worked for March 2018: the period end is 2018-03-31, 42 days before it is 2018-02-17
(so "less than 6 weeks ago" = after 2018-02-17), the r3m window is 2018-01-01 .. 2018-03-31.

Workers employed at the end: T1 W1 1.0 + W2 0.5 (starts on the end day) = 1.5 (W3 left on the end day);
T2 W4 blank = 1 + W6 1.0 (leaves the day after) = 2; T3 none (W5 starts 2018-04-01).

Open allocated cases at the end (allocation open with a worker):
  a1 c1 T1 start 2017-06-01; last case supervision 2018-02-18 (41 days before)  -> in_time
  a2 c2 T1 start 2018-02-17 (exactly 42 days); supervised 2018-02-17          -> overdue
  a3 c3 T1 start 2018-02-18; never supervised                                 -> newly_allocated
  a6 c6 T2 start on the end day                                               -> newly_allocated
  a7 c7 T2 open to 2018-04-01; only a group session and a case one in April   -> none_recorded
  a8 c8 T3 case supervisions 2017-12-01 and 2018-03-31                        -> in_time
Not: a4 (no worker), a5 (ended on the end day), a9 (starts 2018-04-01).
"""

from datetime import date
from decimal import Decimal

import pytest

from apps.kpis.models import MeasureSetting
from apps.people.models import Child
from apps.workforce.models import Allocation, Audit, Post, Supervision, Worker

from .conftest import assert_parts_sum_to_whole

P = "2018-03"
E, M, R3M = "at_end", "month", "r3m"


@pytest.fixture
def cases(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    w = {}
    for wid, team, fte, start, end in [
        ("W1", t1, Decimal("1.0"), date(2017, 1, 1), None),
        ("W2", t1, Decimal("0.5"), date(2018, 3, 31), None),
        ("W3", t1, None, None, date(2018, 3, 31)),
        ("W4", t2, None, None, None),
        ("W5", t3, Decimal("0.8"), date(2018, 4, 1), None),
        ("W6", t2, Decimal("1.0"), date(2017, 1, 1), date(2018, 4, 1)),
    ]:
        w[wid] = Worker.objects.create(
            worker_id=wid, name=wid, team=team, fte=fte, start_date=start, end_date=end
        )
    kids = {
        f"c{i}": Child.objects.create(child_id=f"c{i}", sex="M", date_of_birth=date(2010, 1, 1))
        for i in range(1, 9)
    }
    for aid, kid, team, worker, start, end in [
        ("a1", "c1", t1, "W1", date(2017, 6, 1), None),
        ("a2", "c2", t1, "W1", date(2018, 2, 17), None),
        ("a3", "c3", t1, "W2", date(2018, 2, 18), None),
        ("a4", "c4", t1, None, date(2017, 1, 1), None),
        ("a5", "c5", t2, "W4", date(2017, 1, 1), date(2018, 3, 31)),
        ("a6", "c6", t2, "W4", date(2018, 3, 31), None),
        ("a7", "c7", t2, "W6", date(2017, 1, 1), date(2018, 4, 1)),
        ("a8", "c8", t3, "W5", date(2017, 1, 1), None),
        ("a9", "c1", t3, "W5", date(2018, 4, 1), None),
    ]:
        Allocation.objects.create(
            allocation_id=aid,
            child=kids[kid],
            team=team,
            worker=w[worker] if worker else None,
            start_date=start,
            end_date=end,
        )
    for sid, kid, team, held, kind in [
        ("s1", "c1", None, date(2018, 2, 18), "case"),
        ("s2", "c2", None, date(2018, 2, 17), "case"),
        ("s7g", "c7", t2, date(2018, 3, 30), "group"),
        ("s7", "c7", None, date(2018, 4, 1), "case"),
        ("s8a", "c8", None, date(2017, 12, 1), "case"),
        ("s8b", "c8", None, date(2018, 3, 31), "case"),
        ("g1", None, t1, date(2018, 1, 1), "group"),
        ("g2", None, t1, date(2017, 12, 31), "group"),
        ("g3", None, t2, date(2018, 3, 31), "group"),
        ("g4", "c8", None, date(2018, 2, 1), "group"),  # no team: c8's team on the day, T3
        ("g5", None, None, date(2018, 3, 15), "group"),  # no team, no child: LA only
        ("g6", None, t1, date(2018, 4, 1), "group"),
    ]:
        Supervision.objects.create(
            supervision_id=sid, child=kids[kid] if kid else None, team=team, held_date=held, kind=kind
        )
    return kids


def test_open_cases_and_caseload(figures, cases):
    f = figures("wf.open_cases", P)
    assert f[(E, "LA", "", "")] == (6, None)
    assert f[(E, "T1", "", "")] == (3, None)  # a1 a2 a3
    assert f[(E, "T2", "", "")] == (2, None)  # a6 a7
    assert f[(E, "SVC", "", "")] == (5, None)
    assert f[(E, "T3", "", "")] == (1, None)  # a8
    c = figures("wf.caseload", P)
    assert c[(E, "T1", "", "")] == (3, Decimal("1.5"))  # 2 cases per FTE
    assert c[(E, "T2", "", "")] == (2, 2)
    assert c[(E, "T3", "", "")] == (1, 0)  # nobody employed: no value
    assert c[(E, "SVC", "", "")] == (5, Decimal("3.5"))
    assert c[(E, "LA", "", "")] == (6, Decimal("3.5"))
    # January 2010: no case open; W3 (no start date, left 2018) and W4 (no dates) were employed.
    early = figures("wf.caseload", "2010-01")
    assert early[(E, "LA", "", "")] == (0, 2)
    assert early[(E, "T3", "", "")] == (0, 0)


def test_supervision(figures, cases):
    f = figures("wf.supervision", P)
    assert f[(E, "LA", "", "")] == (6, 6)
    assert f[(E, "LA", "supervision", "newly_allocated")] == (2, 6)  # a3 a6
    assert f[(E, "LA", "supervision", "in_time")] == (2, 6)  # a1 a8
    assert f[(E, "LA", "supervision", "overdue")] == (1, 6)  # a2
    assert f[(E, "LA", "supervision", "none_recorded")] == (1, 6)  # a7
    assert f[(E, "T1", "supervision", "in_time")] == (1, 3)
    assert f[(E, "T2", "supervision", "none_recorded")] == (1, 2)
    assert f[(E, "SV2", "supervision", "in_time")] == (1, 1)
    for org in ("LA", "SVC", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, E, org, "supervision")
    # A 4-week standard: cutoff 2018-03-03. a1 (last 2018-02-18) overdue, a3 not new and never supervised.
    MeasureSetting.objects.create(measure="wf.supervision", parameters={"days": 28})
    f = figures("wf.supervision", P)
    assert f[(E, "LA", "supervision", "newly_allocated")] == (1, 6)  # a6
    assert f[(E, "LA", "supervision", "in_time")] == (1, 6)  # a8
    assert f[(E, "LA", "supervision", "overdue")] == (2, 6)  # a1 a2
    assert f[(E, "LA", "supervision", "none_recorded")] == (2, 6)  # a3 a7


def test_group_supervision(figures, cases):
    f = figures("wf.group_supervision", P)
    assert f[(R3M, "T1", "", "")] == (1, None)  # g1 on the window's first day; g2 before, g6 after
    assert f[(R3M, "T2", "", "")] == (2, None)  # s7g, g3 on the last day
    assert f[(R3M, "T3", "", "")] == (1, None)  # g4 via c8's allocation
    assert f[(R3M, "SVC", "", "")] == (3, None)
    assert f[(R3M, "LA", "", "")] == (5, None)  # + g5 held by no team


@pytest.fixture
def posts(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    for pid, team, funded, status, start, end in [
        ("p1", t1, True, "permanent", date(2017, 1, 1), None),
        ("p2", t1, True, "agency", date(2018, 3, 31), None),  # starts on the end day
        ("p3", t1, True, "vacant", date(2017, 1, 1), None),
        ("p4", t1, False, "agency", date(2017, 1, 1), None),  # over establishment
        ("p5", t1, False, "vacant", date(2017, 1, 1), None),  # not a vacancy: left out
        ("p6", t2, True, "permanent", date(2017, 1, 1), date(2018, 3, 31)),  # closed on the end day
        ("p7", t2, False, "permanent", date(2017, 1, 1), date(2018, 4, 1)),  # over establishment
        ("p8", t3, True, "permanent", date(2018, 4, 1), None),  # not yet
    ]:
        Post.objects.create(
            post_id=pid, team=team, funded=funded, status=status, start_date=start, end_date=end
        )


def test_staff_makeup_and_unfunded(figures, posts):
    f = figures("wf.staff_makeup", P)
    assert f[(E, "LA", "", "")] == (5, 5)  # p1 p2 p3 p4 p7
    assert f[(E, "LA", "status", "permanent")] == (2, 5)  # p1 p7
    assert f[(E, "LA", "status", "agency")] == (2, 5)  # p2 p4
    assert f[(E, "LA", "status", "vacant")] == (1, 5)  # p3
    assert f[(E, "T1", "status", "agency")] == (2, 4)
    assert f[(E, "T2", "status", "permanent")] == (1, 1)
    assert f[(E, "T3", "", "")] == (0, 0)  # no posts: no value
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, E, org, "status")
    u = figures("wf.unfunded_posts", P)
    assert u[(E, "LA", "", "")] == (2, None)  # p4 p7
    assert u[(E, "T1", "", "")] == (1, None)
    assert u[(E, "T2", "", "")] == (1, None)
    assert u[(E, "T3", "", "")] == (0, None)


@pytest.fixture
def audits(org, cases):
    t1, t2 = org["T1"], org["T2"]
    for aid, team, kid, done, kind, grade, oversight in [
        ("au1", t1, None, date(2018, 3, 1), "regular", "good", "good"),
        ("au2", t1, None, date(2018, 3, 31), "regular", "inadequate", "requires_improvement"),
        ("au3", t2, None, date(2018, 3, 15), "regular", "good", ""),
        ("au4", t2, None, date(2018, 3, 10), "thematic", "outstanding", ""),
        ("au5", None, "c8", date(2018, 3, 20), "thematic", "", ""),  # c8's team on the day: T3
        ("au6", t1, None, date(2018, 2, 28), "regular", "good", "good"),  # February
        ("au7", t1, None, date(2018, 4, 1), "regular", "good", "good"),  # April
        ("au8", None, None, date(2018, 3, 5), "regular", "requires_improvement", "good"),  # LA only
    ]:
        Audit.objects.create(
            audit_id=aid,
            team=team,
            child=cases[kid] if kid else None,
            completed_date=done,
            kind=kind,
            grade=grade,
            oversight_grade=oversight,
        )


def test_audits(figures, audits):
    f = figures("qa.audits", P)
    assert f[(M, "LA", "", "")] == (6, 6)  # au1 au2 au3 au4 au5 au8
    assert f[(M, "LA", "kind", "regular")] == (4, 6)
    assert f[(M, "LA", "kind", "thematic")] == (2, 6)
    assert f[(M, "LA", "kind_grade", "regular|good")] == (2, 4)  # au1 au3
    assert f[(M, "LA", "kind_grade", "regular|inadequate")] == (1, 4)
    assert f[(M, "LA", "kind_grade", "regular|requires_improvement")] == (1, 4)  # au8
    assert f[(M, "LA", "kind_grade", "regular|outstanding")] == (0, 4)
    assert f[(M, "LA", "kind_grade", "thematic|outstanding")] == (1, 2)
    assert f[(M, "LA", "kind_grade", "thematic|not_recorded")] == (1, 2)
    # The service's regular audits are au1 au2 (T1) and au3 (T2): every team's kind total is in the denominator.
    assert f[(M, "SVC", "kind_grade", "regular|good")] == (2, 3)
    assert f[(M, "SVC", "kind_grade", "regular|inadequate")] == (1, 3)
    assert f[(M, "T1", "kind_grade", "regular|good")] == (1, 2)
    assert f[(M, "T3", "kind_grade", "thematic|not_recorded")] == (1, 1)
    for org in ("LA", "SVC", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, M, org, "kind")
        assert_parts_sum_to_whole(f, M, org, "kind_grade")


def test_management_oversight(figures, audits):
    f = figures("qa.management_oversight", P)
    assert f[(M, "LA", "", "")] == (4, 4)  # regular: au1 au2 au3 au8
    assert f[(M, "LA", "oversight_grade", "good")] == (2, 4)  # au1 au8
    assert f[(M, "LA", "oversight_grade", "requires_improvement")] == (1, 4)
    assert f[(M, "LA", "oversight_grade", "not_recorded")] == (1, 4)  # au3
    assert f[(M, "T1", "oversight_grade", "good")] == (1, 2)
    assert f[(M, "T3", "", "")] == (0, 0)  # only a thematic audit: no value
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, M, org, "oversight_grade")
