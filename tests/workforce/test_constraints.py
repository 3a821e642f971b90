from datetime import date
from decimal import Decimal

import pytest

from tests.constraint_cases import Case, check_case, twice
from tests.factories import (
    AllocationFactory,
    AuditFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PostFactory,
    SupervisionFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

D = date

CASES = [
    Case("worker_id_not_blank", lambda: WorkerFactory(worker_id="")),
    Case(
        "worker_employment_valid",
        lambda: WorkerFactory(employment="zero_hours"),
        good=lambda: WorkerFactory(employment=""),
    ),
    Case(
        "worker_fte_range",
        lambda: WorkerFactory(fte=Decimal("0")),
        good=lambda: WorkerFactory(fte=Decimal("0.01")),
    ),
    Case(
        "worker_fte_range",
        lambda: WorkerFactory(fte=Decimal("2.01")),
        good=lambda: WorkerFactory(fte=Decimal("2")),
    ),
    Case(
        "worker_end_after_start",
        lambda: WorkerFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 2)),
        good=lambda: WorkerFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 3)),
    ),
    Case("post_id_not_blank", lambda: PostFactory(post_id="")),
    Case(
        "post_status_valid", lambda: PostFactory(status="frozen"), good=lambda: PostFactory(status="vacant")
    ),
    Case("post_status_valid", lambda: PostFactory(status=""), note="blank"),
    Case("post_fte_range", lambda: PostFactory(fte=Decimal("-1")), good=lambda: PostFactory(fte=None)),
    Case(
        "post_end_after_start",
        lambda: PostFactory(start_date=D(2018, 4, 3), end_date=D(2018, 3, 31)),
        good=lambda: PostFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 3)),
    ),
    Case("allocation_id_not_blank", lambda: AllocationFactory(allocation_id="")),
    Case(
        "allocation_end_after_start",
        lambda: AllocationFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 2)),
        good=lambda: AllocationFactory(start_date=D(2018, 4, 3), end_date=D(2018, 4, 3)),
    ),
    Case("supervision_id_not_blank", lambda: SupervisionFactory(supervision_id="")),
    Case(
        "supervision_kind_valid",
        lambda: SupervisionFactory(kind="peer"),
        good=lambda: SupervisionFactory(kind="group"),
    ),
    Case("supervision_kind_valid", lambda: SupervisionFactory(kind=""), note="blank"),
    Case("audit_id_not_blank", lambda: AuditFactory(audit_id="")),
    Case("audit_kind_valid", lambda: AuditFactory(kind="random"), good=lambda: AuditFactory(kind="thematic")),
    Case("audit_grade_valid", lambda: AuditFactory(grade="excellent"), good=lambda: AuditFactory(grade="")),
    Case(
        "audit_oversight_grade_valid",
        lambda: AuditFactory(oversight_grade="poor"),
        good=lambda: AuditFactory(oversight_grade="outstanding"),
    ),
    Case("family_id_not_blank", lambda: FamilyFactory(family_id="")),
    Case(
        "family_outcome_after_attached",
        lambda: FamilyFactory(attached_date=D(2018, 4, 3), outcome_met_date=D(2018, 4, 2)),
        good=lambda: FamilyFactory(attached_date=D(2018, 4, 3), outcome_met_date=D(2018, 4, 3)),
    ),
    Case(
        "family_claim_after_attached",
        lambda: FamilyFactory(attached_date=D(2018, 4, 3), claimed_date=D(2017, 4, 3)),
        good=lambda: FamilyFactory(attached_date=D(2018, 4, 3), claimed_date=D(2018, 4, 3)),
    ),
    Case(
        "family_member_unique",
        lambda: twice(FamilyMemberFactory, "family", "person_id"),
        good=lambda: FamilyMemberFactory(
            person_id=FamilyMemberFactory().person_id
        ),  # same person, other family
        note="duplicate person in a family",
    ),
    Case("family_member_id_not_blank", lambda: FamilyMemberFactory(person_id="")),
    Case(
        "family_member_role_valid",
        lambda: FamilyMemberFactory(role="pet"),
        good=lambda: FamilyMemberFactory(role="child"),
    ),
    Case("family_member_role_valid", lambda: FamilyMemberFactory(role=""), note="blank"),
    Case(
        "family_member_sex_valid",
        lambda: FamilyMemberFactory(sex="Q"),
        good=lambda: FamilyMemberFactory(sex=""),
    ),
    Case(
        "family_member_ethnicity_valid",
        lambda: FamilyMemberFactory(ethnicity="XXXX"),
        good=lambda: FamilyMemberFactory(ethnicity="NOBT"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize(
    "factory",
    [
        WorkerFactory,
        PostFactory,
        AllocationFactory,
        SupervisionFactory,
        AuditFactory,
        FamilyFactory,
        FamilyMemberFactory,
    ],
)
def test_good_row_saves(factory):
    factory().full_clean()
