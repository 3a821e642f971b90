from django.conf import settings
from django.db import models
from django.db.models import Q


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

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_run_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_run_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source} ({self.status})"

    @property
    def record_counts(self) -> dict[str, dict]:
        """The counts of the record tables written, without a statutory return's own files (those carry
        `left_out`): their rows are the same records counted as read."""
        return {f: c for f, c in self.counts.items() if isinstance(c, dict) and "left_out" not in c}

    @property
    def rows_total(self) -> int:
        return sum(c.get("rows", 0) for c in self.record_counts.values())
