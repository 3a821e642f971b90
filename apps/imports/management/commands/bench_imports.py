"""Benchmark (not a test): how fast a large statutory return imports, through the one pipeline
(services.statutory_import: read and translate, validate, write in one transaction, derived fields), into
whatever database DATABASE_URL selects. It loads synthetic records, so give it a throwaway database:

    DATABASE_URL=sqlite:///var/bench-imports.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///var/bench-imports.sqlite3 python manage.py bench_imports --format annex_a --rows 100000

(make bench-imports does both on a fresh file.) Prints the rows, the seconds of each phase, rows/s and the
process's peak memory.

GENERATORS holds one synthetic-return writer per format: `write(folder, rows, seed) -> (paths, rows per
part)`, each in its own module beside the format's importer. Add a format by adding its entry.
"""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.imports.bundle.loader import BundleLoader
from apps.imports.models import ImportStatus
from apps.imports.services import statutory_import
from apps.imports.statutory import FORMATS, synthetic_903, synthetic_cin
from apps.imports.statutory.synthetic_annex_a import write as write_annex_a


def _parts(paths: list[Path]) -> dict[str, int]:
    """Rows per generated file: a CSV's lines less its header; an XML file's <Child> or <CHILD> elements."""
    parts = {}
    for p in paths:
        if p.suffix == ".csv":
            with open(p, "rb") as f:
                parts[p.stem] = max(sum(1 for _ in f) - 1, 0)
        else:
            data = p.read_bytes()
            parts[p.stem] = data.count(b"<Child>") + data.count(b"<CHILD>")
    return parts


def write_903(folder: Path, rows: int, seed: int):
    """--rows care episodes, with their children's header, reviews, missing episodes and OC3 rows."""
    paths = synthetic_903.generate(folder, rows, seed=seed)
    return paths, _parts(paths)


def write_cin(folder: Path, rows: int, seed: int):
    """--rows children in one census file."""
    paths = synthetic_cin.generate(folder, rows, seed=seed)
    return paths, _parts(paths)


# One entry per format: write(folder, rows, seed) -> (paths to import, rows per part).
GENERATORS = {
    "annex_a": write_annex_a,
    "ssda903": write_903,
    "cin_census": write_cin,
}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@contextmanager
def _timed(owner, name: str, phase: str, seconds: dict[str, float]):
    """Time every call of owner.name (a method or a module function) as `phase`, for the duration."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[phase] += time.perf_counter() - t

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


class Command(BaseCommand):
    help = "Generate a large synthetic statutory return, import it, print rows/s, seconds per phase, peak MB."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(GENERATORS), dest="fmt")
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, fmt, rows, seed, **options):
        from apps.imports import derived
        from apps.people.models import Child

        out = self.stdout.write
        if rows < 1:
            raise CommandError("--rows must be at least 1")
        held = Child.objects.count()
        if held:
            raise CommandError(
                f"the database holds {held:,} children; the benchmark loads synthetic records, so run it on a "
                "throwaway database (make bench-imports)"
            )
        out(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        reader = FORMATS[fmt]
        with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
            t = time.perf_counter()
            # In a process of its own: the writer's memory is not the import's.
            with multiprocessing.get_context("fork").Pool(1) as pool:
                paths, parts = pool.apply(GENERATORS[fmt], (Path(tmp), rows, seed))
            generated = time.perf_counter() - t
            before = peak_mib()
            size = sum(p.stat().st_size for p in paths)
            total_rows = sum(parts.values())
            out(f"generated {total_rows:,} rows ({size / 1e6:.1f} MB) in {generated:.1f} s:")
            out("  " + ", ".join(f"{name} {n:,}" for name, n in parts.items()))

            seconds: dict[str, float] = defaultdict(float)
            with ExitStack() as stack:
                stack.enter_context(_timed(reader, "translate", "read and translate", seconds))
                stack.enter_context(_timed(BundleLoader, "validate", "validate", seconds))
                stack.enter_context(_timed(BundleLoader, "apply", "write", seconds))
                stack.enter_context(_timed(derived, "refresh_derived_fields", "derived fields", seconds))
                # Inside the derived fields: the working-day calendar, filled once per database.
                stack.enter_context(_timed(derived, "ensure_calendar", "calendar", seconds))
                t = time.perf_counter()
                run = statutory_import(format=fmt, paths=paths, command=f"bench_imports --format {fmt}")
                elapsed = time.perf_counter() - t
        if run.status != ImportStatus.SUCCEEDED:
            for e in run.errors[:20]:
                out(f"  error: {e}")
            raise CommandError(f"the import did not succeed ({run.status}, {run.error_count} error(s))")
        written = sum(
            c.get("created", 0) + c.get("updated", 0)
            for name, c in run.counts.items()
            if name.endswith(".csv")
        )
        out(f"import {fmt}: {total_rows:,} rows in {elapsed:.1f} s, {total_rows / elapsed:,.0f} rows/s")
        for phase in ("read and translate", "validate", "write", "derived fields"):
            out(f"  {phase:20} {seconds[phase]:7.1f} s")
        out(
            f"    of which the working-day calendar (first import into a database) {seconds['calendar']:.1f} s"
        )
        other = elapsed - sum(v for k, v in seconds.items() if k != "calendar")
        out(f"  {'other':20} {other:7.1f} s")
        out(f"records written: {written:,}; warnings: {run.warning_count:,}")
        out(
            f"peak memory: {peak_mib():,.0f} MB (the process's maximum resident set; {before:,.0f} MB before "
            "the import)"
        )
