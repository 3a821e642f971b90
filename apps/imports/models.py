from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ImportKind(models.TextChoices):
    BUNDLE = "bundle", "CSV bundle"
    ANNEX_A = "annex_a", "Annex A workbook"
    CIN_CENSUS = "cin_census", "CIN census XML"
    SSDA903 = "ssda903", "SSDA903"
    DFE_STATISTICS = "dfe_statistics", "DfE published statistics"
    DEMO = "demo", "Generated demo council"
    API = "api", "Records sent through the API"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    VALIDATED = "validated", "Validated (dry run, nothing written)"
    FAILED = "failed", "Failed (nothing written)"
    # A browser upload whose dry run blocked nothing: its report waits for the importer to confirm or discard.
    AWAITING = "awaiting", "Awaiting confirmation (nothing written yet)"
    DISCARDED = "discarded", "Discarded (nothing written)"


class ProgressUnit(models.TextChoices):
    ROWS = "rows", "rows"
    BYTES = "bytes", "bytes"


class ImportRun(models.Model):
    """One attempt to load data, successful or not: who, what, when, counts and every error found."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    source = models.CharField(max_length=500, help_text="file or folder read")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    command = models.CharField(max_length=200, blank=True, help_text="how it was started (command or page)")
    # {"contacts.csv": {"rows": 10, "created": 8, "updated": 1, "unchanged": 1}, ...}
    counts = models.JSONField(default=dict, blank=True)
    # [{"file": ..., "row": ..., "column": ..., "value": ..., "reason": ...}, ...] (capped; error_count is exact)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # Problems that did not block (a statutory return's rows left out, values stored blank, repaired
    # episodes), in the shape of `errors`; capped like it, warning_count exact.
    warnings = models.JSONField(default=list, blank=True)
    warning_count = models.PositiveIntegerField(default=0)
    # How far a running import has got, written by its task at most about once a second
    # (apps.imports.uploads.RunProgress) and read by the run page's progress endpoint.
    phase = models.CharField(max_length=20, blank=True, help_text="read, check or write; blank when idle")
    phase_started_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True, help_text="blank when not known")
    progress_unit = models.CharField(max_length=5, choices=ProgressUnit.choices, blank=True)
    progress_note = models.CharField(max_length=200, blank=True, help_text="the file being read or written")
    progress_at = models.DateTimeField(null=True, blank=True)
    # A browser upload: the private folder its files wait in (settings.IMPORT_UPLOAD_DIR; emptied and removed
    # once the run is applied or discarded) and the collection year asked for.
    upload_dir = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_run_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_run_status_valid"
            ),
            # Confirming applies the files kept for it: a run awaiting confirmation without them could
            # never be applied.
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.AWAITING) | ~Q(upload_dir=""),
                name="import_run_awaiting_has_upload",
            ),
            models.CheckConstraint(
                condition=Q(progress_unit__in=["", *ProgressUnit.values]),
                name="import_run_progress_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress_total__isnull=True) | Q(progress_done__lte=F("progress_total")),
                name="import_run_progress_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source} ({self.status})"

    @property
    def is_upload(self) -> bool:
        return bool(self.upload_dir)

    @property
    def awaiting(self) -> bool:
        return self.status == ImportStatus.AWAITING

    @property
    def record_counts(self) -> dict[str, dict]:
        """The counts of the record tables written, without a statutory return's own files (those carry
        `left_out`): their rows are the same records counted as read."""
        return {f: c for f, c in self.counts.items() if isinstance(c, dict) and "left_out" not in c}

    @property
    def rows_total(self) -> int:
        return sum(c.get("rows", 0) for c in self.record_counts.values())
