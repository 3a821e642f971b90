"""Case tracking (apps.scorecards.casework, /casework/): every kind's due date worked out by hand across bank
holidays, weekends and month ends, the list's counts for a team and a worker, access per persona, the CSV
and pinned query counts.

England's bank holidays on the way: 2018 Good Friday 30 Mar, Easter Monday 2 Apr, early May 7 May, spring
28 May, summer 27 Aug, Christmas 25-26 Dec; 2019 New Year 1 Jan, Good Friday 19 Apr, Easter Monday 22 Apr.
A working-day timescale of n lands on the working day d with n working days in (start, d]."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from apps.accounts.models import AccessAction, AccessLog, AuditEvent
from apps.core.workdays import add_working_days
from apps.scorecards import casework_views
from apps.scorecards.casework import CaseWork, default_scales, timescales
from apps.scorecards.models import CaseWorkBuild, CaseWorkItem, Timescale
from tests.factories import (
    AllocationFactory,
    AssessmentFactory,
    CareEpisodeFactory,
    CareLeaverStatusFactory,
    ChildFactory,
    CINPlanFactory,
    CLAReviewFactory,
    ConferenceFactory,
    CPPlanFactory,
    HealthAssessmentFactory,
    MissingEpisodeFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    VisitFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

URL = "/casework/"


def fresh():
    """Records made by factories between two lists of one date, with no import between them: the kept
    working-out of the date (CaseWorkBuild) is for the records of the last import, so these due-date tests
    have each list worked out afresh. Keeping it is tested below."""
    CaseWorkBuild.objects.all().delete()


def items(as_at, **narrow):
    """{child_id: item} of the work listed as at a date (one item per child in these tests)."""
    fresh()
    work = CaseWork(as_at=as_at).narrow(**narrow) if narrow else CaseWork(as_at=as_at)
    rows = work.rows()
    out = {}
    for row in rows:
        assert row["child_ref"] not in out, f"{row['child_ref']} listed twice: {rows}"
        out[row["child_ref"]] = row
    return out


def item(as_at, child_id, kind):
    fresh()
    found = [r for r in CaseWork(as_at=as_at).rows() if r["child_ref"] == child_id and r["work"] == kind]
    assert len(found) <= 1, found
    return found[0] if found else None


def shape(row):
    return (row["started"], row["due"], row["days_overdue"], row["state"]) if row else None


def child(child_id, **kw):
    return ChildFactory(child_id=child_id, **kw)


# --- the timescales ------------------------------------------------------------------------------------


def test_the_statutory_defaults_are_seeded_as_settings():
    scales = timescales()
    assert scales == default_scales()
    assert Timescale.objects.count() == 11
    s = {k: (v.first.amount, v.first.unit) for k, v in scales.items()}
    assert s == {
        "assessment": (45, "working_days"),
        "icpc": (15, "working_days"),
        "review_conference": (3, "months"),
        "cp_visit": (10, "working_days"),
        "cin_visit": (20, "working_days"),
        "cla_visit": (6, "weeks"),
        "cla_review": (20, "working_days"),
        "iha": (20, "working_days"),
        "rha": (6, "months"),
        "pathway_plan": (6, "months"),
        "return_interview": (72, "hours"),
    }
    assert scales["review_conference"].then.amount == 6
    assert (scales["cla_review"].then.amount, scales["cla_review"].later.amount) == (3, 6)
    assert scales["rha"].then.amount == 12
    # Due soon from day 35 of the assessment's 45.
    assert scales["assessment"].due_soon == 10


# --- due dates, kind by kind ---------------------------------------------------------------------------


def test_assessment_45_working_days_over_easter_and_the_may_bank_holiday():
    # Thu 1 Mar 2018: 20 working days in March to Thu 29th, Good Friday and Easter Monday off, 19 in April
    # (3rd-30th), then 1-4 May, 7 May off: the 45th is Tue 8 May.
    AssessmentFactory(child=child("AS-1"), start_date=date(2018, 3, 1), authorised_date=None)
    assert add_working_days(date(2018, 3, 1), 45) == date(2018, 5, 8)
    assert item(date(2018, 4, 20), "AS-1", "assessment") is None  # day 34: not yet due soon
    assert shape(item(date(2018, 4, 23), "AS-1", "assessment")) == (
        date(2018, 3, 1),
        date(2018, 5, 8),
        -10,
        "due_soon",
    )  # day 35
    assert item(date(2018, 5, 8), "AS-1", "assessment")["days_overdue"] == 0  # the due date: due soon
    assert shape(item(date(2018, 5, 9), "AS-1", "assessment"))[2:] == (1, "overdue")
    assert shape(item(date(2018, 6, 1), "AS-1", "assessment"))[2:] == (17, "overdue")  # 28 May off


def test_an_authorised_assessment_is_done_from_its_authorisation():
    AssessmentFactory(child=child("AS-2"), start_date=date(2018, 3, 1), authorised_date=date(2018, 5, 10))
    assert shape(item(date(2018, 5, 9), "AS-2", "assessment"))[2:] == (1, "overdue")
    assert item(date(2018, 5, 10), "AS-2", "assessment") is None
    # A past month end sees it as it was then.
    assert item(date(2018, 4, 30), "AS-2", "assessment")["days_overdue"] == -5


def test_icpc_15_working_days_from_the_strategy_discussion_over_christmas_and_new_year():
    # Fri 14 Dec 2018: 17-21 Dec (5), 24th (6), 25-26 off, 27-28 (8), 31st (9), 1 Jan off, 2-4 Jan (12),
    # 7-9 Jan (15): Wed 9 Jan 2019.
    kid = child("IC-1")
    sd = StrategyDiscussionFactory(child=kid, held_date=date(2018, 12, 14))
    S47EnquiryFactory(
        child=kid, discussion=sd, start_date=date(2018, 12, 17), completed_date=None, outcome=""
    )
    assert add_working_days(date(2018, 12, 14), 15) == date(2019, 1, 9)
    assert shape(item(date(2019, 1, 10), "IC-1", "icpc")) == (
        date(2018, 12, 14),
        date(2019, 1, 9),
        1,
        "overdue",
    )
    assert shape(item(date(2019, 1, 2), "IC-1", "icpc"))[2:] == (-5, "due_soon")
    # The ICPC held: nothing due.
    ConferenceFactory(child=kid, kind="initial", held_date=date(2019, 1, 11))
    assert item(date(2019, 1, 10), "IC-1", "icpc") is not None
    assert item(date(2019, 1, 11), "IC-1", "icpc") is None


def test_icpc_without_a_discussion_runs_from_the_s47_and_not_when_ruled_out():
    S47EnquiryFactory(child=child("IC-2"), start_date=date(2018, 12, 14), completed_date=None, outcome="")
    S47EnquiryFactory(
        child=child("IC-3"), start_date=date(2018, 12, 14), completed_date=None, icpc_not_required=True
    )
    S47EnquiryFactory(
        child=child("IC-4"), start_date=date(2018, 12, 14), completed_date=date(2018, 12, 20), outcome="nfa"
    )
    # Completed with outcome icpc but no conference yet: still due.
    S47EnquiryFactory(
        child=child("IC-5"), start_date=date(2018, 12, 14), completed_date=date(2018, 12, 20), outcome="icpc"
    )
    found = items(date(2019, 1, 10), kinds=("icpc",))
    assert set(found) == {"IC-2", "IC-5"}
    assert found["IC-2"]["due"] == date(2019, 1, 9)


def test_review_conference_3_months_after_the_icpc_then_every_6_clamped_to_month_ends():
    # ICPC (plan start) Fri 31 Aug 2018 + 3 months: 30 Nov (November has 30 days).
    CPPlanFactory(child=child("RC-1"), start_date=date(2018, 8, 31))
    assert shape(item(date(2018, 11, 30), "RC-1", "review_conference")) == (
        date(2018, 8, 31),
        date(2018, 11, 30),
        0,
        "due_soon",
    )
    assert shape(item(date(2018, 12, 3), "RC-1", "review_conference"))[2:] == (1, "overdue")
    # Plan from 1 Mar 2019, reviews on 31 May and Sat 31 Aug 2019: next by 31 Aug + 6 months = Sat 29 Feb
    # 2020 (a leap year). Mon 2 Mar is 1 working day over (the Saturday shares Friday's ordinal).
    kid = child("RC-2")
    CPPlanFactory(child=kid, start_date=date(2019, 3, 1))
    ConferenceFactory(child=kid, kind="review", held_date=date(2019, 5, 31))
    ConferenceFactory(child=kid, kind="review", held_date=date(2019, 8, 31))
    assert shape(item(date(2020, 3, 2), "RC-2", "review_conference")) == (
        date(2019, 8, 31),
        date(2020, 2, 29),
        1,
        "overdue",
    )
    assert item(date(2020, 2, 29), "RC-2", "review_conference")["days_overdue"] == 0
    # An ended plan is no longer work.
    CPPlanFactory(child=child("RC-3"), start_date=date(2018, 8, 31), end_date=date(2018, 11, 1))
    assert item(date(2018, 11, 30), "RC-3", "review_conference") is None


def test_cp_visits_every_10_working_days_over_the_spring_bank_holiday():
    # Last visit Fri 25 May 2018; 28 May off; 29 May-1 Jun (4), 4-8 Jun (9), Mon 11 Jun (10).
    kid = child("CV-1")
    CPPlanFactory(child=kid, start_date=date(2018, 5, 1))
    VisitFactory(child=kid, kind="cp", visit_date=date(2018, 5, 25))
    VisitFactory(child=kid, kind="cp", visit_date=date(2018, 6, 1), seen=False)  # not seen: not a visit
    VisitFactory(child=kid, kind="cin", visit_date=date(2018, 6, 5))  # another kind
    assert shape(item(date(2018, 6, 12), "CV-1", "cp_visit")) == (
        date(2018, 5, 25),
        date(2018, 6, 11),
        1,
        "overdue",
    )
    assert item(date(2018, 6, 4), "CV-1", "cp_visit") is None  # 5 working days left: not yet due soon (2)
    assert shape(item(date(2018, 6, 7), "CV-1", "cp_visit"))[2:] == (-2, "due_soon")
    # A visit before the plan started does not count: the clock runs from the plan's start, Tue 1 May 2018
    # (7 May off): 2-4 May (3), 8-11 May (7), 14-16 May (10) = Wed 16 May.
    kid2 = child("CV-2")
    VisitFactory(child=kid2, kind="cp", visit_date=date(2018, 4, 20))
    CPPlanFactory(child=kid2, start_date=date(2018, 5, 1))
    assert shape(item(date(2018, 5, 17), "CV-2", "cp_visit")) == (
        date(2018, 5, 1),
        date(2018, 5, 16),
        1,
        "overdue",
    )


def test_cin_visits_every_20_working_days_over_the_summer_bank_holiday():
    # CIN plan from Wed 1 Aug 2018, no visit: 2-3 Aug (2), 6-24 Aug (17), 27 Aug off, 28-30 Aug (20).
    CINPlanFactory(child=child("CN-1"), start_date=date(2018, 8, 1))
    assert shape(item(date(2018, 8, 24), "CN-1", "cin_visit")) == (
        date(2018, 8, 1),
        date(2018, 8, 30),
        -3,
        "due_soon",
    )
    assert shape(item(date(2018, 9, 3), "CN-1", "cin_visit"))[2:] == (2, "overdue")


def test_cla_visits_every_6_weeks_across_the_year_end():
    kid = child("LV-1")
    CareEpisodeFactory(child=kid, start_date=date(2018, 1, 15))
    VisitFactory(child=kid, kind="cla", visit_date=date(2018, 12, 20))
    # 20 Dec + 42 days = Thu 31 Jan 2019.
    assert shape(item(date(2019, 2, 1), "LV-1", "cla_visit")) == (
        date(2018, 12, 20),
        date(2019, 1, 31),
        1,
        "overdue",
    )
    # A short break (V3/V4) is not care.
    CareEpisodeFactory(child=child("LV-2"), start_date=date(2018, 1, 15), legal_status="V3")
    assert item(date(2019, 2, 1), "LV-2", "cla_visit") is None


def test_cla_reviews_20_working_days_then_3_months_then_every_6():
    # Entered care Mon 3 Dec 2018: 4-24 Dec (15), 25-26 off, 27-31 Dec (18), 1 Jan off, 2-3 Jan (20).
    CareEpisodeFactory(child=child("CR-1"), start_date=date(2018, 12, 3))
    assert add_working_days(date(2018, 12, 3), 20) == date(2019, 1, 3)
    assert shape(item(date(2018, 12, 31), "CR-1", "cla_review")) == (
        date(2018, 12, 3),
        date(2019, 1, 3),
        -2,
        "due_soon",
    )
    # First review 29 Jun 2018: the second within 3 months, Sat 29 Sep 2018.
    kid = child("CR-2")
    CareEpisodeFactory(child=kid, start_date=date(2018, 6, 1))
    CLAReviewFactory(child=kid, review_date=date(2018, 6, 29))
    assert shape(item(date(2018, 10, 1), "CR-2", "cla_review")) == (
        date(2018, 6, 29),
        date(2018, 9, 29),
        1,
        "overdue",
    )
    # Second review 30 Apr 2018: later ones every 6 months, 30 Oct 2018.
    kid = child("CR-3")
    CareEpisodeFactory(child=kid, start_date=date(2018, 1, 2))
    CLAReviewFactory(child=kid, review_date=date(2018, 1, 30))
    CLAReviewFactory(child=kid, review_date=date(2018, 4, 30))
    assert shape(item(date(2018, 10, 31), "CR-3", "cla_review")) == (
        date(2018, 4, 30),
        date(2018, 10, 30),
        1,
        "overdue",
    )
    # A review from an earlier period of care does not count for this one.
    kid = child("CR-4")
    CLAReviewFactory(child=kid, review_date=date(2018, 11, 1))
    CareEpisodeFactory(child=kid, start_date=date(2018, 12, 3))
    assert item(date(2018, 12, 31), "CR-4", "cla_review")["due"] == date(2019, 1, 3)


def test_initial_health_assessment_20_working_days_over_easter_2019():
    # Entered care Mon 1 Apr 2019: 2-18 Apr (13), 19 and 22 Apr off, 23-30 Apr (19), Wed 1 May (20).
    CareEpisodeFactory(child=child("IH-1"), start_date=date(2019, 4, 1))
    assert shape(item(date(2019, 5, 2), "IH-1", "iha")) == (date(2019, 4, 1), date(2019, 5, 1), 1, "overdue")
    kid = child("IH-2")
    CareEpisodeFactory(child=kid, start_date=date(2019, 4, 1))
    HealthAssessmentFactory(child=kid, kind="initial", completed_date=date(2019, 4, 25))
    assert item(date(2019, 5, 2), "IH-2", "iha") is None


def test_review_health_assessments_6_months_under_5_else_12():
    # Under 5 at the IHA of 31 Aug 2018 (born 10 Mar 2016): 6 months on, clamped: 28 Feb 2019.
    kid = child("RH-1", date_of_birth=date(2016, 3, 10))
    CareEpisodeFactory(child=kid, start_date=date(2018, 8, 1))
    HealthAssessmentFactory(child=kid, kind="initial", completed_date=date(2018, 8, 31))
    assert shape(item(date(2019, 3, 1), "RH-1", "rha")) == (
        date(2018, 8, 31),
        date(2019, 2, 28),
        1,
        "overdue",
    )
    # Five on the day of the last review (born 31 Aug 2013): 12 months, Sat 31 Aug 2019.
    kid = child("RH-2", date_of_birth=date(2013, 8, 31))
    CareEpisodeFactory(child=kid, start_date=date(2018, 1, 2))
    HealthAssessmentFactory(child=kid, kind="initial", completed_date=date(2018, 1, 20))
    HealthAssessmentFactory(child=kid, kind="review", completed_date=date(2018, 8, 31))
    HealthAssessmentFactory(child=kid, kind="dental", completed_date=date(2018, 12, 1))  # not a review
    assert shape(item(date(2019, 9, 2), "RH-2", "rha")) == (
        date(2018, 8, 31),
        date(2019, 8, 31),
        1,
        "overdue",
    )
    # No IHA yet: it is the IHA that is due, not a review.
    CareEpisodeFactory(child=child("RH-3"), start_date=date(2018, 1, 2))
    assert item(date(2019, 9, 2), "RH-3", "rha") is None


def test_pathway_plan_review_every_6_months():
    CareLeaverStatusFactory(
        child=child("PP-1", date_of_birth=date(2000, 5, 1)),
        status_date=date(2018, 5, 1),
        pathway_plan_review_date=date(2017, 8, 31),
    )
    # 31 Aug 2017 + 6 months = 28 Feb 2018.
    assert shape(item(date(2018, 5, 1), "PP-1", "pathway_plan"))[:2] == (date(2017, 8, 31), date(2018, 2, 28))
    kid = child("PP-2", date_of_birth=date(2000, 5, 1))
    CareLeaverStatusFactory(
        child=kid, status_date=date(2018, 1, 5), pathway_plan_review_date=date(2017, 8, 31)
    )
    # A later status with a later review supersedes the earlier one.
    CareLeaverStatusFactory(
        child=kid, status_date=date(2018, 5, 1), pathway_plan_review_date=date(2018, 2, 28)
    )
    assert shape(item(date(2018, 8, 28), "PP-2", "pathway_plan")) == (
        date(2018, 2, 28),
        date(2018, 8, 28),
        0,
        "due_soon",
    )
    # Qualifying care leavers have no pathway plan; a 21-year-old is no longer tracked.
    CareLeaverStatusFactory(child=child("PP-3", date_of_birth=date(2000, 5, 1)), eligibility="qualifying")
    CareLeaverStatusFactory(child=child("PP-4", date_of_birth=date(1997, 5, 1)), status_date=date(2018, 5, 1))
    found = items(date(2018, 8, 28), kinds=("pathway_plan",))
    assert set(found) == {"PP-1", "PP-2"}


def test_return_interview_within_72_hours_over_christmas():
    # Ended Fri 21 Dec 2018: 72 hours = Mon 24 Dec; Thu 27 Dec is 1 working day over (25-26 off).
    MissingEpisodeFactory(
        child=child("RI-1"),
        start_date=date(2018, 12, 20),
        end_date=date(2018, 12, 21),
        return_interview_offered=None,
    )
    MissingEpisodeFactory(child=child("RI-2"), end_date=date(2018, 12, 21), return_interview_offered=True)
    MissingEpisodeFactory(
        child=child("RI-3"), kind="absent", end_date=date(2018, 12, 21), return_interview_offered=None
    )
    MissingEpisodeFactory(child=child("RI-4"), end_date=None, return_interview_offered=None)  # still missing
    found = items(date(2018, 12, 27), kinds=("return_interview",))
    assert set(found) == {"RI-1"}
    assert shape(found["RI-1"]) == (date(2018, 12, 21), date(2018, 12, 24), 1, "overdue")


def test_an_admins_timescale_changes_the_due_dates(client, login, personas):
    AssessmentFactory(child=child("AS-9"), start_date=date(2018, 3, 1), authorised_date=None)
    ts = Timescale.objects.get(kind="assessment")
    login(client, personas["admin"])
    response = client.post(
        reverse("manage:timescale_edit", args=[ts.pk]),
        {"first_amount": "40", "first_unit": "working_days", "due_soon": "3"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="scorecards.timescale")
    assert event.before["first_amount"] == 45 and event.after["first_amount"] == 40
    # 40 working days from 1 Mar 2018: 30 Apr.
    assert item(date(2018, 4, 26), "AS-9", "assessment")["due"] == date(2018, 4, 30)
    # A step needs its unit; a bad form changes nothing.
    response = client.post(
        reverse("manage:timescale_edit", args=[ts.pk]),
        {"first_amount": "40", "first_unit": "working_days", "then_amount": "3", "due_soon": "3"},
    )
    assert response.status_code == 200 and AuditEvent.objects.count() == 1
    response = client.post(
        reverse("manage:timescale_edit", args=[ts.pk]),
        {"first_amount": "0", "first_unit": "days", "due_soon": "3"},
    )
    assert response.status_code == 200 and AuditEvent.objects.count() == 1


# --- the list for a team and a worker ------------------------------------------------------------------

AS_AT = date(2018, 6, 12)


@pytest.fixture
def caseload(world):
    """Team A1's workers W1 and W2 and team A2's W3, with work as at Tue 12 Jun 2018:

    | child | team | worker | kind            | due        | state                  |
    |-------|------|--------|-----------------|------------|------------------------|
    | K1    | A1   | W1     | assessment      | 8 May      | overdue (24 wd)        |
    | K1    | A1   | W1     | cp_visit        | 11 Jun     | overdue (1)            |
    | K1    | A1   | W1     | review_conf.    | 1 Aug      | not listed (in time)   |
    | K2    | A1   | W2     | assessment      | 14 Jun     | due soon (2 left)      |
    | K3    | A1   | W1     | cin_visit       | 13 Jun     | due soon (1 left)      |
    | K4    | A1   | -      | return_interview| 4 Jun      | overdue (6)            |
    | K5    | A2   | W3     | assessment      | 8 May      | overdue                |
    | K6    | A1   | W1     | assessment      | authorised | not listed             |

    A1: 5 items (3 overdue, 2 due soon); W1: 3 (2 overdue, 1 due soon); A2: 1."""
    t = world["teams"]
    w1 = WorkerFactory(worker_id="W1", name="Worker One", team=t["A1"])
    w2 = WorkerFactory(worker_id="W2", name="Worker Two", team=t["A1"])
    w3 = WorkerFactory(worker_id="W3", name="Worker Three", team=t["A2"])
    kids = {k: child(k) for k in ("K1", "K2", "K3", "K4", "K5", "K6")}
    AllocationFactory(child=kids["K1"], team=t["A1"], worker=w1, start_date=date(2018, 1, 2))
    AllocationFactory(child=kids["K3"], team=t["A1"], worker=w1, start_date=date(2018, 1, 2))
    AllocationFactory(child=kids["K4"], team=t["A1"], start_date=date(2018, 1, 2))
    AssessmentFactory(
        child=kids["K1"], team=t["A1"], worker=w1, start_date=date(2018, 3, 1), authorised_date=None
    )
    # 45 working days from Tue 10 Apr 2018 (7 and 28 May off): Thu 14 Jun.
    assert add_working_days(date(2018, 4, 10), 45) == date(2018, 6, 14)
    AssessmentFactory(
        child=kids["K2"], team=t["A1"], worker=w2, start_date=date(2018, 4, 10), authorised_date=None
    )
    AssessmentFactory(
        child=kids["K5"], team=t["A2"], worker=w3, start_date=date(2018, 3, 1), authorised_date=None
    )
    AssessmentFactory(
        child=kids["K6"],
        team=t["A1"],
        worker=w1,
        start_date=date(2018, 3, 1),
        authorised_date=date(2018, 5, 1),
    )
    CPPlanFactory(child=kids["K1"], team=t["A1"], start_date=date(2018, 5, 1))
    VisitFactory(child=kids["K1"], kind="cp", visit_date=date(2018, 5, 25))
    # CIN plan from Tue 15 May 2018, no visit: 20 working days (28 May off) = Wed 13 Jun.
    CINPlanFactory(child=kids["K3"], team=t["A1"], start_date=date(2018, 5, 15))
    MissingEpisodeFactory(child=kids["K4"], end_date=date(2018, 6, 1), return_interview_offered=None)
    return {"workers": {"W1": w1, "W2": w2, "W3": w3}, "children": kids}


def test_hand_worked_items_for_a_team(world, caseload):
    a1 = (world["teams"]["A1"].pk,)
    work = CaseWork(as_at=AS_AT, teams=a1)
    got = sorted((r["child_ref"], r["work"], r["due"], r["days_overdue"], r["state"]) for r in work.rows())
    assert got == [
        ("K1", "assessment", date(2018, 5, 8), 24, "overdue"),
        ("K1", "cp_visit", date(2018, 6, 11), 1, "overdue"),
        ("K2", "assessment", date(2018, 6, 14), -2, "due_soon"),
        ("K3", "cin_visit", date(2018, 6, 13), -1, "due_soon"),
        ("K4", "return_interview", date(2018, 6, 4), 6, "overdue"),
    ]
    counts = work.counts()
    assert counts["assessment"] == {"due_soon": 1, "overdue": 1}
    assert counts["cp_visit"] == {"due_soon": 0, "overdue": 1}
    assert counts["cin_visit"] == {"due_soon": 1, "overdue": 0}
    assert counts["return_interview"] == {"due_soon": 0, "overdue": 1}
    assert sum(c["due_soon"] + c["overdue"] for c in counts.values()) == 5
    w1 = caseload["workers"]["W1"].pk
    assert work.narrow(worker=w1).count() == 3
    assert work.narrow(worker=w1, state="overdue").count() == 2
    assert work.narrow(worker=w1, state="due_soon").count() == 1
    assert CaseWork(as_at=AS_AT, teams=(world["teams"]["A2"].pk,)).count() == 1
    # Service A: both teams; the LA: the world's own open assessments (tests/conftest has none) included.
    assert CaseWork(as_at=AS_AT, teams=a1 + (world["teams"]["A2"].pk,)).count() == 6


def _page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:500]
    return response


def _csv(client, **params):
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_list_counts_equal_the_hand_worked_counts(client, login, personas, world, caseload):
    login(client, personas["manager_a1"])
    common = {"org_unit": "A1", "as_at": AS_AT.isoformat()}
    table = _page(client, **common).context["table"]
    assert table.paginator.count == 5
    # Most overdue first.
    assert [r.record["child_ref"] for r in table.page.object_list][:2] == ["K1", "K4"]
    assert _page(client, **common, worker="W1").context["table"].paginator.count == 3
    assert _page(client, **common, worker="W1", state="overdue").context["table"].paginator.count == 2
    assert _page(client, **common, kind="assessment").context["table"].paginator.count == 2
    assert (
        _page(client, **common, team=world["teams"]["A1"].pk, state="due_soon")
        .context["table"]
        .paginator.count
        == 2
    )
    rows = _csv(client, **common)
    assert rows[0] == [
        "child_id",
        "given_name",
        "family_name",
        "kind",
        "record_id",
        "team",
        "worker_id",
        "worker",
        "started",
        "due",
        "working_days_overdue",
        "state",
    ]
    assert len(rows) == 6  # one row per item of work
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (
        first["child_id"],
        first["kind"],
        first["due"],
        first["working_days_overdue"],
        first["worker_id"],
    ) == (
        "K1",
        "assessment",
        "2018-05-08",
        "24",
        "W1",
    )
    worker_rows = _csv(client, **common, worker="W1")
    assert len(worker_rows) == 4
    log = AccessLog.objects.filter(action=AccessAction.EXPORT).order_by("pk").last()
    assert log.rows == 3 and log.filters["org_unit"] == "A1"


def test_sorting_by_each_column(client, login, personas, caseload):
    login(client, personas["admin"])
    for column in (
        "child",
        "name",
        "worker",
        "team",
        "kind",
        "record",
        "started",
        "due",
        "days_overdue",
        "state",
    ):
        for sort in (column, f"-{column}"):
            table = _page(client, org_unit="A1", as_at=AS_AT.isoformat(), sort=sort).context["table"]
            assert table.paginator.count == 5, sort
    table = _page(client, org_unit="A1", as_at=AS_AT.isoformat(), sort="due").context["table"]
    assert [r.record["due"] for r in table.page.object_list] == sorted(
        r.record["due"] for r in table.page.object_list
    )


# --- access --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "unit", "expected"),
    [
        ("manager_a1", "", {"K1", "K2", "K3", "K4"}),  # the manager's own team by default
        ("manager_a1", "SA", {"K1", "K2", "K3", "K4"}),  # A2's child hidden
        ("manager_b1", "A1", set()),  # another team's children: none listed
        ("head_a", "SA", {"K1", "K2", "K3", "K4", "K5"}),
        ("director", "A2", {"K5"}),
        ("analyst", "A1", {"K1", "K2", "K3", "K4"}),
        ("admin", "A1", {"K1", "K2", "K3", "K4"}),
    ],
)
def test_access_per_persona(client, login, personas, caseload, persona, unit, expected):
    login(client, personas[persona])
    params = {"as_at": AS_AT.isoformat(), **({"org_unit": unit} if unit else {})}
    response = _page(client, **params)
    shown = {r.record["child_ref"] for r in response.context["table"].page.object_list}
    assert shown == expected
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    named = persona != "analyst"
    assert (caseload["children"]["K1"].family_name in body) == (named and "K1" in expected)
    csv_rows = _csv(client, **params)
    assert {r[0] for r in csv_rows[1:]} == expected
    assert ("given_name" in csv_rows[0]) == named
    log = AccessLog.objects.filter(user=personas[persona]).order_by("pk")
    assert [entry.action for entry in log] == [AccessAction.LIST, AccessAction.EXPORT]


def test_viewers_and_anonymous_are_refused(client, login, personas, caseload):
    response = client.get(URL, {"org_unit": "A1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, personas["viewer"])
    assert client.get(URL, {"org_unit": "A1"}).status_code == 403
    assert client.get(URL, {"org_unit": "A1", "format": "csv"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_bad_parameters(client, login, personas, caseload):
    login(client, personas["manager_a1"])
    assert client.get(URL, {"org_unit": "NOPE"}).status_code == 404
    assert client.get(URL, {"org_unit": "A1", "sex": "X"}).status_code == 400
    assert client.get(URL, {"org_unit": "A1", "format": "pdf"}).status_code == 400
    for bad in (
        {"as_at": "2018-13-01"},
        {"as_at": "1850-01-01"},
        {"kind": "nope"},
        {"state": "late"},
        {"worker": "W3"},
    ):
        response = client.get(URL, {"org_unit": "A1", **bad})
        assert response.status_code == 200 and response.context["table"].paginator.count == 0, bad
        assert client.get(URL, {"org_unit": "A1", "format": "csv", **bad}).status_code == 400, bad


def test_home_page_and_team_scorecard_show_counts_by_kind(client, login, personas, caseload, monkeypatch):
    monkeypatch.setattr(casework_views, "today", lambda: AS_AT)
    login(client, personas["manager_a1"])
    cw = client.get(reverse("home")).context["casework"]
    assert cw["org_unit"].code == "A1"
    assert (cw["overdue"], cw["due_soon"]) == (3, 2)
    by_kind = {r["kind"]: (r["overdue"], r["due_soon"]) for r in cw["rows"]}
    assert by_kind["assessment"] == (1, 1) and by_kind["iha"] == (0, 0)
    client.logout()
    login(client, personas["viewer"])
    assert client.get(reverse("home")).context["casework"] is None


# --- queries -------------------------------------------------------------------------------------------


def test_a_dates_items_are_worked_out_once_and_kept_until_the_next_import(world, caseload):
    from tests.factories import ImportRunFactory

    a1, b1 = (world["teams"]["A1"].pk,), (world["teams"]["B1"].pk,)
    first = CaseWork(as_at=AS_AT, teams=a1).rows()
    assert CaseWorkBuild.objects.count() == 1
    build = CaseWorkBuild.objects.get()
    assert (build.as_at, build.items) == (AS_AT, CaseWorkItem.objects.count())
    # Another team, worker, kind, state or viewer reads the same working-out.
    CaseWork(as_at=AS_AT, teams=b1).rows()
    CaseWork(as_at=AS_AT, teams=a1, state="overdue").counts()
    assert CaseWorkBuild.objects.count() == 1
    before = CaseWork(as_at=AS_AT, teams=a1).counts()
    assert before["assessment"] == {"due_soon": 1, "overdue": 1}
    # Records change only by an import: one made outside any is not read until the next import.
    AssessmentFactory(
        child=child("NEW"), team=world["teams"]["A1"], start_date=date(2018, 3, 1), authorised_date=None
    )
    assert CaseWork(as_at=AS_AT, teams=a1).rows() == first
    assert CaseWork(as_at=AS_AT, teams=a1).counts() == before
    ImportRunFactory()
    again = CaseWork(as_at=AS_AT, teams=a1).rows()
    assert len(again) == len(first) + 1 and "NEW" in {r["child_ref"] for r in again}
    assert CaseWork(as_at=AS_AT, teams=a1).counts()["assessment"] == {"due_soon": 1, "overdue": 2}
    assert CaseWorkBuild.objects.count() == 2
    # Another date, or an admin's changed timescale, is another working-out.
    CaseWork(as_at=date(2018, 6, 13), teams=a1).rows()
    assert CaseWorkBuild.objects.count() == 3
    Timescale.objects.filter(kind="assessment").update(first_amount=40)
    assert CaseWork(as_at=AS_AT, teams=a1).rows() != again
    assert CaseWorkBuild.objects.count() == 4


def test_builds_no_list_can_want_go_once_a_few_minutes_old(world, caseload):
    from datetime import timedelta

    from django.utils import timezone

    from apps.scorecards.casework import work_out
    from tests.factories import ImportRunFactory

    old = work_out(AS_AT)
    other_day = work_out(date(2018, 6, 13))
    ImportRunFactory()
    # Just made: a list that looked the old one up may still be reading it.
    current = work_out(AS_AT)
    assert set(CaseWorkBuild.objects.values_list("pk", flat=True)) == {old.pk, other_day.pk, current.pk}
    CaseWorkBuild.objects.filter(pk__in=[old.pk, other_day.pk]).update(
        built_at=timezone.now() - timedelta(minutes=11)
    )
    newest = work_out(date(2018, 6, 13))
    assert set(CaseWorkBuild.objects.values_list("pk", flat=True)) == {current.pk, newest.pk}
    assert not CaseWorkItem.objects.filter(build_id__in=[old.pk, other_day.pk]).exists()
    assert CaseWorkItem.objects.filter(build=current).count() == current.items > 0


def test_query_counts_pinned(client, login, personas, world, caseload, django_assert_num_queries):
    from tests.factories import ImportRunFactory

    login(client, personas["manager_a1"])
    params = {"org_unit": "A1", "as_at": AS_AT.isoformat()}
    client.get(URL, params)  # warm the session; the first list of the date works its items out
    # Session, user and device; the org unit; the timescales; the team scope (for the rows, and for the
    # filters' choices); the latest import and the date's kept working-out; the items (with their children's,
    # teams' and workers' names, read once for the count and the page); the access-log row; the filters'
    # teams and the team's workers; the team scope once more (CaseWork.scope): 14, whatever the number of
    # items.
    with django_assert_num_queries(14):
        _page(client, **params)
    for n in range(30):
        kid = child(f"Q{n}")
        AssessmentFactory(
            child=kid, team=world["teams"]["A1"], start_date=date(2018, 3, 1), authorised_date=None
        )
    ImportRunFactory()
    _page(client, **params)  # the new import's working-out
    with django_assert_num_queries(14):
        _page(client, **params)
    # The export: no filter choices to offer (12).
    with django_assert_num_queries(12):
        assert len(_csv(client, **params)) == 36


def test_a_teams_scorecard_shows_its_counts_by_kind(
    client, login, personas, world, caseload, layout, months, snap, la, monkeypatch
):
    monkeypatch.setattr(casework_views, "today", lambda: AS_AT)
    snap("cin.visits_in_time", "2026-09", 1, 2, org_unit=world["teams"]["A1"])
    login(client, personas["manager_a1"])
    scorecard = reverse("scorecards:scorecard")
    response = client.get(scorecard, {"layout": "test", "period": "2026-09", "org_unit": "A1"})
    cw = response.context["casework"]
    assert (cw["org_unit"].code, cw["overdue"], cw["due_soon"]) == ("A1", 3, 2)
    html = response.content.decode()
    assert f"{URL}?org_unit=A1&amp;kind=assessment&amp;state=overdue" in html
    # Only a team's scorecard: the LA's has none.
    response = client.get(scorecard, {"layout": "test", "period": "2026-09", "org_unit": la.code})
    assert response.context.get("casework") is None
    client.logout()
    login(client, personas["viewer"])
    response = client.get(scorecard, {"layout": "test", "period": "2026-09", "org_unit": "A1"})
    assert response.status_code == 200 and response.context.get("casework") is None


def test_a_care_leaver_held_by_another_team_stays_hidden_whatever_their_advisers_team(
    client, login, personas, world, caseload
):
    """A pathway plan counts for the personal adviser's team, which does not make the child one of that
    team's children: the access filter still applies to it when the rest of the list can do without."""
    t = world["teams"]
    kid = child("PP-B", date_of_birth=date(2000, 5, 1))
    AllocationFactory(child=kid, team=t["B1"], start_date=date(2017, 1, 2))
    CareLeaverStatusFactory(
        child=kid,
        status_date=date(2018, 5, 1),
        pathway_plan_review_date=date(2017, 8, 31),
        pa_worker=caseload["workers"]["W1"],
    )
    params = {"org_unit": "A1", "as_at": AS_AT.isoformat()}
    login(client, personas["admin"])
    shown = {r.record["child_ref"] for r in _page(client, **params).context["table"].page.object_list}
    assert "PP-B" in shown  # A1's work: its adviser is in A1
    client.logout()
    login(client, personas["manager_a1"])
    shown = {r.record["child_ref"] for r in _page(client, **params).context["table"].page.object_list}
    assert shown == {"K1", "K2", "K3", "K4"}
    assert "PP-B" not in {r[0] for r in _csv(client, **params)}


def test_the_worker_filter_offers_the_workers_of_the_one_team_in_view(client, login, personas, caseload):
    def offered(**params):
        field = _page(client, **params).context["filter"].form["worker"]
        return [value for value, _ in field.field.widget.choices if value], field.help_text

    login(client, personas["admin"])
    assert offered(org_unit="A1") == (["W1", "W2"], "")
    # A service's list: every worker of its teams would be too many to choose from; a team first.
    assert offered(org_unit="SA") == ([], "Choose a team to list its workers.")
    assert offered(org_unit="SA", team=caseload["workers"]["W3"].team.pk)[0] == ["W3"]
    # Once a worker is chosen, the workers of their team.
    workers, help_text = offered(org_unit="SA", worker="W2")
    assert (workers, help_text) == (["W1", "W2"], "")


def test_the_morning_task_works_out_todays_items_once(world, caseload):
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from apps.scorecards import tasks

    assert tasks.casework_today.delay().get() == CaseWorkBuild.objects.get().items
    assert CaseWorkBuild.objects.get().as_at == timezone.localdate()
    tasks.casework_today.delay()
    assert CaseWorkBuild.objects.count() == 1
    scheduled = PeriodicTask.objects.get(name="Work out today's case tracking")
    assert (scheduled.task, scheduled.crontab.hour, scheduled.enabled) == (
        "apps.scorecards.tasks.casework_today",
        "6",
        True,
    )
