import pytest

from apps.accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture
def sign_in(request):
    """`sign_in(client, user)`: the suite's OTP-verified `login` helper where it exists, else force_login."""
    try:
        return request.getfixturevalue("login")
    except pytest.FixtureLookupError:
        return lambda client, user: client.force_login(user)


@pytest.fixture
def admin_user(la):
    return UserFactory(username="boss", role=Role.ADMIN, first_name="Bea", last_name="Boss")


@pytest.fixture
def admin_client(client, sign_in, admin_user):
    sign_in(client, admin_user)
    return client
