"""Benchmark (not a test): server time and SQL queries of the pages managers open, on whatever database
DATABASE_URL selects and whatever council it holds (`make bench` leaves a large one in var/).

    DATABASE_URL=sqlite:///var/bench-large.sqlite3 python manage.py bench_pages
    python manage.py bench_pages --period 2026-10 --org-unit SVC-DA --repeat 50 --as viewer

Each page is requested in-process through Django's whole stack (middleware, sessions, templates), as the
signed-in user of the chosen role, a few times to warm up and then `--repeat` times; it prints the median,
95th percentile and slowest time, the queries and the size of the response. The chart and drill-down
addresses are the first ones the section page links to, so the benchmark follows what a user would
click. The user and everything the requests write (sessions, access-log rows) are rolled back
at the end: the database is left as it was."""

from __future__ import annotations

import gc
import re
import statistics
import time
from html import unescape

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.core.models import OrgLevel, OrgUnit
from apps.scorecards.selectors import months_held

FIRST_LINK = {
    "chart": re.compile(r'data-chart-url="([^"]+)"'),
    "drill": re.compile(r'href="(/drill/[^"]+)"'),
}


class _Rollback(Exception):
    pass


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Time the scorecard, a section page, a chart view and a drill-down's first page; print ms and queries."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="the month (default: the newest held)")
        parser.add_argument("--org-unit", help="org unit code (default: the LA)")
        parser.add_argument(
            "--section", default="4", help="the section page to time (default 4, assessments)"
        )
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument(
            "--as",
            dest="role",
            choices=[Role.DIRECTOR, Role.VIEWER, Role.TEAM_MANAGER],
            default=Role.DIRECTOR,
        )

    def handle(self, *args, **opts):
        if settings.DEBUG:
            # Debug mode records every query and renders templates with debug information: not a server's
            # speed. (make bench-pages runs with DJANGO_DEBUG=0.)
            self.stderr.write("warning: DEBUG is on; the figures are not a production server's")
        # As portal/wsgi.py does once the application is loaded.
        gc.collect()
        gc.freeze()
        period = opts["period"] or next(iter(months_held()), None)
        if period is None:
            raise CommandError("no month has been computed: run backfill first")
        unit = OrgUnit.objects.filter(code=opts["org_unit"]).first() if opts["org_unit"] else None
        unit = unit or OrgUnit.objects.filter(level=OrgLevel.LA).first()
        if unit is None:
            raise CommandError("no such org unit")
        self.stdout.write(
            f"database: {connection.vendor}; period {period}; org unit {unit.code}; as {opts['role']}; "
            f"debug {'on' if settings.DEBUG else 'off'}"
        )
        try:
            with transaction.atomic():
                self._run(period, unit, opts)
                raise _Rollback
        except _Rollback:
            pass

    def _client(self, role: str, unit: OrgUnit) -> Client:
        import time as clock

        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from apps.accounts import otp
        from apps.accounts.models import User

        user = User.objects.create(
            username="bench-pages-user", role=role, first_name="Bench", last_name="User"
        )
        if role == Role.TEAM_MANAGER:
            team = (
                unit if unit.level == OrgLevel.TEAM else OrgUnit.objects.filter(level=OrgLevel.TEAM).first()
            )
            user.org_units.set([team])
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        session = client.session
        session[otp.SESSION_LAST_ACTIVITY] = int(clock.time())
        if otp.needs_two_factor(user):
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def _run(self, period: str, unit: OrgUnit, opts):
        client = self._client(opts["role"], unit)
        query = f"?period={period}&org_unit={unit.code}"
        pages = [("scorecard", f"/scorecard/{query}"), ("section page", f"/pages/{opts['section']}/{query}")]
        found = {}
        # Links from the section page first: its measures (assessments by default) are all drillable.
        for _name, url in reversed(pages):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            body = response.content.decode()
            for kind, pattern in FIRST_LINK.items():
                match = pattern.search(body)
                if match and kind not in found:
                    found[kind] = unescape(match.group(1))
        if "chart" in found:
            pages.append(("chart view", found["chart"]))
        if "drill" in found:
            pages.append(("drill-down, first page", found["drill"]))
        else:
            self.stdout.write("  (no drill-down link on the scorecard for this role: not timed)")

        self.stdout.write(
            f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KiB':>7}  url"
        )
        for name, url in pages:
            times, queries, size = [], set(), 0
            for i in range(opts["warmup"] + opts["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url, secure=True)
                    elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                if i >= opts["warmup"]:
                    times.append(elapsed)
                    queries.add(len(captured))
                    size = len(response.content)
            q = "/".join(str(n) for n in sorted(queries))
            self.stdout.write(
                f"{name:<24} {statistics.median(times):>10.1f} {percentile(times, 95):>8.1f} {max(times):>8.1f} "
                f"{q:>8} {size / 1024:>7.1f}  {url}"
            )
