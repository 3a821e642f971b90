"""Benchmark (not a test): server time of the case tracking list (/casework/) on whatever database
DATABASE_URL selects, e.g. the large council `make bench` leaves in var/:

    DJANGO_DEBUG=0 DATABASE_URL=sqlite:///var/bench-large.sqlite3 python manage.py bench_casework
    python manage.py bench_casework --as-at 2026-09-30 --repeat 30

Each list is requested in-process through Django's whole stack, signed in as the role that opens it (a team
manager for a team's list, a head of service for a service's, a director for the LA's), a few times to warm
up and then `--repeat` times; it prints the median, 95th percentile and slowest time, the queries, the
items listed and the size of the response. Lists read the date's kept items (casework.work_out, made by the
first list of the date after an import); the "first view" columns time the same requests with no items kept,
so each works them out first, as the first list of the morning after the night's import does. Last, it times
the working-out on its own. The users, their sessions, access-log rows and kept items (and, on a database
made before case tracking, its timescales table) are rolled back at the end: the database is left as it
was."""

from __future__ import annotations

import datetime as dt
import gc
import re
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.models import OrgLevel, OrgUnit
from apps.scorecards.casework import work_out
from apps.scorecards.models import CaseWorkBuild

from .bench_pages import Command as PagesCommand
from .bench_pages import _Rollback, percentile

LISTED = re.compile(rb"<strong>([0-9,]+)</strong> item")


def _forget_builds() -> None:
    CaseWorkBuild.objects.all().delete()  # their items with them


class Command(BaseCommand):
    help = "Time the case tracking list for a team, a service and the LA (and a team's CSV); print ms."

    def add_arguments(self, parser):
        parser.add_argument("--team", help="team code (default: the team with the most allocations)")
        parser.add_argument("--as-at", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, **opts):
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; the figures are not a production server's")
        gc.collect()
        gc.freeze()
        if connection.vendor == "sqlite":
            # A table created for the run (the timescales, on a database migrated before case tracking) must
            # be created inside the transaction that is rolled back; SQLite's schema editor needs foreign
            # key checks off before that transaction starts.
            connection.disable_constraint_checking()
        try:
            with transaction.atomic():
                self._run(opts)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            if connection.vendor == "sqlite":
                connection.enable_constraint_checking()

    def _ensure_timescales(self):
        from apps.scorecards.choices import DEFAULTS
        from apps.scorecards.models import Timescale

        if Timescale._meta.db_table in connection.introspection.table_names():
            return
        self.stdout.write("  (no timescales table: created with the statutory defaults for the run)")
        with connection.schema_editor() as editor:
            editor.create_model(Timescale)
        for kind, d in DEFAULTS.items():
            then, later = d.get("then"), d.get("later")
            Timescale.objects.create(
                kind=kind,
                first_amount=d["first"][0],
                first_unit=d["first"][1],
                then_amount=then[0] if then else None,
                then_unit=then[1] if then else "",
                later_amount=later[0] if later else None,
                later_unit=later[1] if later else "",
                due_soon=d["due_soon"],
            )

    def _run(self, opts):
        self._ensure_timescales()
        if opts["team"]:
            team = OrgUnit.objects.filter(code=opts["team"], level=OrgLevel.TEAM).first()
        else:
            team = (
                OrgUnit.objects.filter(level=OrgLevel.TEAM)
                .annotate(n=Count("allocations"))
                .order_by("-n", "code")
                .first()
            )
        if team is None:
            raise CommandError("no such team")
        service, la = team.parent, OrgUnit.objects.get(level=OrgLevel.LA)
        suffix = f"&as_at={opts['as_at']}" if opts["as_at"] else ""
        self.stdout.write(
            f"database: {connection.vendor}; as at {opts['as_at'] or 'today'}; team {team.code}, service "
            f"{service.code}, LA {la.code}; debug {'on' if settings.DEBUG else 'off'}"
        )
        lists = [
            ("team, first page", Role.TEAM_MANAGER, team, f"/casework/?org_unit={team.code}{suffix}"),
            (
                "team, overdue",
                Role.TEAM_MANAGER,
                team,
                f"/casework/?org_unit={team.code}&state=overdue{suffix}",
            ),
            (
                "team, by due date",
                Role.TEAM_MANAGER,
                team,
                f"/casework/?org_unit={team.code}&sort=due{suffix}",
            ),
            (
                "service, first page",
                Role.HEAD_OF_SERVICE,
                service,
                f"/casework/?org_unit={service.code}{suffix}",
            ),
            ("LA, first page", Role.DIRECTOR, la, f"/casework/?org_unit={la.code}{suffix}"),
            ("team, CSV", Role.TEAM_MANAGER, team, f"/casework/?org_unit={team.code}&format=csv{suffix}"),
            ("home page (counts)", Role.TEAM_MANAGER, team, "/"),
        ]
        clients = {}
        self.stdout.write(
            f"{'list':<22} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'first view median/p95':>22} "
            f"{'queries':>8} {'items':>7} {'KiB':>7}  url"
        )
        for name, role, unit, url in lists:
            if role not in clients:
                clients[role] = self._client(role, unit)
            client = clients[role]
            times, queries, size, items = [], set(), 0, ""
            for i in range(opts["warmup"] + opts["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url, secure=True)
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                if i >= opts["warmup"]:
                    times.append(elapsed)
                    queries.add(len(captured))
                    size = len(body)
                    listed = LISTED.search(body)
                    if response.streaming:
                        items = str(body.count(b"\n") - 1)
                    elif listed:
                        items = listed.group(1).decode()
            first = []
            for _ in range(max(3, opts["repeat"] // 3)):
                _forget_builds()
                start = time.perf_counter()
                response = client.get(url, secure=True)
                if response.streaming:
                    b"".join(response.streaming_content)
                first.append((time.perf_counter() - start) * 1000)
            q = "/".join(str(n) for n in sorted(queries))
            cold = f"{statistics.median(first):.1f} / {percentile(first, 95):.1f}"
            self.stdout.write(
                f"{name:<22} {statistics.median(times):>10.1f} {percentile(times, 95):>8.1f} {max(times):>8.1f} "
                f"{cold:>22} {q:>8} {items:>7} {size / 1024:>7.1f}  {url}"
            )

        # The working-out itself: every kind's items across the LA, written to the kept table.
        as_at = dt.date.fromisoformat(opts["as_at"]) if opts["as_at"] else timezone.localdate()
        seconds = []
        for _ in range(3):
            _forget_builds()
            start = time.perf_counter()
            made = work_out(as_at)
            seconds.append((time.perf_counter() - start) * 1000)
        self.stdout.write(
            f"working out the date's items (the first list of a date after an import): {made.items} items, "
            f"median {statistics.median(seconds):.1f} ms, slowest {max(seconds):.1f} ms"
        )

    def _client(self, role, unit):
        """A signed-in client of a user of the role, member of the unit (bench_pages' sign-in)."""
        from apps.accounts.models import User

        client = PagesCommand()._client(Role.DIRECTOR, unit)
        user = User.objects.get(username="bench-pages-user")
        user.username = f"bench-casework-{role}"
        user.role = role
        user.save()
        if role in (Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE):
            user.org_units.set([unit])
        return client
