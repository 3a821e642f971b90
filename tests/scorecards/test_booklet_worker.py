"""The month's booklet made by a real Celery worker when the freeze task publishes the month: a real Redis
and worker, in separate processes sharing a file SQLite database (tests/kpis/test_celery_redis.py's)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.kpis.test_celery_redis import ROOT, celery, env, query, wait_for  # noqa: F401 (env: a fixture)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")

SEND = """
from apps.scorecards.models import BookletRecipient
BookletRecipient.objects.create(name="Director", email="director@example.org")
from apps.kpis.tasks import freeze_previous_month
freeze_previous_month.delay()
"""


def test_the_freeze_task_makes_the_months_booklets_on_a_worker(env):  # noqa: F811
    celery(env, "worker", "--pool", "solo", "--loglevel", "INFO")
    subprocess.run([*env["manage"], "shell", "-c", SEND], env=env["env"], cwd=ROOT, check=True)  # noqa: S603
    wait_for(
        lambda: query(env, "select count(*) from scorecards_bookletedition")[0][0] == 2, 300, "two editions"
    )
    editions = query(
        env,
        "select o.code, e.version, e.trigger, e.provisional from scorecards_bookletedition e "
        "join core_orgunit o on o.id = e.org_unit_id order by o.code",
    )
    la = query(env, "select code from core_orgunit where level = 'la'")[0][0]
    assert sorted(editions) == sorted([(la, 1, "published", 0), ("SVC", 1, "published", 0)])
    files = query(env, "select audience, format from scorecards_bookletfile order by 1, 2")
    assert ("full", "xlsx") in files and ("published", "xlsx") in files
    # The LA's recipient is emailed (the console backend of the dev settings prints it in the worker's log).
    wait_for(
        lambda: "director@example.org" in (env["tmp"] / "worker.log").read_text(errors="replace"),
        60,
        "the email",
    )
