"""The access log page (search, CSV export; nothing editable) and the audit trail page."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import get_resolver, reverse

from apps.accounts.models import AccessLog, AuditEvent
from tests.core.test_spreadsheets import HOSTILE_CELLS
from tests.factories import AccessLogFactory, AuditEventFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def log_rows(db):
    alice = UserFactory(username="alice", role="team_manager")
    bob = UserFactory(username="bob", role="analyst")
    rows = {
        "a_list": AccessLogFactory(
            user=alice, action="list", what="child list", filters={"team": "A1"}, rows=4
        ),
        "a_child": AccessLogFactory(user=alice, action="detail", what="child CH-A"),
        "b_export": AccessLogFactory(user=bob, action="export", what='=HYPERLINK("x") export', rows=120),
    }
    # `at` is auto_now_add: set the times with an update (the model refuses a save of an existing row).
    AccessLog.objects.filter(pk=rows["a_list"].pk).update(at=datetime(2024, 3, 1, 9, 0, tzinfo=LONDON))
    AccessLog.objects.filter(pk=rows["a_child"].pk).update(at=datetime(2024, 3, 15, 9, 0, tzinfo=LONDON))
    AccessLog.objects.filter(pk=rows["b_export"].pk).update(at=datetime(2024, 4, 2, 9, 0, tzinfo=LONDON))
    return rows


def _listed(client, params):
    response = client.get(reverse("manage:accesslog"), params)
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].rows}


def test_access_log_filters(admin_client, log_rows):
    r = {k: v.pk for k, v in log_rows.items()}
    assert _listed(admin_client, {}) == set(r.values())
    assert _listed(admin_client, {"user": "alice"}) == {r["a_list"], r["a_child"]}
    assert _listed(admin_client, {"action": "export"}) == {r["b_export"]}
    assert _listed(admin_client, {"what": "CH-A"}) == {r["a_child"]}
    assert _listed(admin_client, {"since": "2024-03-10"}) == {r["a_child"], r["b_export"]}
    assert _listed(admin_client, {"since": "2024-03-01", "until": "2024-03-31"}) == {
        r["a_list"],
        r["a_child"],
    }
    assert _listed(admin_client, {"until": "2024-03-01"}) == {r["a_list"]}  # the whole of the last day


def test_access_log_bad_filter_shows_nothing(admin_client, log_rows):
    assert _listed(admin_client, {"since": "not-a-date"}) == set()


def test_access_log_csv_export(admin_client, log_rows):
    response = admin_client.get(reverse("manage:accesslog_export"), {"user": "alice"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "username", "role", "action", "what", "path", "filters", "rows", "ip"]
    assert sorted(r[4] for r in rows[1:]) == ["child CH-A", "child list"]
    listed = next(r for r in rows[1:] if r[4] == "child list")
    assert listed[0].startswith("2024-03-01T09:00:00") and listed[6] == '{"team": "A1"}' and listed[7] == "4"


def test_access_log_export_neutralises_formulas(admin_client, log_rows):
    response = admin_client.get(reverse("manage:accesslog_export"), {"action": "export"})
    [_, row] = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row[4].startswith("'=")


@pytest.mark.parametrize(("cell", "expected"), HOSTILE_CELLS)
def test_access_log_export_uses_the_shared_guard(admin_client, db, cell, expected):
    AccessLogFactory(user=None, username=cell, what=cell, path=cell, rows=0)
    response = admin_client.get(reverse("manage:accesslog_export"))
    [_, row] = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (row[1], row[4], row[5]) == (expected, expected, expected)
    assert row[7] == "0"  # a number is not text: never quoted


def test_access_log_export_refuses_bad_filters(admin_client, log_rows):
    response = admin_client.get(reverse("manage:accesslog_export"), {"until": "yesterday"})
    assert response.status_code == 400


def test_access_log_export_refused_to_non_admins(client, sign_in, personas, log_rows):
    for persona in ("analyst", "director", "viewer"):
        sign_in(client, personas[persona])
        assert client.get(reverse("manage:accesslog_export")).status_code == 403
        assert client.get(reverse("manage:accesslog")).status_code == 403


def test_access_log_rows_cannot_be_changed_or_deleted(log_rows):
    row = log_rows["a_list"]
    row.what = "nothing to see"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    assert AccessLog.objects.get(pk=row.pk).what == "child list"


def test_no_url_edits_the_access_log(admin_client, log_rows):
    manage = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "manage")
    access_log_names = [p.name for p in manage.url_patterns if "accesslog" in p.name]
    assert sorted(access_log_names) == ["accesslog", "accesslog_export"]
    pk = log_rows["a_list"].pk
    for path in (f"/manage/access-log/{pk}/", f"/manage/access-log/{pk}/delete/"):
        assert admin_client.get(path).status_code == 404
    # The list and the export only read: a POST is not allowed.
    assert admin_client.post(reverse("manage:accesslog")).status_code == 405
    assert admin_client.post(reverse("manage:accesslog_export")).status_code == 405
    assert AccessLog.objects.count() == 3


def test_django_admin_is_read_only_for_logs(client, sign_in, log_rows):
    from django.contrib import admin

    request = type("R", (), {"user": UserFactory(username="su", is_superuser=True, is_staff=True)})()
    for model in (AccessLog, AuditEvent):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_audit_trail_filters_and_detail(admin_client, admin_user):
    other = UserFactory(username="other-admin", role="admin")
    mine = AuditEventFactory(actor=admin_user, object_type="kpis.target", object_id="7", action="update")
    theirs = AuditEventFactory(
        actor=other,
        actor_username="other-admin",
        object_type="core.orgunit",
        object_id="3",
        action="create",
        object_repr="Team Z",
        before=None,
        after={"code": "Z"},
    )

    def listed(params):
        return {r.record.pk for r in admin_client.get(reverse("manage:audit"), params).context["table"].rows}

    assert listed({}) == {mine.pk, theirs.pk}
    assert listed({"actor": "other"}) == {theirs.pk}
    assert listed({"object_type": "kpis.target"}) == {mine.pk}
    assert listed({"action": "create"}) == {theirs.pk}
    assert listed({"object_type": "kpis.target", "object_id": "7"}) == {mine.pk}
    assert listed({"q": "team z"}) == {theirs.pk}

    html = admin_client.get(reverse("manage:audit_detail", args=[mine.pk])).content.decode()
    assert "85" in html and "90" in html
    assert admin_client.post(reverse("manage:audit_detail", args=[mine.pk])).status_code == 405


def test_audit_events_are_written_in_the_change_transaction(admin_user, la):
    """A change that fails after its audit event was written leaves neither."""
    from django.db import IntegrityError, transaction

    from apps.kpis import services_admin
    from apps.kpis.models import Target

    with pytest.raises(IntegrityError), transaction.atomic():
        services_admin.record_create(
            actor=admin_user,
            model=Target,
            data={"measure": "cin.visits_in_time", "financial_year": 2024, "org_unit": la, "value": 1},
        )
        raise IntegrityError("something later in the same change failed")
    assert not Target.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_refused(admin_user, la):
    from apps.accounts import audit

    with pytest.raises(RuntimeError):
        audit.record(actor=admin_user, action="update", obj=la, before={}, after={})
