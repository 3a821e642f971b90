"""Writes for the imports app: loading and exporting the portal's CSV bundle.

`bundle_import` is deliberately not wrapped in one transaction: the ImportRun row is written before and
after the data transaction so an attempt is recorded even when the import fails and its data rolls back.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from .bundle.errors import BundleAbort, BundleReport
from .bundle.exporter import export_folder, export_zip
from .bundle.loader import BundleLoader
from .bundle.reader import BundleSource
from .models import ImportKind, ImportRun, ImportStatus

logger = logging.getLogger(__name__)


def bundle_import(*, path: str | Path, dry_run: bool = False, user=None, command: str = "") -> ImportRun:
    """Validate the whole bundle at `path` (a folder or a .zip), then, unless dry_run, upsert it in one
    transaction and refresh the derived fields of the children it touched. Any error means nothing is
    written. Returns the ImportRun recording the attempt (status succeeded, validated or failed; counts per
    file; every error, capped, with the exact error_count)."""
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
            loader = BundleLoader(source, report)
            loader.validate()
            if report.ok:
                if dry_run:
                    loader.apply(write=False)
                else:
                    _write(loader)
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
    run.warnings = [{**w.as_dict(), "blocking": False} for w in report.warnings]
    run.warning_count = report.warning_count
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status",
            "counts",
            "errors",
            "error_count",
            "warnings",
            "warning_count",
            "finished_at",
        ]
    )


def bundle_export(*, path: str | Path) -> dict[str, int]:
    """Write every record to a bundle at `path`: a folder, or a .zip when the path ends in .zip. Returns the
    rows written per file."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return export_zip(path)
    return export_folder(path)


def statutory_import(
    *,
    format: str,  # noqa: A002 - the command's --format
    paths: list[str | Path],
    dry_run: bool = False,
    year: int | None = None,
    user=None,
    command: str = "",
    progress=None,
) -> ImportRun:
    """Import a statutory return (apps.imports.statutory.FORMATS) through the bundle's pipeline: the return is
    read and translated into the bundle's record tables (its own problems reported: blocking ones as errors,
    rows left out, values stored blank and repaired episodes as warnings), the tables are validated by the
    bundle's loader and, unless anything blocks or dry_run, upserted in one transaction. Returns the
    ImportRun recording the attempt, with every error and warning pointing at the return's file, line and
    column."""
    from .statutory import FORMATS

    reader_class = FORMATS[format]
    run = ImportRun.objects.create(
        kind=format,
        source=", ".join(str(p) for p in paths)[:500],
        dry_run=dry_run,
        started_by=user,
        command=command[:200],
    )
    report = BundleReport()
    translation = None
    try:
        translation = reader_class(report, year=year, progress=progress).translate(paths)
        if report.ok:
            loader = BundleLoader(translation.source(), report)
            loader.validate()
            if report.ok:
                if dry_run:
                    loader.apply(write=False)
                else:
                    _write(loader)
    except BundleAbort:
        pass  # the reason is in the report
    except DatabaseError as e:
        logger.exception("%s import of %s failed in the database", format, paths)
        report.add("", None, "", "", f"database error, nothing written: {e}")
    except Exception as e:
        report.add("", None, "", "", f"internal error, nothing written: {e!r}")
        _finish(run, report, dry_run)
        raise
    if translation is not None:
        translation.relocate(report)
    _finish(run, report, dry_run)
    return run
