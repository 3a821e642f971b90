"""Smoke test: every registered admin's changelist and add page open for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.core.services import ensure_la
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client, login):
    # The admin site requires a session verified by a second factor.
    login(client, factories.AdminUserFactory())
    return client


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_changelist_and_add_open(superuser_client, rf, monkeypatch, model, model_admin):
    # The sidebar lists every model on every page: two thirds of the rendering time, and covered by the
    # other tests here.
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)
    ensure_la()
    factory = factories.FACTORIES.get(model)
    obj = factory() if factory else None
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


def test_changelist_search_and_filters(superuser_client):
    contact = factories.ContactFactory(team=factories.TeamFactory())
    url = reverse("admin:frontdoor_contact_changelist")
    response = superuser_client.get(url, {"q": contact.child.child_id})
    assert response.status_code == 200 and contact.contact_id in response.content.decode()
    response = superuser_client.get(url, {"team__id__exact": contact.team_id, "outcome": "csc_referral"})
    assert response.status_code == 200 and contact.contact_id in response.content.decode()


def test_import_runs_are_read_only(superuser_client):
    run = factories.ImportRunFactory()
    change_url = reverse("admin:imports_importrun_change", args=[run.pk])
    response = superuser_client.get(change_url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    delete_url = reverse("admin:imports_importrun_delete", args=[run.pk])
    assert superuser_client.get(delete_url).status_code == 403


def test_every_model_has_an_admin_and_a_factory():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    assert [m._meta.label for m in ours if m not in admin.site._registry] == []
    assert [m._meta.label for m in ours if m not in factories.FACTORIES] == []
