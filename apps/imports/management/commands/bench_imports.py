"""Benchmark (not a test): a statutory return of a chosen size, generated into a temporary folder, imported by
`statutory_import` into whatever database DATABASE_URL selects; prints the rows, the seconds of each phase,
rows per second and peak memory. Run it on a throwaway database: the generated children are written to it.

    DATABASE_URL=sqlite:///var/bench-imports.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///var/bench-imports.sqlite3 python manage.py bench_imports --format ssda903 --rows 20000
"""

from __future__ import annotations

import resource
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from apps.imports import services
from apps.imports.bundle.loader import BundleLoader
from apps.imports.services import statutory_import
from apps.imports.statutory import FORMATS, synthetic_903, synthetic_cin

# Format -> generate(directory, rows) -> the files written. --rows is what the format counts: care episodes
# for the 903, children for the CIN census.
GENERATORS = {
    "ssda903": synthetic_903.generate,
    "cin_census": synthetic_cin.generate,
}
ROWS_ARE = {"ssda903": "care episodes", "cin_census": "children"}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(owner, name: str, seconds: dict, phase: str):
    """Add the time spent in owner.name (a method or a module function) to seconds[phase] while inside."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[phase] = seconds.get(phase, 0.0) + time.perf_counter() - start
            seconds[f"{phase} peak MiB"] = peak_mib()

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


class Command(BaseCommand):
    help = "Time the import of a generated statutory return: rows, seconds per phase, rows/s, peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(GENERATORS), dest="fmt")
        parser.add_argument("--rows", type=int, default=20_000, help="care episodes (903) or children (CIN)")

    def handle(self, *args, fmt, rows, **options):
        out = self.stdout.write
        out(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
            start = time.perf_counter()
            paths = GENERATORS[fmt](Path(tmp), rows)
            size = sum(p.stat().st_size for p in paths)
            out(
                f"generated {rows:,} {ROWS_ARE[fmt]} in {time.perf_counter() - start:.1f} s: "
                f"{len(paths)} file(s), {size / 1024 / 1024:.1f} MiB"
            )
            seconds: dict[str, float] = {}
            with ExitStack() as stack:
                stack.enter_context(timed(FORMATS[fmt], "translate", seconds, "read/translate"))
                stack.enter_context(timed(BundleLoader, "validate", seconds, "validate"))
                stack.enter_context(timed(services, "_write", seconds, "write"))
                start = time.perf_counter()
                run = statutory_import(format=fmt, paths=paths, command=f"bench_imports --format {fmt}")
                total = time.perf_counter() - start
        out(f"status: {run.status}, {run.error_count} error(s), {run.warning_count:,} warning(s)")
        for e in run.errors[:5]:
            out(f"  error: {e['file']} line {e['row']}, {e['column']}: {e['reason']}")
        out("read:")
        for name, c in run.counts.items():
            if "left_out" in c:
                out(f"  {name}: {c['rows']:,} rows, {c['left_out']:,} left out")
        out("records:")
        records = 0
        for name, c in run.record_counts.items():
            records += c.get("rows", 0)
            out(
                f"  {name}: {c.get('rows', 0):,} rows ({c.get('created', 0):,} created, "
                f"{c.get('updated', 0):,} updated, {c.get('unchanged', 0):,} unchanged)"
            )
        out("seconds:")
        for phase in ("read/translate", "validate", "write"):
            if phase in seconds:
                out(
                    f"  {phase}: {seconds[phase]:.2f} s (peak memory after it {seconds[phase + ' peak MiB']:.0f} MiB)"
                )
        out(f"  total: {total:.2f} s")
        out(f"rows/s: {records / total:,.0f} records written or compared a second ({records:,} records)")
        out(f"peak memory: {peak_mib():.0f} MiB")
