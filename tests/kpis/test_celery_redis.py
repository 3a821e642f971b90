"""A real Redis, a real Celery worker and a real beat, in separate processes sharing a file SQLite database.
Skipped when redis-server is not installed (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")

SEED = """
from datetime import datetime, date, timedelta
from zoneinfo import ZoneInfo
from django.utils import timezone
from apps.core.models import OrgUnit
from apps.core.services import ensure_la
from apps.frontdoor.models import Contact
from apps.people.models import Child
from django_celery_beat.models import IntervalSchedule, PeriodicTask
la = ensure_la()
svc = OrgUnit.objects.create(code="SVC", name="Service", level="service", parent=la)
team = OrgUnit.objects.create(code="T1", name="Team", level="team", parent=svc)
child = Child.objects.create(child_id="K1", sex="F", date_of_birth=date(2010, 1, 1))
today = timezone.localdate()
start = date(today.year - 2, today.month, 1)
d, i = start, 0
while d <= today:
    Contact.objects.create(contact_id=f"c{i}", child=child, team=team,
                           received_at=datetime(d.year, d.month, d.day, 9, tzinfo=ZoneInfo("Europe/London")))
    d += timedelta(days=9); i += 1
every = IntervalSchedule.objects.create(every=2, period="seconds")
PeriodicTask.objects.filter(name="Refresh the open month").update(interval=every, crontab=None)
PeriodicTask.objects.exclude(name="Refresh the open month").update(enabled=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path):
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = tmp_path / "celery.sqlite3"
    e = dict(os.environ)
    e.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{db}",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        CELERY_VISIBILITY_TIMEOUT="8",
        DJANGO_DEBUG="false",
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=e, cwd=ROOT, check=True)
    subprocess.run([*manage, "shell", "-c", SEED], env=e, cwd=ROOT, check=True)
    procs: list[subprocess.Popen] = []
    yield {"env": e, "db": db, "procs": procs, "manage": manage, "tmp": tmp_path}
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)
    redis.kill()
    redis.wait(10)


def celery(ctx, *args, log="worker.log") -> subprocess.Popen:
    out = open(ctx["tmp"] / log, "ab")  # noqa: SIM115
    p = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *args],
        env=ctx["env"],
        cwd=ROOT,
        stdout=out,
        stderr=out,
    )
    ctx["procs"].append(p)
    return p


def query(ctx, sql, *params):
    with sqlite3.connect(ctx["db"], timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_beat_fires_refresh_and_worker_writes_snapshot(env):
    celery(env, "worker", "--pool", "solo", "--loglevel", "INFO")
    celery(env, "beat", "--loglevel", "INFO", "--schedule", str(env["tmp"] / "beat.db"), log="beat.log")
    wait_for(
        lambda: (
            query(
                env,
                "select count(*) from kpis_snapshotrun where trigger='refresh_open_month' and status='succeeded'",
            )[0][0]
            > 0
        ),
        120,
        "a refresh run by beat",
    )
    rows = query(
        env,
        "select count(*) from kpis_snapshot s join kpis_snapshotrun r on s.run_id = r.id "
        "where r.trigger = 'refresh_open_month' and s.measure = 'fd.contacts'",
    )
    assert rows[0][0] > 0


def test_killed_worker_backfill_finishes_without_duplicates_or_gaps(env):
    worker = celery(env, "worker", "--pool", "solo", "--loglevel", "INFO")
    today = time.localtime()
    first = f"{today.tm_year - 2}-{today.tm_mon:02d}"
    last = f"{today.tm_year}-{today.tm_mon:02d}"
    send = f"from apps.kpis.tasks import backfill; backfill.delay('{first}', '{last}')"
    subprocess.run([*env["manage"], "shell", "-c", send], env=env["env"], cwd=ROOT, check=True)
    # Kill it hard once a few months are done but not all.
    wait_for(
        lambda: query(env, "select count(*) from kpis_backfill where next_period > first_period")[0][0] > 0,
        120,
        "backfill progress",
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    ((status, next_period),) = query(env, "select status, next_period from kpis_backfill")
    assert status == "running" and next_period <= last, "killed too late: make the backfill longer"
    # The restarted worker gets the unacknowledged task back once the visibility timeout passes.
    celery(env, "worker", "--pool", "solo", "--loglevel", "INFO", log="worker2.log")
    wait_for(
        lambda: query(env, "select status from kpis_backfill")[0][0] == "succeeded", 240, "backfill to finish"
    )
    periods = [
        p
        for (p,) in query(
            env, "select distinct period from kpis_snapshot where measure='fd.contacts' order by 1"
        )
    ]
    expected, (y, m) = [], (today.tm_year - 2, today.tm_mon)
    while (y, m) <= (today.tm_year, today.tm_mon):
        expected.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert periods == expected  # no missing month
    dupes = query(
        env,
        "select count(*) from (select measure, period, basis, org_unit_id, dimension, breakdown, version, "
        "count(*) c from kpis_snapshot group by 1,2,3,4,5,6,7 having c > 1)",
    )
    assert dupes[0][0] == 0
    versions = query(env, "select max(version) from kpis_snapshot")
    assert versions[0][0] == 1  # the recomputed month changed nothing, so no restatement
