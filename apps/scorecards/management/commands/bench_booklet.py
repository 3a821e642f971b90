"""Benchmark (not a test): how long the month's booklet takes to make as a PDF and as an Excel workbook, and
the memory it takes, on whatever database DATABASE_URL selects (the large council of `make bench`).

    DATABASE_URL=sqlite:///var/bench-large.sqlite3 DJANGO_DEBUG=0 python manage.py bench_booklet
    python manage.py bench_booklet --period 2026-10 --org-unit SVC-DA --as viewer --repeat 3

Each run times the steps an edition takes (apps.scorecards.booklet_services.edition_make): reading the
figures (booklet.assemble: the scorecard and every section), the workbook, the page's HTML, and Chromium
printing it, and prints the seconds of each, the SQL queries of the reads, the sizes and the peak memory:
this process's peak resident size, and Chromium's (the largest of its processes). Nothing is written: the
reads run inside a transaction that is rolled back, and no edition is stored."""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.models import OrgLevel, OrgUnit
from apps.scorecards import booklet_pdf, booklet_services, booklet_xlsx
from apps.scorecards.booklet import assemble, reader
from apps.scorecards.models import Audience
from apps.scorecards.selectors import default_month, months_held


class _Rollback(Exception):
    pass


def _peak_mib(who: int) -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Time the LA's (or a service's) booklet as PDF and Excel; print seconds, queries and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="the month (default: the newest that has ended)")
        parser.add_argument("--org-unit", help="org unit code (default: the LA)")
        parser.add_argument("--as", dest="audience", choices=["director", "viewer"], default="director")
        parser.add_argument("--repeat", type=int, default=1)
        parser.add_argument("--no-pdf", action="store_true", help="the workbook only")

    def handle(self, *args, **opts):
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; the figures are not a production server's")
        gc.collect()
        gc.freeze()
        period = opts["period"] or default_month(months_held())
        if not period:
            raise CommandError("no month has been computed: run backfill first")
        unit = OrgUnit.objects.filter(code=opts["org_unit"]).first() if opts["org_unit"] else None
        unit = unit or OrgUnit.objects.filter(level=OrgLevel.LA).first()
        if unit is None:
            raise CommandError("no such org unit")
        if not opts["no_pdf"] and booklet_pdf.available():
            raise CommandError(f"no PDF renderer: {booklet_pdf.available()} (or pass --no-pdf)")
        audience = Audience.PUBLISHED if opts["audience"] == "viewer" else Audience.FULL
        self.stdout.write(
            f"database: {connection.vendor}; period {period}; org unit {unit.code} ({unit.name}); "
            f"audience {audience}; debug {'on' if settings.DEBUG else 'off'}"
        )
        results = []
        try:
            with transaction.atomic():
                for i in range(max(opts["repeat"], 1)):
                    results.append(self._once(period, unit, audience, pdf=not opts["no_pdf"]))
                    self._print(i + 1, results[-1])
                raise _Rollback
        except _Rollback:
            pass
        if len(results) > 1:
            for key in ("read", "xlsx", "pdf", "total"):
                values = [r[key] for r in results if key in r]
                if values:
                    self.stdout.write(f"median {key}: {statistics.median(values):.2f} s")

    def _once(self, period, unit, audience, *, pdf: bool) -> dict:
        out = {}
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            booklet = assemble(period=period, org_unit=unit, user=reader(audience), links=False)
        out["read"] = time.perf_counter() - started
        out["queries"] = len(queries)
        out["sections"] = len(booklet.sections)
        out["charts"] = sum(len(s.charts) for s in booklet.sections)
        out["lines"] = len(booklet.card.lines) if booklet.card else 0
        t = time.perf_counter()
        workbook = booklet_xlsx.workbook(booklet)
        out["xlsx"] = time.perf_counter() - t
        out["xlsx_bytes"] = len(workbook)
        out["xlsx_total"] = out["read"] + out["xlsx"]
        if pdf:
            t = time.perf_counter()
            html = booklet_services.html_of(booklet, document=True)
            out["html"] = time.perf_counter() - t
            out["html_bytes"] = len(html.encode())
            t = time.perf_counter()
            (document,) = booklet_pdf.render([booklet_services.pdf_document(booklet, html)])
            out["print"] = time.perf_counter() - t
            out["pdf_bytes"] = len(document)
            out["pdf"] = out["read"] + out["html"] + out["print"]
        out["total"] = time.perf_counter() - started
        out["peak_self_mib"] = _peak_mib(resource.RUSAGE_SELF)
        out["peak_chromium_mib"] = _peak_mib(resource.RUSAGE_CHILDREN)
        return out

    def _print(self, n: int, r: dict) -> None:
        self.stdout.write(
            f"run {n}: read {r['read']:.2f} s ({r['queries']} queries; scorecard {r['lines']} lines, "
            f"{r['sections']} sections, {r['charts']} charts)"
        )
        self.stdout.write(
            f"  Excel: {r['xlsx_total']:.2f} s in all (writing {r['xlsx']:.2f} s), "
            f"{r['xlsx_bytes'] / 1024:.0f} KiB"
        )
        if "pdf" in r:
            self.stdout.write(
                f"  PDF:   {r['pdf']:.2f} s in all (HTML {r['html']:.2f} s, {r['html_bytes'] / 1024:.0f} KiB; "
                f"Chromium {r['print']:.2f} s), {r['pdf_bytes'] / 1024:.0f} KiB"
            )
        self.stdout.write(
            f"  peak memory: this process {r['peak_self_mib']:.0f} MiB, Chromium {r['peak_chromium_mib']:.0f} MiB"
        )
