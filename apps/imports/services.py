"""Writes for the imports app: loading and exporting the portal's CSV bundle.

`bundle_import` is deliberately not wrapped in one transaction: the ImportRun row is written before and
after the data transaction so an attempt is recorded even when the import fails and its data rolls back.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.core.progress import Progress

from .bundle.errors import BundleAbort, BundleReport
from .bundle.exporter import export_folder, export_zip
from .bundle.loader import BundleLoader
from .bundle.reader import BundleSource
from .models import ImportKind, ImportRun, ImportStatus

logger = logging.getLogger(__name__)


class _Phases:
    """The import's progress (apps.core.progress) as lines to `write`: the rows checked, then the rows
    written out of those checked, with the rate and the time left."""

    def __init__(self, write):
        self.write = write
        self.current = None
        self.checked = None

    def __call__(self, phase: str, filename: str, rows: int) -> None:
        if self.current is None or self.current.what != phase:
            self.end()
            total = self.checked if phase == "write" else None
            self.current = Progress(self.write, what=phase, unit="rows", total=total)
        self.current.advance(rows, filename)

    def end(self) -> None:
        if self.current is not None:
            self.current.finish()
            if self.current.what == "check":
                self.checked = self.current.done
        self.current = None


def bundle_import(
    *, path: str | Path, dry_run: bool = False, user=None, command: str = "", progress_to=None
) -> ImportRun:
    """Validate the whole bundle at `path` (a folder or a .zip), then, unless dry_run, upsert it in one
    transaction and refresh the derived fields of the children it touched. Any error means nothing is
    written. Returns the ImportRun recording the attempt (status succeeded, validated or failed; counts per
    file; every error, capped, with the exact error_count). `progress_to` (a function taking a line) hears
    how far the check and the writing have got, every few seconds."""
    run = ImportRun.objects.create(
        kind=ImportKind.BUNDLE,
        source=str(path)[:500],
        dry_run=dry_run,
        started_by=user,
        command=command[:200],
    )
    report = BundleReport()
    try:
        with BundleSource(path, report) as source:
            phases = _Phases(progress_to) if progress_to else None
            loader = BundleLoader(source, report, progress=phases)
            loader.validate()
            if phases:
                phases.end()
            if report.ok:
                if dry_run:
                    loader.apply(write=False)
                else:
                    _write(loader)
        if phases:
            phases.end()
    except BundleAbort:
        pass  # the reason is in the report
    except DatabaseError as e:
        # Validation should make this impossible; if the database still refuses, the transaction has rolled
        # back and the attempt is recorded like any other failure.
        logger.exception("bundle import of %s failed in the database", path)
        report.add("", None, "", "", f"database error, nothing written: {e}")
    except Exception as e:
        report.add("", None, "", "", f"internal error, nothing written: {e!r}")
        _finish(run, report, dry_run)
        raise
    _finish(run, report, dry_run)
    return run


def _write(loader: BundleLoader) -> None:
    from apps.core.services import ensure_la
    from apps.imports.derived import refresh_derived_fields

    with transaction.atomic():
        ensure_la()
        loader.apply(write=True)
        if not loader.report.ok:
            raise BundleAbort("errors while writing")
        child_pks = loader.affected_child_pks()
        if child_pks is None or child_pks:
            refresh_derived_fields(child_pks)
    _refresh_planner_statistics(loader.report.counts)


# Below this many new or changed rows a table's planner statistics stay representative.
ANALYZE_AFTER_ROWS = 10_000


def _refresh_planner_statistics(counts: dict) -> None:
    """After a large load, refresh the query planner's statistics of the tables written, so the month's
    snapshot queries get good plans at once rather than after autovacuum's next pass (on PostgreSQL a freshly
    loaded table planned without statistics made one month's snapshot four times slower)."""
    from django.apps import apps
    from django.db import connection

    from .bundle.spec import FILENAMES

    tables = []
    for filename, c in counts.items():
        spec = FILENAMES.get(filename)
        if spec and isinstance(c, dict) and c.get("created", 0) + c.get("updated", 0) >= ANALYZE_AFTER_ROWS:
            tables.append(apps.get_model(spec.model)._meta.db_table)
    if not tables:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _finish(run: ImportRun, report: BundleReport, dry_run: bool) -> None:
    if not report.ok:
        run.status = ImportStatus.FAILED
    else:
        run.status = ImportStatus.VALIDATED if dry_run else ImportStatus.SUCCEEDED
    run.counts = report.counts
    run.errors = [e.as_dict() for e in report.errors]
    run.error_count = report.error_count
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "errors", "error_count", "finished_at"])


def bundle_export(*, path: str | Path) -> dict[str, int]:
    """Write every record to a bundle at `path`: a folder, or a .zip when the path ends in .zip. Returns the
    rows written per file."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return export_zip(path)
    return export_folder(path)
