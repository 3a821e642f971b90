from django.conf import settings
from django.db import models
from django.db.models import Q


class EnteredMeasure(models.Model):
    """A monthly figure entered by hand for a measure the portal does not compute (catalogue section 11),
    with its source in the note. The whole LA is the LA org unit (blank org_unit in the bundle)."""

    kpi_code = models.CharField("KPI code", max_length=60)
    period = models.CharField(max_length=7, help_text="YYYY-MM")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="entered_measures")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi_code", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kpi_code", "period", "org_unit"], name="entered_measure_unique"),
            models.CheckConstraint(condition=~Q(kpi_code=""), name="entered_measure_code_not_blank"),
            models.CheckConstraint(
                condition=Q(period__gte="1990-01", period__lte="2100-12"), name="entered_measure_period_range"
            ),
            # A figure is either given as a value or as numerator/denominator; never nothing.
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(numerator__isnull=False),
                name="entered_measure_has_figure",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="entered_measure_denominator_ok",
            ),
        ]
        indexes = [models.Index(fields=["period"])]

    def __str__(self):
        return f"{self.kpi_code} {self.period}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class SnapshotRun(models.Model):
    """One computation of one period (all measures or a section): what ran, when, and what it wrote."""

    period = models.CharField(max_length=7)
    trigger = models.CharField(max_length=40, help_text="command, task or page that started it")
    sections = models.CharField(max_length=200, blank=True, help_text="blank = every section")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    measures = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    restated = models.JSONField(default=list, blank=True, help_text="measure codes given a new version")
    queries = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["period", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="snapshot_run_status")
        ]

    def __str__(self):
        return f"{self.period} {self.status} ({self.started_at:%Y-%m-%d %H:%M})"


class Snapshot(models.Model):
    """One stored figure: a measure for a period, basis (month, ytd, r12, at_end, ...), org unit and breakdown
    value (blank = the whole), at a version. Version 1 is replaced while its month is open; once the month is
    frozen, a recompute that changes anything writes version n+1 and the older versions stay readable."""

    measure = models.CharField(max_length=60)
    period = models.CharField(max_length=7)
    basis = models.CharField(max_length=20)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.CASCADE, related_name="snapshots")
    dimension = models.CharField(max_length=40, blank=True, help_text="breakdown dimension; blank = whole")
    breakdown = models.CharField(max_length=80, blank=True, help_text="breakdown value; blank = whole")
    version = models.PositiveSmallIntegerField(default=1)
    numerator = models.DecimalField(max_digits=20, decimal_places=6)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    computed_at = models.DateTimeField()
    run = models.ForeignKey(
        SnapshotRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="rows"
    )

    class Meta:
        ordering = ["measure", "period", "org_unit", "basis", "dimension", "breakdown", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "basis", "org_unit", "dimension", "breakdown", "version"],
                name="snapshot_unique_key",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="snapshot_version_positive"),
            models.CheckConstraint(
                condition=(Q(dimension="") & Q(breakdown="")) | ~Q(dimension=""),
                name="snapshot_breakdown_has_dim",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "org_unit", "measure"]),
            models.Index(fields=["measure", "org_unit", "period"]),
            # Pages read the newest version of each (measure, period): a lookup this index answers directly.
            models.Index(fields=["measure", "period", "version"], name="snapshot_newest_version"),
        ]

    def __str__(self):
        return f"{self.measure} {self.period} {self.basis} v{self.version}"


class PeriodState(models.Model):
    """Whether a month's snapshot is open (refreshed nightly) or frozen (published); backfills read it to
    resume where they stopped."""

    period = models.CharField(max_length=7, unique=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    last_computed_at = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(
        SnapshotRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The month's small-number suppression for viewers (apps.kpis.suppression): the pks of the snapshot rows
    # withheld. Worked out once (on publication, or on the first viewer's read) and kept, because a large
    # council's month takes seconds; any write to the month's snapshots clears it (services._Writes).
    withheld = models.JSONField(null=True, blank=True, help_text="null = not worked out since the last write")
    withheld_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period} ({'frozen' if self.frozen_at else 'open'})"


class Backfill(models.Model):
    """A backfill of a range of months, computed by one or more workers that each claim the next month not
    yet claimed. `done` lists the months finished and `claims` the months being computed (month -> worker and
    since when; a claim older than services.CLAIM_LEASE may be taken over);
    `next_period` is the first month not yet done. A backfill that was interrupted (worker killed, deploy)
    resumes with the months not done when the task runs again."""

    first_period = models.CharField(max_length=7)
    last_period = models.CharField(max_length=7)
    next_period = models.CharField(max_length=7)
    done = models.JSONField(default=list, blank=True)
    claims = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_period__lte=models.F("last_period")), name="backfill_range_ok"
            ),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="backfill_status_valid"),
        ]

    def __str__(self):
        return f"{self.first_period}..{self.last_period} ({self.status}, next {self.next_period})"


class Polarity(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"
    NONE = "none", "Context only"


class MeasureSetting(models.Model):
    """Admin overrides for a measure defined in the registry (polarity, LA standards, programme targets)."""

    measure = models.CharField(max_length=60, unique=True)
    polarity = models.CharField(max_length=4, choices=Polarity.choices, blank=True)
    parameters = models.JSONField(default=dict, blank=True, help_text='e.g. {"visit_standard_wd": 20}')

    def __str__(self):
        return self.measure


class ToleranceKind(models.TextChoices):
    ABSOLUTE = "absolute", "Absolute (same unit as the measure)"
    RELATIVE = "relative", "Relative (% of the target)"


class Target(models.Model):
    """A target for a measure in a financial year, for the LA or one service/team, with an amber band."""

    measure = models.CharField(max_length=60)
    financial_year = models.PositiveSmallIntegerField(help_text="the year the financial year starts in")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.CASCADE, related_name="targets")
    basis = models.CharField(max_length=20, blank=True, help_text="blank = the measure's headline basis")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    amber_tolerance = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    tolerance_kind = models.CharField(
        max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.ABSOLUTE
    )

    class Meta:
        ordering = ["measure", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "financial_year", "org_unit", "basis"], name="target_unique"
            ),
            models.CheckConstraint(
                condition=Q(amber_tolerance__isnull=True) | Q(amber_tolerance__gte=0),
                name="target_tolerance_ok",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.financial_year}: {self.value}"


class Baseline(models.Model):
    """The period scorecards compare against ("change since Ofsted"). The newest active row applies."""

    label = models.CharField(max_length=100, default="Last Ofsted inspection")
    period = models.CharField(max_length=7)
    active = models.BooleanField(default=True)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="baseline_single_active"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.period})"


class BenchmarkKind(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    STAT_NEIGHBOURS = "stat_neighbours", "Statistical neighbours"
    GOOD_OUTSTANDING = "good_outstanding", "Good/outstanding LAs"
    OTHER = "other", "Other"


class Benchmark(models.Model):
    """A comparator value for a measure and year (England, region, statistical neighbours, hand-entered)."""

    measure = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField(help_text="the year the financial year (or 31 March) starts in")
    kind = models.CharField(max_length=20, choices=BenchmarkKind.choices)
    label = models.CharField(max_length=100, blank=True, help_text="e.g. the region's name")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "kind", "label"], name="benchmark_unique"),
            models.CheckConstraint(condition=Q(kind__in=BenchmarkKind.values), name="benchmark_kind_valid"),
        ]

    def __str__(self):
        return f"{self.measure} {self.year} {self.kind}: {self.value}"
