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
    assert f[("month", "LA", "outcome", "csc_referral")] == (1, 5)  # c2
    assert f[("month", "LA", "outcome", "nfa")] == (1, 5)  # c3
    assert f[("month", "LA", "outcome", "early_help")] == (1, 5)  # c7
    assert f[("month", "LA", "outcome", "not_decided")] == (2, 5)  # c4 never; c5's information in April
    assert ("month", "LA", "outcome", "information") not in f
    assert f[("month", "T1", "outcome", "nfa")] == (1, 2)
    assert f[("month", "T2", "outcome", "not_decided")] == (2, 3)
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, "month", org, "outcome")
    ytd = figures("fd.contact_outcome", "2018-03")
    assert ytd[("ytd", "LA", "", "")] == (6, 6)
    assert ytd[("ytd", "LA", "outcome", "nfa")] == (2, 6)  # + c1, received in February, decided 1 March
    assert_parts_sum_to_whole(ytd, "ytd", "LA", "outcome")
    feb = figures("fd.contact_outcome", "2018-02")
    assert feb[("month", "LA", "outcome", "not_decided")] == (1, 1)  # c1 was decided in March


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
def decisions(org):
    """Contacts decided either side of a month end, in winter (GMT: January 2018) and summer time (BST:
    March 2018, BST from 2018-03-25, so 00:00 on 1 April London is 23:00 UTC on 31 March).

        e1 T1 received 2018-01-15, csc_referral decided 2018-02-01 00:00 GMT: not decided for January
        e2 T1 received 2018-01-31, nfa decided 2018-01-31 23:59 GMT: decided in January
        e3 T2 received 2018-01-31 23:59, signposting, never decided
        e4 T1 received 2018-03-30, csc_referral decided 2018-03-31 23:59 BST (22:59 UTC): decided in March
        e5 T2 received 2018-03-31 20:00, early_help decided 2018-04-01 00:00 BST: not decided for March
        e6 T2 received 2018-03-05, information decided the same morning
        e7 T2 received 2018-03-06, decided an hour later with no outcome recorded
    """
    kid = Child.objects.create(child_id="D1", sex="F", date_of_birth=date(2010, 3, 15))
    t1, t2 = org["T1"], org["T2"]
    rows = [
        ("e1", at(2018, 1, 15, 10, 0), t1, "csc_referral", at(2018, 2, 1, 0, 0)),
        ("e2", at(2018, 1, 31, 9, 0), t1, "nfa", at(2018, 1, 31, 23, 59)),
        ("e3", at(2018, 1, 31, 23, 59), t2, "signposting", None),
        ("e4", at(2018, 3, 30, 12, 0), t1, "csc_referral", at(2018, 3, 31, 23, 59)),
        ("e5", at(2018, 3, 31, 20, 0), t2, "early_help", at(2018, 4, 1, 0, 0)),
        ("e6", at(2018, 3, 5, 9, 0), t2, "information", at(2018, 3, 5, 11, 0)),
        ("e7", at(2018, 3, 6, 9, 0), t2, "", at(2018, 3, 6, 10, 0)),
    ]
    for cid, received, team, outcome, decided in rows:
        Contact.objects.create(
            contact_id=cid, child=kid, received_at=received, team=team, outcome=outcome, decided_at=decided
        )


def _outcomes(f, basis, org):
    return {bd: v for (b, o, dim, bd), v in f.items() if (b, o, dim) == (basis, org, "outcome")}


def test_outcome_is_the_one_decided_by_the_period_end(figures, decisions):
    jan = figures("fd.contact_outcome", "2018-01")
    assert jan[("month", "LA", "", "")] == (3, 3)
    assert _outcomes(jan, "month", "LA") == {"nfa": (1, 3), "not_decided": (2, 3)}  # e2; e1 e3
    assert _outcomes(jan, "month", "T1") == {"nfa": (1, 2), "not_decided": (1, 2)}
    assert _outcomes(jan, "month", "T2") == {"not_decided": (1, 1)}
    mar = figures("fd.contact_outcome", "2018-03")
    assert mar[("month", "LA", "", "")] == (4, 4)
    assert _outcomes(mar, "month", "LA") == {
        "csc_referral": (1, 4),  # e4 at 23:59 BST on the last day
        "not_decided": (1, 4),  # e5 at 00:00 BST on 1 April
        "information": (1, 4),
        "not_recorded": (1, 4),  # e7: decided, outcome blank
    }
    assert _outcomes(mar, "month", "T1") == {"csc_referral": (1, 1)}
    assert _outcomes(mar, "month", "T2") == {
        "not_decided": (1, 3),
        "information": (1, 3),
        "not_recorded": (1, 3),
    }
    # YTD: every contact received since 1 April 2017 by its outcome decided by 31 March: e1 is csc_referral now.
    assert mar[("ytd", "LA", "", "")] == (7, 7)
    assert _outcomes(mar, "ytd", "LA") == {
        "csc_referral": (2, 7),
        "nfa": (1, 7),
        "not_decided": (2, 7),  # e3, e5
        "information": (1, 7),
        "not_recorded": (1, 7),
    }
    assert _outcomes(mar, "ytd", "T1") == {"csc_referral": (2, 3), "nfa": (1, 3)}
    assert _outcomes(mar, "ytd", "T2") == {
        "not_decided": (2, 4),
        "information": (1, 4),
        "not_recorded": (1, 4),
    }
    for f, period in ((jan, "month"), (mar, "month"), (mar, "ytd")):
        for org in ("LA", "SVC", "T1", "T2"):
            assert_parts_sum_to_whole(f, period, org, "outcome")


def test_conversion_and_undecided_by_the_period_end(figures, decisions):
    conv = figures("fd.contact_conversion", "2018-01")
    assert conv[("month", "LA", "", "")] == (0, 3)  # e1's referral was decided on 1 February
    conv = figures("fd.contact_conversion", "2018-03")
    assert conv[("month", "LA", "", "")] == (1, 4)  # e4
    assert conv[("month", "T1", "", "")] == (1, 1)
    assert conv[("month", "T2", "", "")] == (0, 3)
    assert conv[("ytd", "LA", "", "")] == (2, 7)  # e1 e4
    assert conv[("ytd", "T1", "", "")] == (2, 3)
    und = figures("fd.contacts_undecided", "2018-01")
    assert und[("month", "LA", "", "")] == (2, 3)
    assert und[("month", "T1", "", "")] == (1, 2)
    assert und[("month", "T2", "", "")] == (1, 1)
    und = figures("fd.contacts_undecided", "2018-03")
    assert und[("month", "LA", "", "")] == (1, 4)  # e5
    assert und[("month", "T1", "", "")] == (0, 1)
    assert und[("month", "T2", "", "")] == (1, 3)
    assert und[("ytd", "LA", "", "")] == (2, 7)  # e3 e5
    assert und[("ytd", "T2", "", "")] == (2, 4)
    # The undecided count is the outcome measure's not_decided part, at every org unit and basis.
    for period in ("2018-01", "2018-03"):
        outcome = figures("fd.contact_outcome", period)
        for (basis, org, _, _), (num, den) in figures("fd.contacts_undecided", period).items():
            assert outcome[(basis, org, "", "")][1] == den
            assert outcome.get((basis, org, "outcome", "not_decided"), (0, den))[0] == num


def test_a_past_month_reads_the_same_after_later_decisions(figures, decisions):
    before = {code: figures(code, "2018-01") for code in ("fd.contact_outcome", "fd.contact_conversion")}
    before["fd.contacts_undecided"] = figures("fd.contacts_undecided", "2018-01")
    Contact.objects.filter(contact_id="e3").update(decided_at=at(2018, 2, 20, 9, 0))  # signposting, later
    for code, figs in before.items():
        assert figures(code, "2018-01") == figs, code
    # The later decision shows where it belongs: decided by the end of February and of March.
    feb_ytd = _outcomes(figures("fd.contact_outcome", "2018-02"), "ytd", "T2")
    assert feb_ytd == {"signposting": (1, 1)}
    mar = _outcomes(figures("fd.contact_outcome", "2018-03"), "ytd", "T2")
    assert mar == {
        "signposting": (1, 4),
        "not_decided": (1, 4),
        "information": (1, 4),
        "not_recorded": (1, 4),
    }


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
