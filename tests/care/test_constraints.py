from datetime import date

import pytest

from tests.constraint_cases import Case, check_case, twice
from tests.factories import (
    AdoptionFactory,
    CareEpisodeFactory,
    CareLeaverStatusFactory,
    CLAReviewFactory,
    HealthAssessmentFactory,
    LifeStoryWorkFactory,
    MissingEpisodeFactory,
    ProceedingFactory,
)

pytestmark = pytest.mark.django_db

D = date

CASES = [
    Case("care_episode_id_not_blank", lambda: CareEpisodeFactory(episode_id="")),
    Case("care_rne_valid", lambda: CareEpisodeFactory(rne="Q"), good=lambda: CareEpisodeFactory(rne="U")),
    Case("care_rne_valid", lambda: CareEpisodeFactory(rne=""), note="blank"),
    Case(
        "care_legal_status_valid",
        lambda: CareEpisodeFactory(legal_status="Z9"),
        good=lambda: CareEpisodeFactory(legal_status="J3"),
    ),
    Case(
        "care_legal_status_valid",
        lambda: CareEpisodeFactory(legal_status="c2"),
        good=lambda: CareEpisodeFactory(legal_status=""),
        note="blank is not recorded; codes are upper case",
    ),
    Case(
        "care_cin_valid",
        lambda: CareEpisodeFactory(category_of_need="N9"),
        good=lambda: CareEpisodeFactory(category_of_need="N8"),
    ),
    Case(
        "care_placement_valid",
        lambda: CareEpisodeFactory(placement_type="Q1"),
        good=lambda: CareEpisodeFactory(placement_type="Z14"),
    ),
    Case(
        "care_provider_valid",
        lambda: CareEpisodeFactory(placement_provider="PR9"),
        good=lambda: CareEpisodeFactory(placement_provider="PR0"),
    ),
    Case(
        "care_rec_valid",
        lambda: CareEpisodeFactory(end_date=D(2018, 5, 1), reason_ceased="E99"),
        good=lambda: CareEpisodeFactory(end_date=D(2018, 5, 1), reason_ceased="E4A"),
    ),
    Case(
        "care_rpc_valid",
        lambda: CareEpisodeFactory(reason_placement_change="BORED"),
        good=lambda: CareEpisodeFactory(reason_placement_change="CARPL"),
    ),
    Case(
        "care_end_after_start",
        lambda: CareEpisodeFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 2), reason_ceased="X1"),
        good=lambda: CareEpisodeFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 3), reason_ceased="X1"),
    ),
    Case(
        "care_open_has_no_rec",
        lambda: CareEpisodeFactory(end_date=None, reason_ceased="E2"),
        good=lambda: CareEpisodeFactory(end_date=None, reason_ceased=""),
        note="open episode with a reason ceased",
    ),
    Case(
        "care_one_episode_per_child_start",
        lambda: twice(CareEpisodeFactory, "child", "start_date"),
        good=lambda: CareEpisodeFactory(
            child=CareEpisodeFactory(start_date=D(2018, 4, 3)).child, start_date=D(2018, 4, 4)
        ),
        note="two episodes starting the same day",
    ),
    Case("cla_review_id_not_blank", lambda: CLAReviewFactory(review_id="")),
    Case(
        "cla_review_pn_valid",
        lambda: CLAReviewFactory(participation="PN9"),
        good=lambda: CLAReviewFactory(participation="PN7"),
    ),
    Case("health_assessment_id_not_blank", lambda: HealthAssessmentFactory(health_assessment_id="")),
    Case(
        "health_assessment_kind_valid",
        lambda: HealthAssessmentFactory(kind="eyes"),
        good=lambda: HealthAssessmentFactory(kind="dental"),
    ),
    Case("health_assessment_kind_valid", lambda: HealthAssessmentFactory(kind=""), note="blank"),
    Case("missing_id_not_blank", lambda: MissingEpisodeFactory(episode_id="")),
    Case(
        "missing_kind_valid",
        lambda: MissingEpisodeFactory(kind="lost"),
        good=lambda: MissingEpisodeFactory(kind="absent"),
    ),
    Case(
        "missing_end_after_start",
        lambda: MissingEpisodeFactory(start_date=D(2018, 6, 1), end_date=D(2018, 5, 31)),
        good=lambda: MissingEpisodeFactory(start_date=D(2018, 6, 1), end_date=D(2018, 6, 1)),
    ),
    Case(
        "care_leaver_one_status_per_date",
        lambda: twice(CareLeaverStatusFactory, "child", "status_date"),
        good=lambda: CareLeaverStatusFactory(
            child=CareLeaverStatusFactory().child, status_date=D(2019, 5, 1)
        ),
        note="two statuses on one date",
    ),
    Case(
        "care_leaver_eligibility_valid",
        lambda: CareLeaverStatusFactory(eligibility="eligible"),
        good=lambda: CareLeaverStatusFactory(eligibility="qualifying"),
    ),
    Case(
        "care_leaver_in_touch_valid",
        lambda: CareLeaverStatusFactory(in_touch="yes"),
        good=lambda: CareLeaverStatusFactory(in_touch="REFU"),
        note="codes are upper case",
    ),
    Case(
        "care_leaver_activity_valid",
        lambda: CareLeaverStatusFactory(activity="F6"),
        good=lambda: CareLeaverStatusFactory(activity="F3"),
        note="F3 is an earlier code year's",
    ),
    Case(
        "care_leaver_activity_valid",
        lambda: CareLeaverStatusFactory(activity="00"),
        good=lambda: CareLeaverStatusFactory(activity="0"),
        note="0 is not known",
    ),
    Case(
        "care_leaver_accommodation_valid",
        lambda: CareLeaverStatusFactory(accommodation="A"),
        good=lambda: CareLeaverStatusFactory(accommodation="Z"),
    ),
    Case(
        "adoption_order_after_placement",
        lambda: AdoptionFactory(placed_date=D(2017, 5, 20), adoption_order_date=D(2017, 5, 19)),
        good=lambda: AdoptionFactory(placed_date=D(2017, 5, 20), adoption_order_date=D(2017, 5, 20)),
    ),
    Case(
        "adoption_placed_after_entering_care",
        lambda: AdoptionFactory(entered_care_date=D(2016, 3, 1), placed_date=D(2016, 2, 29)),
        good=lambda: AdoptionFactory(entered_care_date=D(2016, 3, 1), placed_date=None),
    ),
    Case("proceeding_id_not_blank", lambda: ProceedingFactory(proceeding_id="")),
    Case(
        "proceeding_kind_valid",
        lambda: ProceedingFactory(kind="criminal"),
        good=lambda: ProceedingFactory(kind="pre_proceedings"),
    ),
    Case("proceeding_kind_valid", lambda: ProceedingFactory(kind=""), note="blank"),
    Case(
        "proceeding_outcome_valid",
        lambda: ProceedingFactory(outcome="acquitted"),
        good=lambda: ProceedingFactory(outcome="sgo"),
    ),
    Case(
        "proceeding_end_after_start",
        lambda: ProceedingFactory(start_date=D(2018, 4, 10), end_date=D(2018, 4, 9)),
        good=lambda: ProceedingFactory(start_date=D(2018, 4, 10), end_date=D(2018, 4, 10)),
    ),
    Case(
        "life_story_one_per_start",
        lambda: twice(LifeStoryWorkFactory, "child", "start_date"),
        good=lambda: LifeStoryWorkFactory(child=LifeStoryWorkFactory().child, start_date=D(2019, 1, 1)),
    ),
    Case(
        "life_story_end_after_start",
        lambda: LifeStoryWorkFactory(start_date=D(2018, 4, 10), end_date=D(2018, 4, 9)),
        good=lambda: LifeStoryWorkFactory(start_date=D(2018, 4, 10), end_date=D(2018, 4, 10)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize(
    "factory",
    [
        CareEpisodeFactory,
        CLAReviewFactory,
        HealthAssessmentFactory,
        MissingEpisodeFactory,
        CareLeaverStatusFactory,
        AdoptionFactory,
        ProceedingFactory,
        LifeStoryWorkFactory,
    ],
)
def test_good_row_saves(factory):
    factory().full_clean()


def test_one_adoption_per_child():
    from django.db import IntegrityError, transaction

    adoption = AdoptionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionFactory(child=adoption.child)
