"""The Django admin is an operator's console, not a side door (apps/accounts/admin_site.py): no child-level
record, no user, password or second factor, and no write to what /manage/ or the importers own.

The child-level models are found from the models themselves (a child, anything that points at one, anything
holding a person's details, and anything that points at those), so a record admin added later fails here."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, URLResolver, reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.core.services import ensure_la
from apps.people.models import Child
from tests import factories

pytestmark = pytest.mark.django_db

# Fields that describe a person: a model with one holds someone's personal data.
PERSONAL_FIELDS = {"given_name", "family_name", "date_of_birth", "expected_date_of_birth"}
# Holds no personal field itself, but is a Families First family: its admin listed the members inline.
PEOPLE_RECORDS = {"workforce.Family"}
# The world fixture's children (tests/conftest.py): names and IDs that must not show in the admin.
CHILD_DATA = re.compile(r"\b(Alice|Ash|Amir|Alder|Birch|Cara|Cedar|CH-A|CH-A2|CH-B|CH-C)\b|alert\(1\)")


def child_level_models() -> set:
    """people.Child, every model holding a person's details, the PEOPLE_RECORDS, and (to a fixed point)
    every model with a relation to one of those: a record that points at a child names that child."""
    every = apps.get_models()
    found = {Child, *(apps.get_model(label) for label in PEOPLE_RECORDS)}
    found |= {m for m in every if PERSONAL_FIELDS & {f.name for f in m._meta.concrete_fields}}
    while True:
        more = {
            m
            for m in every
            if m not in found
            and any(f.is_relation and f.concrete and f.related_model in found for f in m._meta.get_fields())
        }
        if not more:
            return found
        found |= more


CHILD_LEVEL = sorted(child_level_models(), key=lambda m: m._meta.label)
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def label(model) -> str:
    return model._meta.label


def admin_url(model, suffix="") -> str:
    return f"{reverse('admin:index')}{model._meta.app_label}/{model._meta.model_name}/{suffix}"


@pytest.fixture
def no_sidebar(monkeypatch):
    # The sidebar lists every model on every page: most of the rendering time, and shown by the index.
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)


@pytest.fixture
def admin_user(db):
    return factories.AdminUserFactory()


@pytest.fixture
def superuser_client(client, login, admin_user, no_sidebar):
    # The admin site requires a session verified by a second factor.
    login(client, admin_user)
    return client


@pytest.fixture
def other_device(db):
    """Another user's authenticator: its secret must never show in the admin."""
    return TOTPDevice.objects.create(user=factories.UserFactory(username="someone-else"), name="phone")


def secrets_of(device) -> list[str]:
    b32 = base64.b32encode(device.bin_key).decode()
    return [device.key, device.key.upper(), b32, b32.rstrip("=")]


@pytest.fixture
def objects(world):
    """One row of every registered model (its factory's, or one the migrations seeded), beside the world
    fixture's children and records."""
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    ensure_la()
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude="51.5", longitude="-0.1")
    out = {}
    for model, _model_admin in REGISTERED:
        factory = factories.FACTORIES.get(model)
        out[model] = factory() if factory else model.objects.order_by("pk").first()
    return out


OBJECT_ID = re.compile(r"<(\w+:)?(object_id|pk|id)>")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def every_admin_url(objects) -> list[str]:
    """Every page of the admin site a GET can open: the site's own, each app's index, and every URL each
    model admin declares (changelist, add, change, history, delete and whatever extra pages a third-party
    admin adds, such as django-otp's config/ and qrcode/), object IDs filled from `objects`. Logout is left
    out: it would end the session."""
    root = reverse("admin:index")
    urls = [root, reverse("admin:password_change"), reverse("admin:jsi18n"), reverse("admin:autocomplete")]
    urls += [reverse("admin:app_list", args=[a]) for a in sorted({m._meta.app_label for m, _ in REGISTERED})]
    for model, model_admin in REGISTERED:
        obj = objects.get(model)
        for route, _pattern in walk(model_admin.get_urls()):
            if OBJECT_ID.search(route):
                if obj is None:
                    continue
                route = OBJECT_ID.sub(quote(str(obj.pk)), route)
            assert "<" not in route, f"teach every_admin_url to fill {admin_url(model, route)}"
            urls.append(admin_url(model, route))
    site_routes = {route for route, pattern in walk(admin.site.get_urls()) if pattern.name}
    known = {"", "login/", "logout/", "password_change/", "autocomplete/", "jsi18n/"}
    unknown = {
        r for r in site_routes if "/" not in r.rstrip("/") and r not in known and not r.startswith("^")
    }
    assert not unknown, f"teach every_admin_url about the admin site's pages {unknown}"
    return urls


# --- (a) no child-level data ---------------------------------------------------------------------------


def test_the_child_level_models_are_found():
    found = {label(m) for m in CHILD_LEVEL}
    assert found >= {
        "people.Child",
        "frontdoor.Contact",
        "frontdoor.Referral",
        "assessments.S47Enquiry",
        "plans.Visit",
        "care.CareEpisode",
        "care.LifeStoryWork",
        "workforce.Allocation",
        "workforce.Supervision",
        "workforce.Audit",
        "workforce.Family",
        "workforce.FamilyMember",
    }
    # Records a child's record points at are not themselves a child's.
    assert not found & {"core.OrgUnit", "workforce.Worker", "workforce.Post", "accounts.User"}


def test_no_child_level_model_is_registered():
    assert [label(m) for m in CHILD_LEVEL if admin.site.is_registered(m)] == []
    names = {pattern.name for _route, pattern in walk(admin.site.get_urls()) if pattern.name}
    for model in CHILD_LEVEL:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        assert not [n for n in names if n.startswith(prefix)], label(model)
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{prefix}changelist")


def test_every_child_level_admin_url_is_404(superuser_client, objects):
    problems = []
    for model in CHILD_LEVEL:
        obj = model.objects.order_by("pk").first()
        pk = quote(str(obj.pk)) if obj else "1"
        for suffix in ("", "add/", f"{pk}/", f"{pk}/change/", f"{pk}/delete/", f"{pk}/history/"):
            url = admin_url(model, suffix)
            status = superuser_client.get(url).status_code
            if status != 404:
                problems.append(f"{url}: {status}")
    for app_label in {m._meta.app_label for m in CHILD_LEVEL}:
        if not any(m._meta.app_label == app_label for m, _ in REGISTERED):
            url = reverse("admin:index") + f"{app_label}/"
            if (status := superuser_client.get(url).status_code) != 404:
                problems.append(f"{url}: {status}")
    assert not problems, "\n".join(problems)


def test_autocomplete_reaches_no_child(superuser_client, world):
    """The admin's autocomplete answers only for fields of registered admins, towards registered admins: no
    field of any model reaches a child through it."""
    url = reverse("admin:autocomplete")
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in set(CHILD_LEVEL):
                params = {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "A",
                }
                response = superuser_client.get(url, params)
                assert response.status_code in (403, 404), (label(model), field.name, response.status_code)


def test_every_admin_page_opens_and_shows_no_child_or_second_factor(superuser_client, objects, other_device):
    """Walks every URL of the admin site with a row of every registered model and the world's children
    held: each opens (200, a redirect, or 403 for a read-only admin's add/delete), and none shows a child's
    name or ID, nor the secret of any authenticator (another user's, or the admin's own)."""
    secrets = [s for device in TOTPDevice.objects.all() for s in secrets_of(device)]
    assert set(secrets_of(other_device)) <= set(secrets)
    problems = []
    for url in every_admin_url(objects):
        response = superuser_client.get(url)
        if response.status_code not in (200, 302, 403):
            problems.append(f"{url}: status {response.status_code}")
            continue
        body = response.content.decode(errors="replace")
        leaked = [m.group(0) for m in CHILD_DATA.finditer(body)]
        if leaked:
            problems.append(f"{url}: child data {leaked}")
        if any(s in body for s in secrets):
            problems.append(f"{url}: a TOTP secret")
        if b"otpauth://" in response.content:
            problems.append(f"{url}: an authenticator setup URL")
    assert not problems, "\n".join(problems)


# --- (b) no second factor ------------------------------------------------------------------------------


def test_no_device_admin_and_otp_urls_are_404(superuser_client, other_device):
    assert [label(m) for m, _ in REGISTERED if issubclass(m, Device)] == []
    problems = []
    pk = other_device.pk
    for suffix in ("", "add/", f"{pk}/", f"{pk}/change/", f"{pk}/config/", f"{pk}/qrcode/", f"{pk}/delete/"):
        url = admin_url(TOTPDevice, suffix)
        if (status := superuser_client.get(url).status_code) != 404:
            problems.append(f"{url}: {status}")
    response = superuser_client.post(
        admin_url(TOTPDevice, "add/"), {"user": other_device.user_id, "name": "x"}
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=other_device.user).count() == 1
    assert not problems, "\n".join(problems)


# --- (c) no users, groups or passwords -----------------------------------------------------------------


def test_the_admin_sets_no_password(superuser_client, admin_user):
    victim = factories.UserFactory(username="victim")
    before = User.objects.get(pk=victim.pk).password
    url = admin_url(User, f"{victim.pk}/password/")
    assert superuser_client.get(url).status_code == 404
    new = "An0ther-long-passphrase!"
    response = superuser_client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.password == before and not victim.check_password(new)
    # Nor the admin's own: the site's password page is the portal's.
    response = superuser_client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = superuser_client.post(
        reverse("admin:password_change"),
        {"old_password": "correct-horse-battery-staple", "new_password1": new, "new_password2": new},
    )
    admin_user.refresh_from_db()
    assert response.status_code == 302 and not admin_user.check_password(new)


def test_no_user_or_group_admin(superuser_client):
    assert not admin.site.is_registered(User) and not admin.site.is_registered(Group)
    victim = factories.UserFactory(username="victim")
    for url in (
        admin_url(User),
        admin_url(User, "add/"),
        admin_url(User, f"{victim.pk}/change/"),
        admin_url(Group),
        admin_url(Group, "add/"),
    ):
        assert superuser_client.get(url).status_code == 404, url
    response = superuser_client.post(admin_url(User, f"{victim.pk}/change/"), {"is_superuser": "on"})
    assert response.status_code == 404
    victim.refresh_from_db()
    assert not victim.is_superuser and not victim.is_staff


# --- (d) what remains ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[label(m) for m, _ in REGISTERED])
def test_changelist_add_and_change_open(superuser_client, rf, model, model_admin):
    ensure_la()
    factory = factories.FACTORIES.get(model)
    obj = factory() if factory else model.objects.order_by("pk").first()
    opts = model._meta

    response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200

    request = rf.get("/")
    request.user = response.wsgi_request.user
    add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    expected = 200 if model_admin.has_add_permission(request) else 403
    assert superuser_client.get(add_url).status_code == expected

    if obj is not None:
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert superuser_client.get(change_url).status_code == 200


def test_portal_data_is_read_only_in_the_admin(rf, admin_user):
    """Only the operators' own machinery (the beat schedule) is written in the admin: the portal's rows are
    written by /manage/ (audited), the importers and the snapshot engine, and django-axes' login records by
    the sign-in (an unlock is /manage/'s)."""
    request = rf.get("/")
    request.user = admin_user
    writable = sorted(
        label(m)
        for m, model_admin in REGISTERED
        if model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )
    assert all(name.startswith("django_celery_beat.") for name in writable), writable
    assert all(
        not model_admin.get_actions(request) for m, model_admin in REGISTERED if label(m) not in writable
    )


def test_changelist_search_and_filters(superuser_client):
    worker = factories.WorkerFactory(team=factories.TeamFactory())
    url = reverse("admin:workforce_worker_changelist")
    response = superuser_client.get(url, {"q": worker.worker_id})
    assert response.status_code == 200 and worker.worker_id in response.content.decode()
    response = superuser_client.get(url, {"team__id__exact": worker.team_id})
    assert response.status_code == 200 and worker.worker_id in response.content.decode()


def test_import_runs_are_read_only(superuser_client):
    run = factories.ImportRunFactory()
    change_url = reverse("admin:imports_importrun_change", args=[run.pk])
    response = superuser_client.get(change_url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    delete_url = reverse("admin:imports_importrun_delete", args=[run.pk])
    assert superuser_client.get(delete_url).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(run).objects.filter(pk=run.pk).exists()


def test_every_model_is_in_the_admin_or_deliberately_not_and_has_a_factory():
    ours = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    from apps.accounts.models import ApiToken

    # API keys are credentials: made and revoked by `api_token` and /manage/, never listed in the admin.
    left_out = set(CHILD_LEVEL) | {User, ApiToken}
    assert [label(m) for m in ours if m not in admin.site._registry and m not in left_out] == []
    assert [label(m) for m in ours if m not in factories.FACTORIES] == []


def test_an_import_runs_errors_show_without_their_values(superuser_client):
    """A refused children.csv row's value can be a child's name or date of birth; the admin is not a logged
    child-level page, so it shows where and why, not the value."""
    run = factories.ImportRunFactory(
        status="failed",
        error_count=1,
        errors=[
            {
                "file": "children.csv",
                "row": 7,
                "column": "date_of_birth",
                "value": "Zebedee Quint 2099-01-01",
                "reason": "a date of birth after the day of the import",
            }
        ],
    )
    body = superuser_client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert "children.csv line 7 column date_of_birth" in body and "after the day of the import" in body
    assert "Zebedee" not in body and "2099" not in body
