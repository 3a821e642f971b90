"""Derived columns, hand-worked. Working days count d with A < d <= B over Mon-Fri less England's bank
holidays."""

from datetime import date

import pytest

from apps.assessments.models import Assessment, Conference, S47Enquiry, StrategyDiscussion
from apps.care.models import CareEpisode, HealthAssessment
from apps.core.calendar import ensure_calendar
from apps.core.models import WorkingDay
from apps.core.workdays import working_day_ordinal
from apps.imports.derived import refresh_derived_fields
from apps.people.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return Child.objects.create(child_id="C1", sex="F", date_of_birth=date(2010, 5, 1))


def test_calendar_table_matches_helper_and_is_idempotent():
    # The migration fills the calendar; wipe two months to see ensure_calendar restore them.
    WorkingDay.objects.filter(date__gte=date(2018, 3, 1), date__lte=date(2018, 4, 30)).delete()
    written = ensure_calendar(date(2018, 3, 1), date(2018, 4, 30))
    assert written == 61
    assert ensure_calendar(date(2018, 3, 1), date(2018, 4, 30)) == 0
    good_friday = WorkingDay.objects.get(date=date(2018, 3, 30))
    assert good_friday.is_working is False
    assert good_friday.ordinal == working_day_ordinal(date(2018, 3, 29))
    # A drifted row (e.g. the holidays package learnt a new one-off holiday) is corrected.
    WorkingDay.objects.filter(date=date(2018, 4, 3)).update(ordinal=0)
    assert ensure_calendar(date(2018, 3, 1), date(2018, 4, 30)) == 1


def test_assessment_working_days_across_easter(child):
    # 2018-03-28 (Wed) -> 2018-04-04 (Wed): 29 Thu, [30 Good Friday], [31 Sat, 1 Sun, 2 Easter Monday],
    # 3 Tue, 4 Wed = 3 working days.
    a = Assessment.objects.create(
        assessment_id="A1", child=child, start_date=date(2018, 3, 28), authorised_date=date(2018, 4, 4)
    )
    open_one = Assessment.objects.create(assessment_id="A2", child=child, start_date=date(2018, 3, 28))
    refresh_derived_fields([child.pk])
    a.refresh_from_db()
    open_one.refresh_from_db()
    assert a.working_days == 3
    assert open_one.working_days is None
    # Kept correct when the record changes.
    Assessment.objects.filter(pk=a.pk).update(authorised_date=date(2018, 3, 28))
    refresh_derived_fields([child.pk])
    a.refresh_from_db()
    assert a.working_days == 0


def test_conference_from_strategy_discussion_across_2022_one_off_holidays(child):
    # 2022-05-31 (Tue) -> 2022-06-08 (Wed): 1 Wed, [2 Thu moved Spring bank holiday], [3 Fri Jubilee],
    # 6 Mon, 7 Tue, 8 Wed = 4 working days.
    sd = StrategyDiscussion.objects.create(discussion_id="SD1", child=child, held_date=date(2022, 5, 31))
    s47 = S47Enquiry.objects.create(s47_id="S1", child=child, discussion=sd, start_date=date(2022, 5, 31))
    icpc = Conference.objects.create(
        conference_id="K1", child=child, s47=s47, kind="initial", held_date=date(2022, 6, 8)
    )
    # No discussion linked: from the S47 start. 2022-09-16 (Fri) -> 2022-09-20 (Tue): [19 Mon state funeral],
    # 20 Tue = 1.
    s47b = S47Enquiry.objects.create(s47_id="S2", child=child, start_date=date(2022, 9, 16))
    icpc_b = Conference.objects.create(
        conference_id="K2", child=child, s47=s47b, kind="initial", held_date=date(2022, 9, 20)
    )
    transfer = Conference.objects.create(
        conference_id="K3", child=child, kind="transfer_in", held_date=date(2022, 9, 20)
    )
    refresh_derived_fields()
    for obj in (icpc, icpc_b, transfer):
        obj.refresh_from_db()
    assert icpc.working_days_from_strategy == 4
    assert icpc_b.working_days_from_strategy == 1
    assert transfer.working_days_from_strategy is None


def test_care_episode_periods_and_placements(child):
    other = Child.objects.create(child_id="C2", sex="M")

    def ep(eid, who, start, end, rne, rec=""):
        return CareEpisode.objects.create(
            episode_id=eid,
            child=who,
            start_date=start,
            end_date=end,
            rne=rne,
            legal_status="C2",
            reason_ceased=rec,
        )

    e1 = ep("E1", child, date(2017, 1, 10), date(2017, 3, 1), "S", "X1")
    e2 = ep("E2", child, date(2017, 3, 1), date(2017, 6, 1), "L", "X1")  # legal status only: same placement
    e3 = ep("E3", child, date(2017, 6, 1), date(2017, 8, 1), "P", "E4A")  # new placement, then leaves care
    e4 = ep("E4", child, date(2018, 1, 5), None, "S")  # a new period of care
    f1 = ep("F1", other, date(2017, 3, 1), None, "S")
    refresh_derived_fields()
    got = {e.episode_id: (e.period_of_care_start, e.placement_start) for e in CareEpisode.objects.all()}
    assert got == {
        "E1": (date(2017, 1, 10), date(2017, 1, 10)),
        "E2": (date(2017, 1, 10), date(2017, 1, 10)),
        "E3": (date(2017, 1, 10), date(2017, 6, 1)),
        "E4": (date(2018, 1, 5), date(2018, 1, 5)),
        "F1": (date(2017, 3, 1), date(2017, 3, 1)),
    }
    del e1, e2, e3, e4, f1


def test_initial_health_assessment_from_period_of_care_start(child):
    CareEpisode.objects.create(
        episode_id="E1",
        child=child,
        start_date=date(2017, 12, 20),
        end_date=date(2018, 1, 15),
        rne="S",
        legal_status="V2",
        reason_ceased="X1",
    )
    CareEpisode.objects.create(
        episode_id="E2", child=child, start_date=date(2018, 1, 15), rne="P", legal_status="V2"
    )
    # From 2017-12-20 (Wed) to 2018-01-17 (Wed): Dec 21, 22, [25, 26 holidays], 27, 28, 29, [Jan 1 holiday],
    # Jan 2-5 (4), 8-12 (5), 15-17 (3) = 5 + 4 + 5 + 3 = 17 working days.
    iha = HealthAssessment.objects.create(
        health_assessment_id="H1", child=child, kind="initial", completed_date=date(2018, 1, 17)
    )
    review = HealthAssessment.objects.create(
        health_assessment_id="H2", child=child, kind="review", completed_date=date(2018, 6, 1)
    )
    before_care = HealthAssessment.objects.create(
        health_assessment_id="H3", child=child, kind="initial", completed_date=date(2017, 1, 2)
    )
    refresh_derived_fields([child.pk])
    for obj in (iha, review, before_care):
        obj.refresh_from_db()
    assert iha.working_days_from_care_start == 17
    assert review.working_days_from_care_start is None
    assert before_care.working_days_from_care_start is None


def test_contact_local_dates_follow_london_time(child):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from apps.frontdoor.models import Contact

    ldn = ZoneInfo("Europe/London")
    # 23:30 on 31 March 2018 in London is 22:30 UTC (summer time began on the 25th): still the 31st locally.
    late = Contact.objects.create(
        contact_id="CT1",
        child=child,
        received_at=datetime(2018, 3, 31, 23, 30, tzinfo=ldn),
        decided_at=datetime(2018, 4, 1, 0, 15, tzinfo=ldn),
    )
    undecided = Contact.objects.create(
        contact_id="CT2", child=child, received_at=datetime(2018, 1, 1, 0, 30, tzinfo=ldn)
    )
    refresh_derived_fields([child.pk])
    late.refresh_from_db()
    undecided.refresh_from_db()
    assert (late.received_date, late.decided_date) == (date(2018, 3, 31), date(2018, 4, 1))
    assert (undecided.received_date, undecided.decided_date) == (date(2018, 1, 1), None)
