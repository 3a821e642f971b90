"""Section 1, hand-worked for March 2018 (FY 2017/18 starts 2018-04-01... no: 2017-04-01). British Summer
Time began 2018-03-25, so 2018-03-31T23:30 London is 22:30 UTC and still March."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.core.models import Population
from apps.frontdoor.models import Contact, Referral
from apps.people.models import Child
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

LDN = ZoneInfo("Europe/London")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LDN)


@pytest.fixture
def contacts(org):
    kid = Child.objects.create(child_id="K1", sex="F", date_of_birth=date(2010, 3, 15))
    unborn = Child.objects.create(child_id="K2", sex="U", expected_date_of_birth=date(2018, 6, 1))
    boy = Child.objects.create(child_id="K3", sex="M", date_of_birth=date(2002, 4, 1))
    Allocation.objects.create(allocation_id="A1", child=boy, team=org["T2"], start_date=date(2018, 1, 1))
    t1, t2 = org["T1"], org["T2"]
    rows = [
        # id, child, received, team, outcome, decided
        ("c1", kid, at(2018, 2, 28, 23, 59), t1, "nfa", at(2018, 3, 1, 8, 0)),  # Feb; decided in March in 8h
        ("c2", kid, at(2018, 3, 1, 0, 0), t1, "csc_referral", at(2018, 3, 1, 10, 0)),  # first instant; 10h
        ("c3", unborn, at(2018, 3, 15, 9, 0), t1, "nfa", at(2018, 3, 17, 9, 0)),  # 48h: late
        ("c4", kid, at(2018, 3, 31, 23, 30), t2, "", None),  # last half hour (BST); undecided
        (
            "c5",
            boy,
            at(2018, 3, 31, 20, 0),
            t2,
            "information",
            at(2018, 4, 1, 9, 0),
        ),  # decided after month end
        ("c6", boy, at(2018, 4, 1, 0, 30), t2, "nfa", at(2018, 4, 1, 1, 0)),  # April
        (
            "c7",
            boy,
            at(2018, 3, 10, 9, 0),
            None,
            "early_help",
            at(2018, 3, 10, 12, 0),
        ),  # no team: allocated T2
    ]
    for cid, child, received, team, outcome, decided in rows:
        Contact.objects.create(
            contact_id=cid,
            child=child,
            received_at=received,
            team=team,
            outcome=outcome,
            decided_at=decided,
            initial_rag="RED" if cid in ("c2", "c3") else "GREEN",
        )


def test_contacts_month_and_ytd(figures, contacts):
    f = figures("fd.contacts", "2018-03")
    assert f[("month", "LA", "", "")] == (5, None)  # c2 c3 c4 c5 c7
    assert f[("month", "T1", "", "")] == (2, None)
    assert f[("month", "T2", "", "")] == (3, None)  # c7 via its allocation
    assert f[("month", "SVC", "", "")] == (5, None)
    assert f[("month", "T3", "", "")] == (0, None)
    assert f[("ytd", "LA", "", "")] == (6, None)  # + c1 (February)
    assert f[("ytd", "T1", "", "")] == (3, None)


def test_contact_outcome_parts_sum(figures, contacts):
    f = figures("fd.contact_outcome", "2018-03")
    assert f[("month", "LA", "", "")] == (5, 5)
    assert f[("month", "LA", "outcome", "csc_referral")] == (1, 5)
    assert f[("month", "LA", "outcome", "nfa")] == (1, 5)
    assert f[("month", "LA", "outcome", "early_help")] == (1, 5)
    assert f[("month", "LA", "outcome", "information")] == (1, 5)
    assert f[("month", "LA", "outcome", "not_recorded")] == (1, 5)
    assert f[("month", "T1", "outcome", "nfa")] == (1, 2)
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, "month", org, "outcome")


def test_conversion_undecided_and_24h(figures, contacts):
    conv = figures("fd.contact_conversion", "2018-03")
    assert conv[("month", "LA", "", "")] == (1, 5)
    assert conv[("month", "T1", "", "")] == (1, 2)
    assert conv[("month", "T3", "", "")] == (0, 0)  # zero denominator: no value
    und = figures("fd.contacts_undecided", "2018-03")
    assert und[("month", "LA", "", "")] == (2, 5)  # c4 never decided, c5 decided in April
    assert und[("month", "T2", "", "")] == (2, 3)
    d24 = figures("fd.decision_24h", "2018-03")
    assert d24[("month", "LA", "", "")] == (3, 4)  # decided in March: c1 c2 c7 in time, c3 late
    assert d24[("month", "T1", "", "")] == (2, 3)
    assert d24[("month", "T2", "", "")] == (1, 1)


def test_gender_age_and_brag(figures, contacts):
    f = figures("fd.contacts_by_gender_age", "2018-03")
    # K1 born 2010-03-15: 7 on every March contact; K2 unborn; K3 born 2002-04-01: 15 in March 2018.
    assert f[("month", "LA", "gender_age", "female|5-11")] == (2, None)  # c2, c4
    assert f[("month", "LA", "gender_age", "unknown|unborn")] == (1, None)  # c3
    assert f[("month", "LA", "gender_age", "male|12-15")] == (2, None)  # c5, c7
    assert_parts_sum_to_whole(f, "month", "LA", "gender_age")
    b = figures("fd.contacts_by_brag", "2018-03")
    assert b[("month", "LA", "initial_rag", "RED")] == (2, None)
    assert b[("month", "LA", "initial_rag", "GREEN")] == (3, None)
    assert b[("month", "LA", "final_rag", "not_recorded")] == (5, None)
    assert_parts_sum_to_whole(b, "month", "LA", "initial_rag")


@pytest.fixture
def referrals(org):
    t1 = org["T1"]
    a, b, c = (Child.objects.create(child_id=x, sex="F", date_of_birth=date(2012, 1, 1)) for x in "ABC")
    rows = [
        ("ra0", a, date(2017, 3, 15)),
        ("ra1", a, date(2018, 3, 15)),  # exactly 12 months: a re-referral
        ("rb0", b, date(2017, 3, 14)),
        ("rb1", b, date(2018, 3, 15)),  # 12 months and a day: not
        ("rc0", c, date(2018, 3, 1)),
        ("rc1", c, date(2018, 3, 31)),  # first and last day of March
        ("rc2", c, date(2018, 4, 1)),  # April
    ]
    for rid, child, d in rows:
        Referral.objects.create(
            referral_id=rid,
            child=child,
            referral_date=d,
            team=t1,
            nfa=rid == "rc0",
            source="6" if rid == "ra1" else "",
        )
    Population.objects.create(year=2017, age_0_17=10000)


def test_referrals_rereferrals_rate(figures, referrals):
    f = figures("fd.referrals", "2018-03")
    assert f[("month", "LA", "", "")] == (4, None)
    assert f[("ytd", "LA", "", "")] == (4, None)  # ra0/rb0 are in 2016/17
    re = figures("fd.rereferral_12m", "2018-03")
    assert re[("month", "LA", "", "")] == (2, 4)  # ra1, rc1
    assert re[("month", "T1", "", "")] == (2, 4)
    rate = figures("fd.referral_rate", "2018-03")
    assert rate[("ytd", "LA", "", "")] == (4, 10000)
    assert ("ytd", "T1", "", "") not in rate  # rates are for the LA only
    nfa = figures("fd.referral_nfa", "2018-03")
    assert nfa[("month", "LA", "", "")] == (1, 4)
    src = figures("fd.referral_source", "2018-03")
    assert src[("month", "LA", "source_group", "police_legal")] == (1, 4)
    assert src[("month", "LA", "source_group", "other")] == (3, 4)  # blank source counts as other
    assert_parts_sum_to_whole(src, "month", "LA", "source_group")


def test_rate_without_population_has_no_value(figures, org):
    rate = figures("fd.referral_rate", "2018-03")
    assert rate[("ytd", "LA", "", "")] == (0, 0)
