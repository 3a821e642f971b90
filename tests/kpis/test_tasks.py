"""Celery tasks run in-process here (CELERY_TASK_ALWAYS_EAGER); tests/kpis/test_celery_redis.py runs a real
worker and beat against a real Redis."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django_celery_beat.models import PeriodicTask

from apps.core.periods import Period
from apps.frontdoor.models import Contact
from apps.kpis import services, tasks
from apps.kpis.models import Backfill, PeriodState, Snapshot
from apps.people.models import Child

LDN = ZoneInfo("Europe/London")


@pytest.fixture
def contacts(org):
    child = Child.objects.create(child_id="K1", sex="F", date_of_birth=date(2010, 1, 1))
    for i, (m, d) in enumerate([(1, 5), (2, 5), (3, 5), (3, 6)]):
        Contact.objects.create(
            contact_id=f"c{i}", child=child, received_at=datetime(2018, m, d, 9, tzinfo=LDN), team=org["T1"]
        )


def la_contacts(period):
    return list(
        Snapshot.objects.filter(
            measure="fd.contacts", period=period, basis="month", org_unit__level="la"
        ).values_list("version", "numerator")
    )


def test_beat_schedule_seeded_by_migration(db):
    tasks_by_name = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks_by_name["Refresh the open month"] == "apps.kpis.tasks.refresh_open_month"
    assert tasks_by_name["Freeze last month"] == "apps.kpis.tasks.freeze_previous_month"


def test_refresh_open_month_and_freeze(contacts, monkeypatch):
    # 3 April 2018 is March's freeze day (2 April was Easter Monday).
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2018, 4, 2))
    assert tasks.refresh_open_month.delay().get() == ["2018-03", "2018-04"]
    assert la_contacts("2018-03") == [(1, 2)]
    assert tasks.freeze_previous_month.delay().get() is None  # too early
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2018, 4, 3))
    assert tasks.refresh_open_month.delay().get() == ["2018-04"]  # March no longer refreshed
    assert tasks.freeze_previous_month.delay().get() == "2018-03"
    assert PeriodState.objects.get(period="2018-03").frozen_at is not None
    assert tasks.freeze_previous_month.delay().get() is None  # idempotent


def test_snapshot_period_fans_out_by_section(contacts):
    tasks.snapshot_period.delay("2018-03").get()
    assert la_contacts("2018-03") == [(1, 2)]
    assert Snapshot.objects.filter(period="2018-03").values("measure").distinct().count() > 5


def test_backfill_resumes_after_interruption(contacts, monkeypatch):
    real = services.snapshot_all
    calls = []

    def flaky(*, period, **kw):
        calls.append(str(period))
        if str(period) == "2018-02" and calls.count("2018-02") == 1:
            raise KeyboardInterrupt("worker killed")
        return real(period=period, **kw)

    monkeypatch.setattr(services, "snapshot_all", flaky)
    with pytest.raises(KeyboardInterrupt):
        tasks.backfill.delay("2018-01", "2018-03").get()
    job = Backfill.objects.get()
    assert job.next_period == "2018-02" and job.status == "running"
    tasks.backfill.delay("2018-01", "2018-03").get()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.next_period == "2018-04"
    assert calls == ["2018-01", "2018-02", "2018-02", "2018-03"]  # January not recomputed
    assert [la_contacts(p) for p in ("2018-01", "2018-02", "2018-03")] == [[(1, 1)], [(1, 1)], [(1, 2)]]
    # No duplicates: one row per key and version.
    keys = Snapshot.objects.values_list(
        "measure", "period", "basis", "org_unit", "dimension", "breakdown", "version"
    )
    assert len(keys) == len(set(keys))


def test_backfill_command_rejects_reversed_range(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="after"):
        call_command("backfill", "--from", "2018-03", "--to", "2018-01")
    assert Period(2018, 1) < Period(2018, 3)
