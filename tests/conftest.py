from datetime import date

import pytest


@pytest.fixture
def la(db):
    from apps.core.services import ensure_la

    return ensure_la()


@pytest.fixture
def world(db):
    """Two services; team A1 and A2 in service A, team B1 in service B. Child `a` is held by A1, `a2` by A2,
    `b` by B1 (named with script to test escaping), `contact_only` has only a contact recorded by A1."""
    from tests.factories import AllocationFactory, ChildFactory, ContactFactory, ServiceFactory, TeamFactory

    svc_a, svc_b = ServiceFactory(code="SA", name="Service A"), ServiceFactory(code="SB", name="Service B")
    a1 = TeamFactory(code="A1", name="Team A1", parent=svc_a)
    a2 = TeamFactory(code="A2", name="Team A2", parent=svc_a)
    b1 = TeamFactory(code="B1", name="Team B1", parent=svc_b)
    a = ChildFactory(child_id="CH-A", given_name="Alice", family_name="Ash")
    a2_child = ChildFactory(child_id="CH-A2", given_name="Amir", family_name="Alder")
    b = ChildFactory(child_id="CH-B", given_name="<script>alert(1)</script>", family_name="Birch")
    contact_only = ChildFactory(child_id="CH-C", given_name="Cara", family_name="Cedar")
    AllocationFactory(allocation_id="AL-A", child=a, team=a1, start_date=date(2018, 1, 1))
    AllocationFactory(allocation_id="AL-A2", child=a2_child, team=a2, start_date=date(2018, 1, 1))
    AllocationFactory(allocation_id="AL-B", child=b, team=b1, start_date=date(2018, 1, 1))
    ContactFactory(contact_id="CO-C", child=contact_only, team=a1)
    return {
        "services": {"A": svc_a, "B": svc_b},
        "teams": {"A1": a1, "A2": a2, "B1": b1},
        "children": {"a": a, "a2": a2_child, "b": b, "contact_only": contact_only},
    }


@pytest.fixture
def personas(world):
    """One user per persona of the access rules (product.md)."""
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    t, s = world["teams"], world["services"]
    return {
        "viewer": UserFactory(username="p-viewer", role=Role.VIEWER),
        "manager_a1": UserFactory(username="p-manager-a1", role=Role.TEAM_MANAGER, org_units=[t["A1"]]),
        "manager_b1": UserFactory(username="p-manager-b1", role=Role.TEAM_MANAGER, org_units=[t["B1"]]),
        "head_a": UserFactory(username="p-head-a", role=Role.HEAD_OF_SERVICE, org_units=[s["A"]]),
        "director": UserFactory(username="p-director", role=Role.DIRECTOR),
        "analyst": UserFactory(username="p-analyst", role=Role.ANALYST),
        "admin": UserFactory(username="p-admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }


def otp_login(client, user):
    """Sign `user` in on the test client as the portal's sign-in would leave them: logged in and, for anyone
    who needs two-factor (every child-level role, staff), verified by a confirmed TOTP device. Use it instead
    of client.force_login, which TwoFactorRequiredMiddleware would send to the OTP step."""
    import time

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import otp

    client.force_login(user)
    session = client.session
    session[otp.SESSION_LAST_ACTIVITY] = int(time.time())
    if otp.needs_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test authenticator", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


@pytest.fixture
def login(db):
    """`login(client, user)`: sign in with a verified second factor where the user needs one (otp_login)."""
    return otp_login


def pytest_collection_modifyitems(config, items):
    """Mark every test that commits to the database (transaction=True, live_server) as `transactional`.
    Such a test ends by flushing every table, which also removes rows the migrations seed (the working-day
    calendar, the beat schedule) that later tests in the same worker rely on; `make test` therefore runs
    them in a second pass of their own. Marking here means a new transactional test cannot be missed."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        names = set(getattr(item, "fixturenames", ()))
        if (marker and marker.kwargs.get("transaction")) or names & {"live_server", "transactional_db"}:
            item.add_marker(pytest.mark.transactional)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's pages kept (the home page's table summary)
    is never another test's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
