"""Every /manage/ page, found from the URL conf so a new one cannot be missed: admins only. Anonymous users
are sent to sign in; every other role gets 403, for GET and POST alike, before any object is looked up."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

# A value for each URL keyword; the objects behind the pks are created by `objects` below for the admin run.
SAMPLE_KWARGS = {"action": "deactivate", "level": "team", "code": "cin.visits_in_time"}


def _manage_patterns():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "manage":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern) and pattern.name, pattern
                yield pattern


PATTERNS = sorted(_manage_patterns(), key=lambda p: p.name)
NAMES = [p.name for p in PATTERNS]


def test_patterns_found():
    assert {"index", "users", "accesslog", "accesslog_export", "audit"} <= set(NAMES)
    assert len(NAMES) >= 25


@pytest.fixture
def objects(world, admin_user):
    target = factories.TargetFactory(measure="cin.visits_in_time", org_unit=world["teams"]["A1"])
    return {
        "user_edit": factories.UserFactory(username="someone").pk,
        "user_action": factories.UserFactory(username="someone-else").pk,
        "orgunit_edit": world["teams"]["A1"].pk,
        "target_edit": target.pk,
        "target_delete": target.pk,
        "benchmark_edit": factories.BenchmarkFactory(measure="cin.visits_in_time").pk,
        "benchmark_delete": factories.BenchmarkFactory(measure="cp.visits_in_time").pk,
        "entered_edit": factories.EnteredMeasureFactory(kpi_code="yot.custody").pk,
        "entered_delete": factories.EnteredMeasureFactory(kpi_code="yot.cohort").pk,
        "audit_detail": factories.AuditEventFactory(actor=admin_user).pk,
        "apikey_revoke": factories.ApiTokenFactory().pk,
        "recipient_edit": factories.BookletRecipientFactory().pk,
        "recipient_delete": factories.BookletRecipientFactory().pk,
        "timescale_edit": _timescale_pk(),
        **_layout_objects(),
    }


def _timescale_pk():
    """A case-tracking timescale (seeded by its data migration; a flushed database gets it back here)."""
    from apps.scorecards.models import Timescale

    return Timescale.objects.get_or_create(
        kind="assessment", defaults={"first_amount": 45, "first_unit": "working_days", "due_soon": 10}
    )[0].pk


def _layout_objects():
    """pks for the scorecard-layout pages: the booklet layout (from its data migration), a section, a row."""
    from apps.scorecards.models import LayoutRow, ScorecardLayout

    layout = ScorecardLayout.objects.get(slug="booklet")
    row = LayoutRow.objects.filter(section__layout=layout).select_related("section").first()
    return {
        **{
            name: layout.pk
            for name in ("layout_detail", "layout_edit", "layout_delete", "layout_section_new")
        },
        **{
            name: row.section_id
            for name in (
                "layout_section_edit",
                "layout_section_delete",
                "layout_section_move",
                "layout_row_new",
            )
        },
        **{name: row.pk for name in ("layout_row_edit", "layout_row_delete", "layout_row_move")},
    }


def _url(pattern, objects=None):
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = (objects or {}).get(pattern.name, 999999)
        else:
            kwargs[key] = SAMPLE_KWARGS[key]
    return reverse(f"manage:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_anonymous_is_sent_to_sign_in(client, pattern):
    for method in (client.get, client.post):
        response = method(_url(pattern))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["viewer", "manager_a1", "head_a", "analyst", "director"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_other_roles_are_refused(client, sign_in, personas, objects, persona, pattern):
    sign_in(client, personas[persona])
    url = _url(pattern, objects)
    assert client.get(url).status_code == 403
    assert client.post(url, {"is_active": "", "role": "admin"}).status_code == 403
    assert not AuditEvent.objects.exclude(pk=objects["audit_detail"]).exists()


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_admin_opens_every_page(admin_client, objects, pattern):
    response = admin_client.get(_url(pattern, objects))
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get("Cache-Control", "")


def test_inactive_admin_is_refused(client, sign_in, admin_user):
    sign_in(client, admin_user)
    admin_user.is_active = False
    admin_user.save()
    response = client.get(reverse("manage:users"))
    assert response.status_code in (302, 403)


def test_admin_link_in_nav_for_admins_only(client, sign_in, personas, admin_client):
    assert reverse("manage:index") in admin_client.get(reverse("home")).content.decode()
    sign_in(client, personas["director"])
    assert reverse("manage:index") not in client.get(reverse("home")).content.decode()


def test_pages_have_no_inline_script_or_style(admin_client, objects):
    for pattern in PATTERNS:
        if pattern.name == "accesslog_export":
            continue
        html = admin_client.get(_url(pattern, objects)).content.decode()
        assert "<script" not in html and "style=" not in html and "<style" not in html, pattern.name


def test_list_pages_cap_their_page_size(admin_client):
    """The access log grows as long as the child list: ?per_page= is capped as on /children/
    (apps.core.views.CappedTablePagination), and nonsense falls back to the default page, never an error."""
    from apps.core.views import CappedTablePagination

    factories.AccessLogFactory.create_batch(CappedTablePagination.MAX_PER_PAGE + 5)
    expected = {"40000": CappedTablePagination.MAX_PER_PAGE, "-1": 50, "0": 50, "abc": 50, "7": 7}
    for per_page, rows in expected.items():
        response = admin_client.get(reverse("manage:accesslog"), {"per_page": per_page, "page": "x"})
        assert response.status_code == 200
        assert len(response.context["table"].page.object_list) == rows, per_page
