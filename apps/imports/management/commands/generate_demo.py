"""Generate a demo council: `manage.py generate_demo --size medium --seed 1 [--bundle PATH]`.

With --bundle the CSV bundle is written to PATH; without it the bundle is generated in a temporary folder and
loaded into the database with the bundle importer (validated, all-or-nothing, recorded as an import run)."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.periods import Period
from apps.imports.demo import generate_bundle
from apps.imports.demo.profiles import PROFILES


def month(text: str):
    try:
        return Period.parse(text).start
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "Generate a realistic fictional council (children's journeys) as a CSV bundle or into the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(PROFILES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", help="first month YYYY-MM (default: by size, 24/36/72 months back)")
        parser.add_argument("--end", help="last month YYYY-MM (default: the current month, up to yesterday)")
        parser.add_argument("--bundle", help="write the CSV bundle to this folder instead of the database")

    def handle(self, *args, size, seed, start, end, bundle, verbosity, **options):
        today = timezone.localdate()
        start_d = month(start) if start else None
        end_d = month(end) if end else None
        progress = (lambda msg: self.stderr.write(f"  {msg}")) if verbosity >= 1 else None
        args_text = (
            f"generate_demo --size {size} --seed {seed}"
            + (f" --start {start}" if start else "")
            + (f" --end {end}" if end else "")
        )
        try:
            if bundle:
                result = generate_bundle(
                    bundle, size=size, seed=seed, today=today, start=start_d, end=end_d, progress=progress
                )
                self.report(result)
                return
            with tempfile.TemporaryDirectory(prefix="demo-bundle-") as tmp:
                result = generate_bundle(
                    tmp, size=size, seed=seed, today=today, start=start_d, end=end_d, progress=progress
                )
                self.report(result)
                self.load(Path(tmp), args_text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def report(self, result) -> None:
        width = max(len(name) for name in result.counts) + 5
        self.stdout.write(
            f"Demo council '{result.size}', seed {result.seed}: {result.start} to {result.horizon}"
        )
        for name, n in result.counts.items():
            self.stdout.write(f"  {name + '.csv':<{width}} {n:>10,}")
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            f"  {'total':<{width}} {result.rows:>10,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s), "
            f"peak memory {result.peak_mb:,.0f} MB; children simulated {result.stats['children_simulated']:,}, "
            f"written {result.stats['children_written']:,}"
        )

    def load(self, folder: Path, args_text: str) -> None:
        try:
            from apps.imports.services import bundle_import
        except ImportError as exc:
            raise CommandError(
                "the bundle importer (apps.imports.services.bundle_import) is not available; use --bundle PATH"
            ) from exc
        t0 = time.perf_counter()
        run = bundle_import(path=folder, command=args_text, progress_to=self.stderr.write)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if run.error_count:
            for err in (run.errors or [])[:20]:
                self.stderr.write(str(err))
            raise CommandError(
                f"import failed with {run.error_count} errors (import run {run.pk}); nothing written"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into the database in {seconds:.1f} s (import run {run.pk}, {run.rows_total:,} rows), "
                f"peak memory {peak:,.0f} MB"
            )
        )
