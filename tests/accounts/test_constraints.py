import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import AccessLogFactory, AdminUserFactory, ApiTokenFactory, UserFactory

pytestmark = pytest.mark.django_db

CASES = [
    Case("user_role_valid", lambda: UserFactory(role="superhero"), good=lambda: UserFactory(role="analyst")),
    Case("user_role_valid", lambda: UserFactory(role=""), note="blank role"),
    Case(
        "access_action_valid",
        lambda: AccessLogFactory(action="peek"),
        good=lambda: AccessLogFactory(action="export"),
    ),
    Case(
        "api_token_name_not_blank", lambda: ApiTokenFactory(name=""), good=lambda: ApiTokenFactory(name="x")
    ),
    Case(
        "api_token_hash_hex",
        lambda: ApiTokenFactory(key_hash="pp_the-key-itself-not-its-hash"),
        good=lambda: ApiTokenFactory(key_hash="a" * 64),
        note="the key stored instead of its hash",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize("factory", [UserFactory, AdminUserFactory])
def test_good_row_saves(factory):
    factory().full_clean()
