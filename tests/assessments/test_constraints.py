from datetime import date

import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import AssessmentFactory, ConferenceFactory, S47EnquiryFactory, StrategyDiscussionFactory

pytestmark = pytest.mark.django_db

D = date

CASES = [
    Case("assessment_id_not_blank", lambda: AssessmentFactory(assessment_id="")),
    Case(
        "assessment_outcome_valid",
        lambda: AssessmentFactory(outcome="adopted"),
        good=lambda: AssessmentFactory(outcome="strategy_discussion"),
    ),
    Case(
        "assessment_authorised_after_start",
        lambda: AssessmentFactory(start_date=D(2018, 4, 3), authorised_date=D(2018, 4, 2)),
        good=lambda: AssessmentFactory(start_date=D(2018, 4, 3), authorised_date=D(2018, 4, 3)),
    ),
    Case("discussion_id_not_blank", lambda: StrategyDiscussionFactory(discussion_id="")),
    Case("s47_id_not_blank", lambda: S47EnquiryFactory(s47_id="")),
    Case(
        "s47_outcome_valid",
        lambda: S47EnquiryFactory(outcome="unknown"),
        good=lambda: S47EnquiryFactory(outcome="nfa"),
    ),
    Case(
        "s47_completed_after_start",
        lambda: S47EnquiryFactory(start_date=D(2018, 4, 4), completed_date=D(2018, 4, 3)),
        good=lambda: S47EnquiryFactory(start_date=D(2018, 4, 4), completed_date=D(2018, 4, 4)),
    ),
    Case("conference_id_not_blank", lambda: ConferenceFactory(conference_id="")),
    Case(
        "conference_kind_valid",
        lambda: ConferenceFactory(kind="final"),
        good=lambda: ConferenceFactory(kind="transfer_in"),
    ),
    Case("conference_kind_valid", lambda: ConferenceFactory(kind=""), note="blank"),
    Case(
        "conference_participation_valid",
        lambda: ConferenceFactory(participation="PN8"),
        good=lambda: ConferenceFactory(participation="PN0"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize(
    "factory", [AssessmentFactory, StrategyDiscussionFactory, S47EnquiryFactory, ConferenceFactory]
)
def test_good_row_saves(factory):
    factory().full_clean()
