"""Writes for imports uploaded in the browser (/imports/new/): keep the files, validate them (a dry run), wait
for the importer to confirm or discard, then import them; and the progress a running import shows.

The flow, each step a function here called by a view or a task (apps/imports/tasks.py):

    upload_store    the files are sniffed (apps/imports/sniff.py), kept in a private folder of their own under
                    settings.IMPORT_UPLOAD_DIR and recorded as an ImportRun (running, dry run); the
                    validation task is queued once that is committed
    upload_validate the dry run through the format's own importer: the run ends "awaiting confirmation"
                    when nothing blocks, else "failed" (and its files are deleted: nothing can be confirmed)
    upload_confirm  awaiting -> running (not a dry run), the import task queued
    upload_apply    the import itself, on the same run, then the files are deleted whatever the outcome
    upload_discard  awaiting -> discarded, the files deleted
    uploads_purge   runs left awaiting (or stuck validating) longer than IMPORT_UPLOAD_KEEP_DAYS are
                    discarded and their files deleted, and so are folders no run points to

The folder is never served: it is not under STATIC_ROOT or MEDIA_ROOT, and no URL names it; the files are
read only by the importers, through the paths kept on the run.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from . import sniff
from .models import ImportRun, ImportStatus, ProgressUnit
from .services import bundle_import, statutory_import

logger = logging.getLogger(__name__)

UPLOAD_COMMAND = "browser upload (/imports/new/)"


class UploadRefused(ValueError):
    """Files that cannot be taken for the format: `problems` says, file by file, why. Nothing was kept."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def size_text(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB" if n >= 1_000_000 else f"{n:,} bytes"


# == storing ==================================================================================================


def upload_root() -> Path:
    return Path(settings.IMPORT_UPLOAD_DIR)


def _safe_names(names: list[str]) -> list[str]:
    """Each file's name as stored: its last path part (a browser may send a folder too), made of letters,
    digits, '-', '_' and '.', at most 100 characters, unique within the upload."""
    out: list[str] = []
    for raw in names:
        base = raw.replace("\\", "/").rsplit("/", 1)[-1]
        try:
            name = get_valid_filename(base)[:100]
        except SuspiciousFileOperation:
            name = "file"
        name = name.lstrip(".") or "file"
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate in out:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        out.append(candidate)
    return out


def format_label(fmt: str) -> str:
    return next((label for code, label, _ in sniff.formats() if code == fmt), fmt)


def check_files(*, fmt: str, files) -> list[str]:
    """Every reason the uploaded `files` cannot be taken for `fmt` (empty: they can), from their content."""
    rule = sniff.rule(fmt)
    label = format_label(fmt)
    problems = []
    if not files:
        return [f"Choose the file{'s' if rule.many else ''} to upload: {rule.wants}."]
    if len(files) > 1 and not rule.many:
        problems.append(f"{label} takes one file ({rule.wants}); {len(files)} were chosen.")
    total = sum(f.size for f in files)
    if total > settings.IMPORT_UPLOAD_MAX_BYTES:
        problems.append(too_big_message(total))
    for f in files:
        why = sniff.refusal(label, f.name, sniff.sniff(f), rule)
        if why:
            problems.append(why)
    return problems


def too_big_message(size: int | None = None) -> str:
    limit = settings.IMPORT_UPLOAD_MAX_BYTES
    sent = f" (at least {size_text(size)} sent)" if size else ""
    return (
        f"The upload is larger than the limit of {size_text(limit)}{sent}; nothing was kept. Split the return "
        "into smaller uploads, or ask an administrator to import it with the import_statutory or "
        "import_bundle command."
    )


@transaction.atomic
def upload_store(*, fmt: str, files, year: int | None, user) -> ImportRun:
    """Keep the uploaded `files` (Django UploadedFiles) for format `fmt` in a private folder of their own and
    record the upload as an ImportRun being validated; queue the validation once committed. Raises
    UploadRefused (nothing kept) when the files are not what the format takes."""
    if fmt not in {code for code, _, _ in sniff.formats()}:
        raise UploadRefused([f"{fmt!r} is not a format the portal imports."])
    problems = check_files(fmt=fmt, files=files)
    if problems:
        raise UploadRefused(problems)
    root = upload_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = root / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(8)}"
    folder.mkdir(mode=0o700)
    names = _safe_names([f.name for f in files])
    try:
        for f, name in zip(files, names, strict=True):
            fd = os.open(
                folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
            )
            with open(fd, "wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
        run = ImportRun.objects.create(
            kind=fmt,
            source=", ".join(names)[:500],
            dry_run=True,
            status=ImportStatus.RUNNING,
            started_by=user,
            command=UPLOAD_COMMAND,
            upload_dir=str(folder),
            year=year,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # A rollback after this point (the caller's transaction) leaves a folder no run names: purged later.
    _queue_on_commit("upload_validate", run.pk)
    return run


def upload_paths(run: ImportRun) -> list[Path]:
    folder = Path(run.upload_dir)
    if not run.upload_dir or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def _remove_files(run: ImportRun) -> None:
    folder = Path(run.upload_dir) if run.upload_dir else None
    # Only a folder of the upload directory: a run's path is never trusted to point anywhere else.
    if folder and folder.parent.resolve() == upload_root().resolve() and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


# == validating, confirming, applying, discarding =============================================================


def _run_import(run: ImportRun, *, dry_run: bool) -> ImportRun:
    paths = upload_paths(run)
    progress = RunProgress(run, dry_run=dry_run, total_bytes=sum(p.stat().st_size for p in paths))
    common = {"dry_run": dry_run, "run": run, "progress_phase": progress.phase}
    try:
        if not paths:
            _fail_missing(run)
        elif run.kind == sniff.BUNDLE:
            bundle_import(path=paths[0], **common)
        else:
            statutory_import(format=run.kind, paths=paths, year=run.year, progress=progress.read, **common)
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def _fail_missing(run: ImportRun) -> None:
    run.status = ImportStatus.FAILED
    run.errors = [
        {
            "file": "",
            "row": None,
            "column": "",
            "value": "",
            "reason": "the uploaded files are no longer kept",
        }
    ]
    run.error_count = 1
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "errors", "error_count", "finished_at"])


def _queue_on_commit(task: str, run_id: int) -> None:
    """Queue apps.imports.tasks.<task> for the run once the caller's transaction commits. Found by name in
    Celery's registry: the tasks call this module, and this module does not import them back."""
    from celery import current_app

    transaction.on_commit(lambda: current_app.tasks[f"apps.imports.tasks.{task}"].delay(run_id))


def upload_validate(*, run_id: int) -> ImportRun | None:
    """The dry run of an upload: awaiting confirmation when nothing blocks, else failed with its files
    deleted. Does nothing for a run that is not an upload being validated (a task delivered twice)."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportStatus.RUNNING, dry_run=True).first()
    if run is None or not run.upload_dir:
        return run
    run = _run_import(run, dry_run=True)
    if run.status == ImportStatus.VALIDATED:
        ImportRun.objects.filter(pk=run.pk, status=ImportStatus.VALIDATED).update(
            status=ImportStatus.AWAITING
        )
        run.refresh_from_db()
    else:
        _remove_files(run)
    return run


@transaction.atomic
def upload_confirm(*, run: ImportRun, user) -> bool:
    """Start importing an upload awaiting confirmation (queued once committed). False when it is not
    awaiting confirmation (already confirmed or discarded, or its dry run blocked)."""
    changed = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.AWAITING).update(
        status=ImportStatus.RUNNING,
        dry_run=False,
        finished_at=None,
        command=f"{run.command}; confirmed by {user.username}"[:200],
    )
    if not changed:
        return False
    _queue_on_commit("upload_apply", run.pk)
    return True


def upload_apply(*, run_id: int) -> ImportRun | None:
    """Import a confirmed upload on its run, then delete its files whatever the outcome. Does nothing for a
    run that is not a confirmed upload (a task delivered twice after it finished)."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportStatus.RUNNING, dry_run=False).first()
    if run is None or not run.upload_dir:
        return run
    try:
        run = _run_import(run, dry_run=False)
    finally:
        _remove_files(run)
    return run


@transaction.atomic
def upload_discard(*, run: ImportRun, user) -> bool:
    """Discard an upload awaiting confirmation: nothing is imported and its files are deleted. False when it
    is not awaiting confirmation."""
    changed = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.AWAITING).update(
        status=ImportStatus.DISCARDED,
        finished_at=timezone.now(),
        command=f"{run.command}; discarded by {user.username}"[:200],
    )
    if changed:
        transaction.on_commit(lambda: _remove_files(run))
    return bool(changed)


def uploads_purge(*, days: int | None = None, now=None) -> dict[str, int]:
    """Discard uploads left awaiting confirmation (or validating: a worker that died) for more than `days`
    (settings.IMPORT_UPLOAD_KEEP_DAYS), and delete their files and any upload folder that old that no
    awaiting or running run names. Returns how many runs were discarded and folders deleted."""
    days = settings.IMPORT_UPLOAD_KEEP_DAYS if days is None else days
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    stale = ImportRun.objects.filter(started_at__lt=cutoff).exclude(upload_dir="")
    abandoned = list(
        stale.filter(status=ImportStatus.AWAITING) | stale.filter(status=ImportStatus.RUNNING, dry_run=True)
    )
    for run in abandoned:
        ImportRun.objects.filter(pk=run.pk, status=run.status).update(
            status=ImportStatus.DISCARDED,
            finished_at=now,
            command=f"{run.command}; discarded unconfirmed after {days} days"[:200],
        )
        _remove_files(run)
    live = set(
        ImportRun.objects.filter(status__in=[ImportStatus.AWAITING, ImportStatus.RUNNING])
        .exclude(upload_dir="")
        .values_list("upload_dir", flat=True)
    )
    removed = 0
    root = upload_root()
    if root.is_dir():
        for folder in root.iterdir():
            old = folder.stat().st_mtime < cutoff.timestamp()
            if folder.is_dir() and not folder.is_symlink() and old and str(folder) not in live:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return {"discarded": len(abandoned), "folders_removed": removed}


# == progress =================================================================================================


class RunProgress:
    """How far an import has got, on its ImportRun (phase, done, total, unit, note, when), written at most
    every `every` seconds and at each change of phase, for the run page to poll.

    `read(file, rows, done, total)` is a statutory format's reading (bytes of each file: the upload's total is
    known); `phase(phase, file, rows)` is the pipeline's check and write (see services._load). While the
    import's one writing transaction is open, its own connection's writes are invisible to everyone else,
    so progress is written through a second connection where the database lets two writers work at once
    (PostgreSQL); on SQLite, whose writers queue behind the import's, the page shows the writing phase
    begun and its total, not its rows."""

    def __init__(
        self, run: ImportRun, *, dry_run: bool, total_bytes: int, every: float = 1.0, clock=time.monotonic
    ):
        self.run, self.dry_run, self.total_bytes = run, dry_run, total_bytes
        self.every, self.clock = every, clock
        self.current: str | None = None
        self.done = 0
        self.total: int | None = None
        self.checked = 0
        self.note = ""
        self.files_read: dict[str, int] = {}
        self._last = float("-inf")
        self._side = None  # the second connection, opened when first needed

    def read(self, file: str, rows: int, done: int, total: int) -> None:
        self.files_read[file] = done
        self._enter("read", ProgressUnit.BYTES, max(self.total_bytes, sum(self.files_read.values())))
        self.done = sum(self.files_read.values())
        self.note = f"{file}: {rows:,} rows"
        self._save()

    def phase(self, phase: str, file: str, rows: int) -> None:
        if phase == "write":
            self._enter("compare" if self.dry_run else "write", ProgressUnit.ROWS, self.checked or None)
        else:
            self._enter(phase, ProgressUnit.ROWS, None)
        self.done += rows
        if phase == "check":
            self.checked = self.done
        if file:
            self.note = file
        self._save()

    def _enter(self, phase: str, unit: str, total: int | None) -> None:
        if phase == self.current:
            return
        self.current, self.unit, self.total, self.done, self.note = phase, unit, total, 0, ""
        self.started = timezone.now()
        self._save(force=True)

    def _values(self) -> dict:
        total = max(self.total, self.done) if self.total is not None else None
        return {
            "phase": self.current or "",
            "phase_started_at": self.started,
            "progress_done": self.done,
            "progress_total": total,
            "progress_unit": self.unit,
            "progress_note": self.note[:200],
            "progress_at": timezone.now(),
        }

    def _save(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._last < self.every:
            return
        self._last = now
        values = self._values()
        if self.current != "write" or self.dry_run:
            ImportRun.objects.filter(pk=self.run.pk).update(**values)
        elif force:
            # Just before the writing transaction opens (services._load says so with 0 rows): still visible.
            ImportRun.objects.filter(pk=self.run.pk).update(**values)
        else:
            self._save_aside(values)

    def _save_aside(self, values: dict) -> None:
        if connections["default"].vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection("default")
        columns = ", ".join(f"{ImportRun._meta.get_field(k).column} = %s" for k in values)
        try:
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportRun._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608 - field names
                    [*values.values(), self.run.pk],
                )
        except Exception:  # progress is a courtesy: never let it fail the import
            logger.warning("could not record the progress of import run %s", self.run.pk, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        ImportRun.objects.filter(pk=self.run.pk).update(phase="", progress_at=timezone.now())
