"""Section 2, hand-worked for March 2018 (period end 2018-03-31). eh.stepped_down is tested with the
assessments (tests/kpis/test_assessments.py) and again here on its own small set."""

from datetime import date

import pytest

from apps.assessments.models import Assessment
from apps.frontdoor.models import EarlyHelpEpisode
from apps.kpis.models import MeasureSetting
from apps.people.models import Child
from apps.workforce.models import Allocation, Family, FamilyMember

from .conftest import assert_parts_sum_to_whole

MAR = "2018-03"


@pytest.fixture
def episodes(org):
    """A is with T1 from 2018-01-01; B with T2 from 2018-01-01 until 2018-03-10 (not open on the 10th).
    e0 A 02-28 -> 03-01   completed in March (T1)
    e1 A 03-01 -> 03-31   started and completed in March (T1, T1)
    e2 B 03-05 -> 03-20   started (T2), completed after B's allocation ended (no team: LA only)
    e3 B 03-31 -> open    started, no team
    e4 A 04-01            April
    """
    a = Child.objects.create(child_id="A", sex="F", date_of_birth=date(2012, 1, 1))
    b = Child.objects.create(child_id="B", sex="M", date_of_birth=date(2014, 1, 1))
    Allocation.objects.create(allocation_id="L1", child=a, team=org["T1"], start_date=date(2018, 1, 1))
    Allocation.objects.create(
        allocation_id="L2", child=b, team=org["T2"], start_date=date(2018, 1, 1), end_date=date(2018, 3, 10)
    )
    rows = [
        ("e0", a, date(2018, 2, 28), date(2018, 3, 1)),
        ("e1", a, date(2018, 3, 1), date(2018, 3, 31)),
        ("e2", b, date(2018, 3, 5), date(2018, 3, 20)),
        ("e3", b, date(2018, 3, 31), None),
        ("e4", a, date(2018, 4, 1), None),
    ]
    for eid, child, start, done in rows:
        EarlyHelpEpisode.objects.create(episode_id=eid, child=child, start_date=start, completion_date=done)
    return a, b


def test_early_help_assessments(figures, episodes):
    f = figures("eh.early_help_assessments", MAR)
    assert f[("month", "LA", "stage", "started")] == (3, None)  # e1 e2 e3
    assert f[("month", "LA", "stage", "completed")] == (3, None)  # e0 e1 e2
    assert f[("month", "LA", "", "")] == (6, None)  # start and completion events
    assert f[("month", "T1", "stage", "started")] == (1, None)
    assert f[("month", "T1", "stage", "completed")] == (2, None)
    assert f[("month", "T2", "stage", "started")] == (1, None)
    assert ("month", "T2", "stage", "completed") not in f  # e2 completed with no team
    assert f[("month", "SVC", "", "")] == (4, None)
    assert f[("month", "T3", "", "")] == (0, None)
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, "month", org, "stage")
    april = figures("eh.early_help_assessments", "2018-04")
    assert april[("month", "LA", "stage", "started")] == (1, None)
    assert ("month", "LA", "stage", "completed") not in april


def test_stepped_down(figures, org, episodes):
    a, b = episodes
    rows = [
        ("x1", a, date(2018, 3, 1), "early_help", org["T1"]),
        ("x2", a, date(2018, 3, 31), "nfa", None),  # A's allocation: T1
        ("x3", b, date(2018, 3, 5), "early_help", org["T3"]),
        ("x4", b, date(2018, 2, 28), "early_help", None),  # February
    ]
    for aid, child, auth, outcome, team in rows:
        Assessment.objects.create(
            assessment_id=aid,
            child=child,
            start_date=date(2018, 2, 1),
            authorised_date=auth,
            outcome=outcome,
            team=team,
        )
    f = figures("eh.stepped_down", MAR)
    assert f[("month", "LA", "", "")] == (2, 3)
    assert f[("month", "T1", "", "")] == (1, 2)
    assert f[("month", "T3", "", "")] == (1, 1)
    assert f[("month", "T2", "", "")] == (0, 0)  # no assessments: no value


@pytest.fixture
def families(org):
    """At 2018-03-31:
    f1 attached 2017-01-10, outcome met 2017-06-01, claimed 2017-09-01   attached, claimed
    f2 attached 2018-03-31, outcome met 2018-03-31                       attached (last day), ready
    f3 attached 2017-05-01, outcome met 2018-02-01, claimed 2018-04-01   attached, ready (claimed after)
    f4 attached 2018-04-01                                               not yet attached
    f5 attached 2016-01-01                                               attached, no members
    Members (age at 2018-03-31):
    f1 p1 adult F 1980-03-31 WBRI 38 (birthday) | p2 child M 2010-04-01 BAFR 7 | p3 child F 2018-04-15 unborn
    f2 p4 adult M no DOB AIND                   | p5 child (blank sex) 2005-03-31 REFU 13
    f3 p6 adult F 1990-01-01 MWBA 28
    f4 p7 adult F 1970-01-01 (not attached)
    """
    fams = [
        ("f1", date(2017, 1, 10), date(2017, 6, 1), date(2017, 9, 1)),
        ("f2", date(2018, 3, 31), date(2018, 3, 31), None),
        ("f3", date(2017, 5, 1), date(2018, 2, 1), date(2018, 4, 1)),
        ("f4", date(2018, 4, 1), None, None),
        ("f5", date(2016, 1, 1), None, None),
    ]
    fam = {
        fid: Family.objects.create(family_id=fid, attached_date=att, outcome_met_date=met, claimed_date=cl)
        for fid, att, met, cl in fams
    }
    members = [
        ("f1", "p1", "adult", "F", date(1980, 3, 31), "WBRI"),
        ("f1", "p2", "child", "M", date(2010, 4, 1), "BAFR"),
        ("f1", "p3", "child", "F", date(2018, 4, 15), ""),
        ("f2", "p4", "adult", "M", None, "AIND"),
        ("f2", "p5", "child", "", date(2005, 3, 31), "REFU"),
        ("f3", "p6", "adult", "F", date(1990, 1, 1), "MWBA"),
        ("f4", "p7", "adult", "F", date(1970, 1, 1), "WBRI"),
    ]
    for fid, pid, role, sex, dob, eth in members:
        FamilyMember.objects.create(
            family=fam[fid], person_id=pid, role=role, sex=sex, date_of_birth=dob, ethnicity=eth
        )


def test_families_attached_claimed_ready(figures, families):
    att = figures("tf.families_attached", MAR)
    assert att[("at_end", "LA", "", "")] == (4, None)  # f1 f2 f3 f5
    assert ("at_end", "T1", "", "") not in att  # the programme is held for the LA only
    assert figures("tf.families_attached", "2018-04")[("at_end", "LA", "", "")] == (5, None)
    cl = figures("tf.families_claimed", MAR)
    assert cl[("at_end", "LA", "", "")] == (1, None)  # f1; f3's claim is in April
    assert figures("tf.families_claimed", "2018-04")[("at_end", "LA", "", "")] == (2, None)
    ready = figures("tf.claims_ready", MAR)
    assert ready[("at_end", "LA", "", "")] == (2, None)  # f2 f3
    assert figures("tf.claims_ready", "2018-04")[("at_end", "LA", "", "")] == (1, None)  # f2
    assert figures("tf.claims_ready", "2016-12")[("at_end", "LA", "", "")] == (0, None)


def test_progress_against_targets(figures, families):
    # No target set: the percentage has no value (denominator 0), the numerator is kept.
    assert figures("tf.families_attached_progress", MAR)[("at_end", "LA", "", "")] == (4, 0)
    assert figures("tf.families_claimed_progress", MAR)[("at_end", "LA", "", "")] == (1, 0)
    MeasureSetting.objects.create(measure="tf.families_attached", parameters={"programme_target": 8})
    assert figures("tf.families_attached_progress", MAR)[("at_end", "LA", "", "")] == (4, 8)
    # The claim target falls back to the attachment target (the booklet: 915 of 2,220).
    assert figures("tf.families_claimed_progress", MAR)[("at_end", "LA", "", "")] == (1, 8)
    MeasureSetting.objects.create(measure="tf.families_claimed", parameters={"programme_target": 5})
    assert figures("tf.families_claimed_progress", MAR)[("at_end", "LA", "", "")] == (1, 5)


def test_family_composition(figures, families):
    f = figures("tf.family_composition", MAR)
    assert f[("at_end", "LA", "", "")] == (6, 4)  # p1-p6 over f1 f2 f3 f5: 1.5 per family
    assert f[("at_end", "LA", "role", "child")] == (3, 4)  # p2 p3 p5
    assert f[("at_end", "LA", "role", "adult")] == (3, 4)  # p1 p4 p6
    assert ("at_end", "T1", "", "") not in f
    assert_parts_sum_to_whole(f, "at_end", "LA", "role")
    age = figures("tf.family_composition_age", MAR)
    assert age[("at_end", "LA", "", "")] == (86, 4)  # 38 + 7 + 13 + 28; p3 unborn, p4 no DOB
    assert age[("at_end", "LA", "role", "adult")] == (66, 2)
    assert age[("at_end", "LA", "role", "child")] == (20, 2)
    assert_parts_sum_to_whole(age, "at_end", "LA", "role")
    sex = figures("tf.family_composition_sex", MAR)
    assert sex[("at_end", "LA", "", "")] == (6, 6)
    assert sex[("at_end", "LA", "gender", "female")] == (3, 6)  # p1 p3 p6
    assert sex[("at_end", "LA", "gender", "male")] == (2, 6)  # p2 p4
    assert sex[("at_end", "LA", "gender", "unknown")] == (1, 6)  # p5
    assert_parts_sum_to_whole(sex, "at_end", "LA", "gender")
    bame = figures("tf.family_composition_bame", MAR)
    assert bame[("at_end", "LA", "", "")] == (3, 6)  # p2 BAFR, p4 AIND, p6 MWBA


def test_family_composition_without_families(figures, org):
    assert figures("tf.family_composition", MAR)[("at_end", "LA", "", "")] == (0, 0)
    assert figures("tf.family_composition_age", MAR)[("at_end", "LA", "", "")] == (0, 0)
    assert figures("tf.family_composition_sex", MAR)[("at_end", "LA", "", "")] == (0, 0)
    assert figures("tf.family_composition_bame", MAR)[("at_end", "LA", "", "")] == (0, 0)


def _queries(code: str, period: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx
    from apps.kpis.registry import load

    with CaptureQueriesContext(connection) as ctx:
        list(load()[code].compute(Ctx(Period.parse(period))))
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_data(families, episodes):
    """Grouped aggregates: a month full of records takes as many queries as an empty month."""
    from apps.kpis.registry import load

    module = "apps.kpis.measures.early_help"
    codes = [c for c, m in load().items() if m.compute and m.compute.__module__ == module]
    assert codes
    for code in codes:
        assert _queries(code, MAR) == _queries(code, "2019-05"), code
