"""Writes for the imports app: loading the portal's CSV bundle and the statutory returns (one pipeline: a
return is translated into bundle tables, then validated and upserted as a bundle is), and exporting.

`bundle_import` is deliberately not wrapped in one transaction: the ImportRun row is written before and
after the data transaction so an attempt is recorded even when the import fails and its data rolls back.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
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
    *,
    path: str | Path,
    dry_run: bool = False,
    user=None,
    command: str = "",
    progress_to=None,
    progress_phase=None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Validate the whole bundle at `path` (a folder or a .zip), then, unless dry_run, upsert it in one
    transaction and refresh the derived fields of the children it touched. Any error means nothing is
    written. Returns the ImportRun recording the attempt (status succeeded, validated or failed; counts per
    file; every error, capped, with the exact error_count). `progress_to` (a function taking a line) hears
    how far the check and the writing have got, every few seconds; `progress_phase(phase, file, rows)` the
    same as numbers (see `_load`). `run`, when given, is an existing run to record the attempt on (a browser
    upload's, validated first and applied once confirmed) instead of a new one."""
    run = _start(run, kind=ImportKind.BUNDLE, source=str(path), dry_run=dry_run, user=user, command=command)
    report = BundleReport()
    with _attempt(run, report, dry_run, what=f"bundle import of {path}"):
        with BundleSource(path, report) as source:
            _load(source, report, dry_run=dry_run, progress_to=progress_to, progress_phase=progress_phase)
    return run


def _start(run: ImportRun | None, *, kind: str, source: str, dry_run: bool, user, command: str) -> ImportRun:
    """The run recording an attempt: a new one, or `run` (kept as it is, with its source, starter and
    command) marked running again."""
    if run is None:
        return ImportRun.objects.create(
            kind=kind, source=source[:500], dry_run=dry_run, started_by=user, command=command[:200]
        )
    run.dry_run = dry_run
    run.status = ImportStatus.RUNNING
    run.finished_at = None
    run.save(update_fields=["dry_run", "status", "finished_at"])
    return run


@contextmanager
def _attempt(run: ImportRun, report: BundleReport, dry_run: bool, *, what: str):
    """Every import's ending, whatever the format: a BundleAbort's reason is already in the report; a
    database refusal (validation should make it impossible) has rolled the transaction back and is reported
    like any other failure; anything else is reported and raised. The run is finished with the report."""
    try:
        yield
    except BundleAbort:
        pass
    except DatabaseError as e:
        logger.exception("%s failed in the database", what)
        report.add("", None, "", "", f"database error, nothing written: {e}")
    except Exception as e:
        report.add("", None, "", "", f"internal error, nothing written: {e!r}")
        _finish(run, report, dry_run)
        raise
    _finish(run, report, dry_run)


def _load(source, report: BundleReport, *, dry_run: bool, progress_to=None, progress_phase=None) -> None:
    """The one pipeline after parsing: validate every table of `source` (a bundle, or a return translated
    into bundle tables), then, if nothing blocks, compare (dry run) or upsert in one transaction.

    `progress_phase(phase, file, rows)` is told the rows checked ("check") and compared or written
    ("write") as they go, and once with 0 rows just before the writing transaction opens (after it, until
    it commits, nothing the import's connection writes can be seen by anyone else)."""
    phases = _Phases(progress_to) if progress_to else None

    def told(phase: str, filename: str, rows: int) -> None:
        if phases:
            phases(phase, filename, rows)
        if progress_phase:
            progress_phase(phase, filename, rows)

    loader = BundleLoader(source, report, progress=told if phases or progress_phase else None)
    loader.validate()
    if phases:
        phases.end()
    if report.ok:
        if dry_run:
            loader.apply(write=False)
        else:
            if progress_phase:
                progress_phase("write", "", 0)
            _write(loader)
    if phases:
        phases.end()


def _write(loader: BundleLoader) -> None:
    from django.db import connection

    from apps.core.services import ensure_la
    from apps.imports.derived import refresh_derived_fields

    from .bundle.bulk import loading_into_empty

    with transaction.atomic():
        ensure_la()
        with loading_into_empty(connection, loader.models_written()):
            loader.apply(write=True)
            if not loader.report.ok:
                raise BundleAbort("errors while writing")
            # Still inside: on a first load the derived columns are written (every row updated once) before
            # the plain indexes are built, so the updates do not maintain them row by row.
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
    progress_to=None,
    progress_phase=None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import a statutory return (apps.imports.statutory.FORMATS) through the bundle's pipeline: the return is
    read and translated into the bundle's record tables (its own problems reported: blocking ones as errors,
    rows left out, values stored blank and repaired episodes as warnings), the tables are validated by the
    bundle's loader and, unless anything blocks or dry_run, upserted in one transaction. Returns the
    ImportRun recording the attempt, with every error and warning pointing at the return's file, line and
    column. `progress` hears how far the reading has got (the format's own), `progress_to` (a function
    taking a line) the check and the writing, as for a bundle, and `progress_phase` the same as numbers;
    `run` is an existing run to record the attempt on (see bundle_import)."""
    from .statutory import FORMATS

    reader_class = FORMATS[format]
    run = _start(
        run,
        kind=format,
        source=", ".join(str(p) for p in paths),
        dry_run=dry_run,
        user=user,
        command=command,
    )
    report = BundleReport()
    translation = None
    with _attempt(run, report, dry_run, what=f"{format} import of {paths}"):
        try:
            translation = reader_class(report, year=year, progress=progress).translate(paths)
            if report.ok:
                _load(
                    translation.source(),
                    report,
                    dry_run=dry_run,
                    progress_to=progress_to,
                    progress_phase=progress_phase,
                )
        finally:
            if translation is not None:
                # Problems found in the translated tables, pointed back at the return's file, line, column.
                translation.relocate(report)
    return run


# A push through the API carries at most this many rows: a case system sends what changed, not its history.
API_MAX_ROWS = 1000


class RecordsRefused(ValueError):
    """A push the pipeline cannot even read: not rows of a record type (said why), nothing recorded."""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise RecordsRefused(f"a value must be text, a number, true/false or null, not {type(value).__name__}")


def records_upsert(*, name: str, rows, user=None, dry_run: bool = False) -> ImportRun:
    """Rows of one record type (bundle columns -> values) from a case system through the API, checked by the
    bundle's own validation and upserted in one transaction, as a bundle file of those rows would be: the
    columns a row leaves out keep their stored values, and nothing is written while anything is wrong. Every
    attempt is an ImportRun whose problems name the row (1 = the first) and column."""
    from .bundle.spec import BY_NAME
    from .statutory.base import Translation

    spec = BY_NAME.get(name)
    if spec is None or spec.name in ("teams", "entered_measures"):
        raise RecordsRefused(f"{name!r} is not a record type the API takes")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise RecordsRefused('send {"rows": [...]}, a list of one or more records (column -> value)')
    if len(rows) > API_MAX_ROWS:
        raise RecordsRefused(f"at most {API_MAX_ROWS:,} rows a request ({len(rows):,} sent)")
    known = [c.name for c in spec.columns]
    unknown = sorted({k for r in rows for k in r} - set(known))
    if unknown:
        raise RecordsRefused(
            f"{name} has no column {', '.join(map(repr, unknown))} (its columns: {', '.join(known)})"
        )
    columns = [c for c in known if any(c in r for r in rows)]
    where = f"{name} (API)"
    translation = Translation()
    translation.table(name, columns)
    for line, row in enumerate(rows, start=1):
        translation.add(
            name,
            {c: _cell(row.get(c)) for c in columns},
            file=where,
            line=line,
            columns={c: c for c in columns},
        )
    run = ImportRun.objects.create(
        kind=ImportKind.API, source=where, dry_run=dry_run, started_by=user, command=f"API {name}"
    )
    report = BundleReport()
    with _attempt(run, report, dry_run, what=f"API push of {name}"):
        try:
            _load(translation.source(), report, dry_run=dry_run)
        finally:
            translation.relocate(report)
    return run
