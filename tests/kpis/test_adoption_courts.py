"""Section 9, hand-worked for March 2018: month [2018-03-01, 2018-04-01), YTD from 2017-04-01, R36 from
2015-04-01. None of these records has a team: children go to the team holding their case on the event's date
(the period end for stocks)."""

from datetime import date
from decimal import Decimal

import pytest

from apps.care.models import Adoption, CareEpisode, LifeStoryWork, Proceeding
from apps.kpis.registry import load
from apps.people.models import Child
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

D = date


def child(cid):
    return Child.objects.create(child_id=cid, sex="M", date_of_birth=D(2012, 2, 2))


def allocate(kid, team, start, end=None):
    Allocation.objects.create(
        allocation_id=f"al-{kid.child_id}-{start}", child=kid, team=team, start_date=start, end_date=end
    )


def whole(f, basis, org):
    return f[(basis, org, "", "")]


@pytest.fixture
def adoptions(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    rows = {
        # child: entered care, placement order, matched, placed, adoption order, team (allocated 2014 on)
        "A": (D(2016, 1, 1), D(2016, 5, 1), D(2016, 7, 1), D(2016, 9, 1), D(2018, 3, 31), t1),
        "B": (D(2014, 3, 1), D(2014, 10, 10), D(2014, 10, 1), D(2015, 3, 1), D(2015, 4, 1), t2),
        "C": (D(2014, 1, 1), None, D(2014, 5, 1), D(2014, 6, 1), D(2015, 3, 31), t2),
        "D": (D(2017, 1, 1), D(2017, 9, 1), D(2017, 12, 1), D(2018, 1, 1), D(2018, 4, 1), t2),
        "E": (None, None, D(2017, 4, 1), D(2017, 5, 1), D(2017, 10, 10), None),
        "F": (D(2017, 1, 1), D(2016, 11, 1), D(2016, 12, 31), D(2017, 1, 11), D(2017, 7, 1), None),
        "G": (D(2017, 1, 1), D(2017, 6, 10), D(2017, 6, 1), None, None, t2),
        "H": (D(2017, 6, 1), D(2018, 3, 1), D(2018, 3, 31), None, None, t3),
        "I": (D(2017, 6, 1), D(2018, 3, 31), None, None, None, t1),
    }
    for cid, (entered, po, matched, placed, ao, team) in rows.items():
        kid = child(cid)
        Adoption.objects.create(
            child=kid,
            entered_care_date=entered,
            placement_order_date=po,
            matched_date=matched,
            placed_date=placed,
            adoption_order_date=ao,
        )
        if team:
            allocate(kid, team, D(2014, 1, 1))


def test_a1_days(figures, adoptions):
    f = figures("ad.a1_days", "2018-03")
    # Adopted in R36: A (31 Mar 2018) 2016-01-01 -> 2016-09-01 = 244 days (leap year); B (1 Apr 2015, the
    # first day) 365; F 10. C adopted 31 Mar 2015 and D 1 Apr 2018 fall outside; E has no entered-care date.
    assert whole(f, "r36", "LA") == (619, 3)
    assert whole(f, "r36", "T1") == (244, 1)
    assert whole(f, "r36", "T2") == (365, 1)
    assert whole(f, "r36", "SVC") == (609, 2)
    assert whole(f, "r36", "T3") == (0, 0)  # nobody: no value


def test_a2_days(figures, adoptions):
    f = figures("ad.a2_days", "2018-03")
    # Matched in R36: A 61 days (1 May -> 1 Jul 2016), G 0 (matched before the order), D 91, F 60, H 30 (last
    # day). B and C were matched in 2014; E has no placement order.
    assert whole(f, "r36", "LA") == (242, 5)
    assert whole(f, "r36", "T1") == (61, 1)
    assert whole(f, "r36", "T2") == (91, 2)
    assert whole(f, "r36", "SVC") == (152, 3)
    assert whole(f, "r36", "T3") == (30, 1)


def test_orders_granted(figures, adoptions):
    po = figures("ad.placement_orders", "2018-03")
    assert whole(po, "month", "LA") == (2, None)  # H (1 Mar, T3), I (31 Mar, T1)
    assert whole(po, "month", "T1") == (1, None)
    assert whole(po, "month", "T3") == (1, None)
    assert whole(po, "ytd", "LA") == (4, None)  # + G (June 2017), D (September 2017)
    assert whole(po, "ytd", "T2") == (2, None)
    ao = figures("ad.adoption_orders", "2018-03")
    assert whole(ao, "month", "LA") == (1, None)  # A; D's order is on 1 April
    assert whole(ao, "month", "T1") == (1, None)
    assert whole(ao, "ytd", "LA") == (3, None)  # + E, F: held by no team
    assert whole(ao, "ytd", "T1") == (1, None)
    assert whole(ao, "ytd", "SVC") == (1, None)


def test_foster_carers_approved_is_entered():
    m = load()["fo.carers_approved"]
    assert m.entered and m.compute is None


@pytest.fixture
def placements(org):
    t1, t3 = org["T1"], org["T3"]
    k = {c: child(c) for c in ("K1", "K2", "K3", "K4", "K5", "K6")}
    allocate(k["K3"], org["T2"], D(2017, 1, 1))
    rows = [
        ("e1", "K1", D(2017, 1, 1), None, "U4", "PR1", t1),  # in-house
        ("e2", "K2", D(2018, 3, 31), None, "U6", "PR4", t1),  # IFA, from the last day
        ("e3", "K3", D(2017, 5, 1), D(2018, 3, 31), "U1", "PR5", t1),  # ended on the last day
        ("e4", "K3", D(2018, 3, 31), None, "U3", "PR0", None),  # other; team from the allocation (T2)
        ("e5", "K4", D(2017, 1, 1), None, "K2", "PR1", t1),  # children's home: not fostering
        ("e6", "K5", D(2017, 1, 1), None, "U5", "", t3),  # provider not recorded
        ("e7", "K6", D(2018, 4, 1), None, "U4", "PR5", t1),  # April
    ]
    for eid, cid, start, end, place, provider, team in rows:
        CareEpisode.objects.create(
            episode_id=eid,
            child=k[cid],
            start_date=start,
            end_date=end,
            reason_ceased="X1" if end else "",
            rne="S" if eid != "e4" else "P",
            legal_status="C2",
            placement_type=place,
            placement_provider=provider,
            team=team,
        )


def test_placements_inhouse_ifa(figures, placements):
    f = figures("fo.placements_inhouse_ifa", "2018-03")
    assert whole(f, "at_end", "LA") == (4, 4)
    assert f[("at_end", "LA", "provider", "in_house")] == (1, 4)
    assert f[("at_end", "LA", "provider", "ifa")] == (1, 4)
    assert f[("at_end", "LA", "provider", "other")] == (1, 4)
    assert f[("at_end", "LA", "provider", "not_recorded")] == (1, 4)
    assert whole(f, "at_end", "T1") == (2, 2)
    assert f[("at_end", "T1", "provider", "ifa")] == (1, 2)
    assert f[("at_end", "T2", "provider", "other")] == (1, 1)
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, "at_end", org, "provider")


@pytest.fixture
def proceedings(org):
    t1, t2, t3 = org["T1"], org["T2"], org["T3"]
    k = {c: child(c) for c in ("J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8", "J9")}
    allocate(k["J1"], t1, D(2017, 1, 1))
    allocate(k["J2"], t2, D(2017, 1, 1))
    allocate(k["J6"], t1, D(2017, 1, 1))
    allocate(k["J7"], t1, D(2017, 1, 1), D(2018, 3, 31))  # handed over on the day the order was made
    allocate(k["J7"], t2, D(2018, 3, 31))
    allocate(k["J8"], t3, D(2017, 1, 1))
    pre, care = "pre_proceedings", "care_proceedings"
    rows = [
        ("p1", "J1", pre, D(2018, 1, 4), D(2018, 3, 1), "issued"),  # 56 days = 8 weeks
        ("p2", "J2", pre, D(2017, 12, 2), D(2018, 3, 31), "diverted"),  # 119 days = 17 weeks
        ("p3", "J3", pre, D(2018, 2, 1), D(2018, 4, 1), "issued"),  # April
        ("p4", "J4", pre, D(2018, 3, 10), None, ""),  # open
        ("p5", "J5", pre, D(2018, 2, 15), D(2018, 3, 15), ""),  # 28 days = 4 weeks; no team
        ("c1", "J6", care, D(2017, 9, 1), D(2018, 3, 1), "care_order"),  # 181 days
        ("c2", "J7", care, D(2017, 6, 1), D(2018, 3, 31), "placement_order"),  # 303 days
        ("c3", "J8", care, D(2017, 10, 1), D(2018, 3, 20), ""),  # 170 days
        ("c4", "J9", care, D(2017, 10, 1), D(2018, 4, 1), "sgo"),  # April
    ]
    for pid, cid, kind, start, end, outcome in rows:
        Proceeding.objects.create(
            proceeding_id=pid, child=k[cid], kind=kind, start_date=start, end_date=end, outcome=outcome
        )


def weeks(days):
    return (Decimal(days) / 7).quantize(Decimal("0.000001"))


def test_preproceedings(figures, proceedings):
    f = figures("ct.preproceedings_weeks", "2018-03")
    assert whole(f, "month", "LA") == (29, 3)  # 8 + 17 + 4 weeks over p1, p2, p5
    assert whole(f, "month", "T1") == (8, 1)
    assert whole(f, "month", "T2") == (17, 1)
    assert whole(f, "month", "T3") == (0, 0)
    t = figures("ct.preproceedings_to_care", "2018-03")
    assert whole(t, "month", "LA") == (1, 3)  # p1 issued
    assert whole(t, "month", "T1") == (1, 1)
    assert whole(t, "month", "T2") == (0, 1)
    assert whole(figures("ct.preproceedings_to_care", "2018-05"), "month", "LA") == (0, 0)


def test_care_proceedings(figures, proceedings):
    f = figures("ct.care_proceedings_weeks", "2018-03")
    assert whole(f, "month", "LA") == (weeks(181 + 303 + 170), 3)
    assert whole(f, "month", "T1") == (weeks(181), 1)
    assert whole(f, "month", "T2") == (weeks(303), 1)  # J7's new team holds the case on the order's day
    assert whole(f, "month", "T3") == (weeks(170), 1)
    o = figures("ct.outcome", "2018-03")
    assert whole(o, "month", "LA") == (3, 3)
    assert o[("month", "LA", "outcome", "care_order")] == (1, 3)
    assert o[("month", "LA", "outcome", "placement_order")] == (1, 3)
    assert o[("month", "LA", "outcome", "not_recorded")] == (1, 3)
    assert o[("month", "T2", "outcome", "placement_order")] == (1, 1)
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(o, "month", org, "outcome")


@pytest.fixture
def life_story(org):
    m = {c: child(c) for c in ("M1", "M2", "M3", "M4", "M5")}
    allocate(m["M1"], org["T1"], D(2016, 1, 1))
    allocate(m["M5"], org["T2"], D(2016, 1, 1))
    rows = [
        ("M1", D(2017, 1, 1), None),
        ("M1", D(2018, 2, 1), None),  # a second open row: the child counts once
        ("M2", D(2017, 6, 1), D(2018, 3, 31)),  # ended on the last day
        ("M3", D(2018, 3, 31), None),  # started on the last day; no team: LA only
        ("M4", D(2018, 4, 1), None),  # April
        ("M5", D(2016, 1, 1), D(2018, 4, 1)),
    ]
    for cid, start, end in rows:
        LifeStoryWork.objects.create(child=m[cid], start_date=start, end_date=end)


def test_life_story(figures, life_story):
    f = figures("ls.life_story", "2018-03")
    assert whole(f, "at_end", "LA") == (3, None)  # M1, M3, M5
    assert whole(f, "at_end", "T1") == (1, None)
    assert whole(f, "at_end", "T2") == (1, None)
    assert whole(f, "at_end", "SVC") == (2, None)
    assert whole(f, "at_end", "T3") == (0, None)


def test_queries_do_not_grow_with_data(adoptions, placements, proceedings, life_story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx

    ctx = Ctx(Period.parse("2018-03"))
    for m in load().values():
        if m.section != "9" or m.compute is None:
            continue
        with CaptureQueriesContext(connection) as q:
            list(m.compute(ctx))
        assert len(q) <= 2 * len(m.bases), m.code
