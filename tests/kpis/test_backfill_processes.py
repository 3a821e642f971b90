"""A backfill shared by two real processes on PostgreSQL (each with its own connection, claiming months from
the same job), as two Celery workers would share it. It commits, so it runs in the transactional passes; on
SQLite it is skipped (its in-memory test database cannot be shared by forked processes)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.frontdoor.models import Contact
from apps.kpis import services
from apps.kpis.models import Snapshot, SnapshotRun
from apps.people.models import Child

LDN = ZoneInfo("Europe/London")


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_a_backfill_each_month_once():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: forked processes need a database server to share")
    la = ensure_la()
    svc = OrgUnit.objects.create(code="SVC", name="Service", level=OrgLevel.SERVICE, parent=la)
    team = OrgUnit.objects.create(code="T1", name="Team 1", level=OrgLevel.TEAM, parent=svc)
    child = Child.objects.create(child_id="K1", sex="F")
    received = [(1, 5), (2, 5), (3, 5), (3, 6), (4, 2), (5, 9), (5, 10), (5, 11)]
    for i, (month, day) in enumerate(received):
        Contact.objects.create(
            contact_id=f"c{i}", child=child, received_at=datetime(2018, month, day, 9, tzinfo=LDN), team=team
        )
    job = services.backfill_start(first=Period(2018, 1), last=Period(2018, 6))

    job = services.backfill_in_processes(job=job, workers=2, name="test")

    months = ["2018-01", "2018-02", "2018-03", "2018-04", "2018-05", "2018-06"]
    assert job.status == "succeeded" and sorted(job.done) == months and job.claims == {}
    runs = SnapshotRun.objects.filter(trigger=f"backfill #{job.pk}")
    assert sorted(runs.values_list("period", flat=True)) == months  # every month computed exactly once
    assert {r.status for r in runs} == {"succeeded"}
    monthly = dict(
        Snapshot.objects.filter(measure="fd.contacts", basis="month", org_unit=team).values_list(
            "period", "numerator"
        )
    )
    assert {p: int(n) for p, n in monthly.items()} == dict(zip(months, [1, 1, 2, 1, 3, 0], strict=True))
    keys = Snapshot.objects.values_list(
        "measure", "period", "basis", "org_unit", "dimension", "breakdown", "version"
    )
    assert keys.count() == keys.distinct().count()
