from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command, get_commands
from django.test import RequestFactory

from apps.accounts.models import Role
from apps.imports.management.commands import demo_setup
from apps.people.models import Child
from tests.factories import ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _request():
    # django-axes checks every authentication against its lockout record, which needs the request.
    return RequestFactory().post("/accounts/login/")


def run(*args) -> str:
    out = StringIO()
    call_command("demo_setup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def fake_generator():
    """Stands in for generate_demo: records the call and creates a team and a child as it would."""
    calls = []

    def fake_call_command(name, *args, **kwargs):
        if name != "generate_demo":  # targets and snapshots run for real
            return call_command(name, *args, **kwargs)
        calls.append((name, kwargs))
        TeamFactory(name="Alpha Team", parent__name="Alpha Service")
        ChildFactory()

    commands = {**get_commands(), "generate_demo": "apps.imports"}
    with (
        mock.patch.object(demo_setup, "call_command", fake_call_command),
        mock.patch.object(demo_setup, "get_commands", return_value=commands),
        mock.patch.object(demo_setup, "SNAPSHOT_MONTHS", 2),
    ):
        yield calls


def test_generates_the_medium_council_and_one_user_per_role(fake_generator):
    out = run()

    assert fake_generator == [("generate_demo", mock.ANY)]
    assert fake_generator[0][1]["size"] == "medium" and fake_generator[0][1]["seed"] == 20180331
    users = {u.role: u for u in get_user_model().objects.all()}
    assert set(users) == set(Role.values)
    admin = users[Role.ADMIN]
    assert admin.is_staff and admin.is_superuser
    assert not any(u.is_staff for role, u in users.items() if role != Role.ADMIN)
    assert [o.name for o in users[Role.TEAM_MANAGER].org_units.all()] == ["Alpha Team"]
    assert [o.name for o in users[Role.HEAD_OF_SERVICE].org_units.all()] == ["Alpha Service"]
    # Every printed password signs in.
    for username, _role, _first, _last, password in demo_setup.DEMO_USERS:
        assert f"{username}  " in out and password in out
        assert authenticate(_request(), username=username, password=password) is not None
    assert "http://127.0.0.1:8000" in out
    # The demo has targets, a baseline and two months of figures to show.
    from apps.kpis.models import Baseline, Snapshot, Target

    assert Target.objects.exists() and Baseline.objects.filter(active=True).exists()
    assert Snapshot.objects.values("period").distinct().count() == 2


def test_rerun_skips_generation_and_resets_passwords(fake_generator):
    run()
    user = get_user_model().objects.get(username="analyst")
    user.set_password("someone-changed-it-99")
    user.is_active = False
    user.role = Role.VIEWER
    user.save()

    out = run()

    assert len(fake_generator) == 1, "the generator runs only on an empty database"
    assert "already holds 1 child:" in out
    user.refresh_from_db()
    assert user.is_active and user.role == Role.ANALYST
    assert authenticate(_request(), username="analyst", password="demo-analyst-portal-2018") is not None
    assert get_user_model().objects.count() == len(demo_setup.DEMO_USERS)


def test_existing_children_are_not_regenerated(fake_generator):
    ChildFactory.create_batch(2)
    out = run()
    assert fake_generator == []
    assert "already holds 2 children" in out


def test_missing_generator_is_a_clear_error():
    from django.core.management.base import CommandError

    with (
        mock.patch.object(demo_setup, "get_commands", return_value={}),
        pytest.raises(CommandError, match="generate_demo"),
    ):
        run()


def test_passwords_pass_the_validators():
    from django.contrib.auth.password_validation import validate_password

    for username, role, first, last, password in demo_setup.DEMO_USERS:
        validate_password(
            password, get_user_model()(username=username, first_name=first, last_name=last, role=role)
        )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_the_real_generator_small():
    if "generate_demo" not in get_commands():
        pytest.skip("generate_demo is not available yet")
    with mock.patch.object(demo_setup, "DEMO_SIZE", "small"):
        out = run()
    assert Child.objects.exists()
    assert get_user_model().objects.get(username="manager").org_units.filter(level="team").exists()
    assert "Demo users" in out
