"""Celery tasks run in-process here (CELERY_TASK_ALWAYS_EAGER); tests/kpis/test_celery_redis.py runs a real
worker and beat against a real Redis."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_celery_beat.models import PeriodicTask

from apps.core.periods import Period
from apps.frontdoor.models import Contact
from apps.kpis import services, tasks
from apps.kpis.models import Backfill, PeriodState, Snapshot, SnapshotRun
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


def test_backfill_workers_share_months_and_resume_their_own(contacts):
    """Two workers on one job: each claims the next month nobody holds; a redelivered worker takes back the
    month it held; the worker finishing the last month marks the job done."""
    job = services.backfill_start(first=Period(2018, 1), last=Period(2018, 3))
    assert str(services._claim(job.pk, "a")) == "2018-01"
    assert str(services._claim(job.pk, "b")) == "2018-02"
    assert str(services._claim(job.pk, "a")) == "2018-01"  # a was redelivered: its own month again
    services._finish(job.pk, Period(2018, 1))
    assert str(services._claim(job.pk, "a")) == "2018-03"
    assert services._claim(job.pk, "c") is None  # nothing left unclaimed
    job = services._finish(job.pk, Period(2018, 3))
    assert job.status == "running" and job.next_period == "2018-02"
    assert {m: c["worker"] for m, c in job.claims.items()} == {"2018-02": "b"}
    job = services._finish(job.pk, Period(2018, 2))
    assert job.status == "succeeded" and job.next_period == "2018-04" and job.claims == {}
    assert sorted(job.done) == ["2018-01", "2018-02", "2018-03"]


def test_backfill_with_more_workers_computes_each_month_once(contacts):
    tasks.backfill.delay("2018-01", "2018-03", workers=3).get()
    job = Backfill.objects.get()
    assert job.status == "succeeded" and sorted(job.done) == ["2018-01", "2018-02", "2018-03"]
    runs = SnapshotRun.objects.filter(trigger=f"backfill #{job.pk}").values_list("period", flat=True)
    assert sorted(runs) == ["2018-01", "2018-02", "2018-03"]
    assert [la_contacts(p) for p in ("2018-01", "2018-02", "2018-03")] == [[(1, 1)], [(1, 1)], [(1, 2)]]


def test_resuming_a_backfill_drops_the_interrupted_runs_claims(contacts):
    job = services.backfill_start(first=Period(2018, 1), last=Period(2018, 2))
    services._claim(job.pk, "killed-worker")
    job = services.backfill_start(first=Period(2018, 1), last=Period(2018, 2))
    assert job.claims == {}
    assert str(services._claim(job.pk, "new-worker")) == "2018-01"


def test_a_claim_older_than_the_lease_is_taken_over(contacts):
    """A worker that died and was never redelivered does not hold its month for ever."""
    job = services.backfill_start(first=Period(2018, 1), last=Period(2018, 1))
    start = datetime(2026, 1, 5, 9, tzinfo=LDN)
    assert str(services._claim(job.pk, "gone", now=start)) == "2018-01"
    assert services._claim(job.pk, "other", now=start + services.CLAIM_LEASE / 2) is None  # still held
    taken = services._claim(job.pk, "other", now=start + services.CLAIM_LEASE + timedelta(seconds=1))
    assert str(taken) == "2018-01"
    job.refresh_from_db()
    assert job.claims["2018-01"]["worker"] == "other"
    from django.contrib import admin

    from apps.kpis.admin import BackfillAdmin

    shown = BackfillAdmin(Backfill, admin.site).in_progress(job)
    assert shown.startswith("2018-01: other since 2026-01-05T09:30:01")


def test_the_backfill_command_shows_its_progress(contacts):
    """A long backfill says how far it has got (months done of how many, the rate, the time left) as it
    goes, and how long it took, on its error stream, leaving stdout to the result."""
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("backfill", "--from", "2018-01", "--to", "2018-03", "--no-publish", stdout=out, stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert lines and lines[-1].startswith("backfill #")
    assert " 3 of 3 months, " in lines[-1] and " in " in lines[-1]
    assert "done in" in out.getvalue()
