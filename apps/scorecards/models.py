"""Scorecard layouts: which measures a scorecard shows, under which headings and plan references, in what
order. Admins edit them in /manage/scorecard-layouts/; the booklet's Dashboard is the default layout
(fixtures/scorecard_layouts/booklet.json, loaded by a data migration). Figures are never stored here: a
row names a measure of the registry (apps.kpis.registry), the scorecard reads its snapshots."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.kpis.registry import SECTIONS

from .choices import TimescaleUnit, WorkKind

FIGURE_CHOICES = [
    ("", "The measure's value (e.g. the percentage)"),
    ("numerator", "The count (numerator)"),
    ("denominator", "The total (denominator)"),
]
POLARITY_CHOICES = [("up", "Higher is better"), ("down", "Lower is better"), ("none", "Context only")]


class ScorecardLayout(models.Model):
    """A named scorecard: sections of rows. One layout is the default, shown when no layout is asked for."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    is_default = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="scorecard_layout_slug_unique"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="scorecard_layout_single_default"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="scorecard_layout_slug_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="scorecard_layout_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class LayoutSection(models.Model):
    """A heading of a layout: in the booklet, a theme of the improvement plan."""

    layout = models.ForeignKey(ScorecardLayout, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["layout", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["layout", "order"], name="layout_section_order_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="layout_section_title_not_blank"),
        ]

    def __str__(self):
        return self.title


class LayoutRow(models.Model):
    """One line of a scorecard: a measure's figure for a basis (blank = the measure's headline basis), or one
    part of its breakdown (dimension + breakdown: the booklet's sub-rows such as audit grades or missing from
    home / from care), or a link to a section page instead of a figure (`page_url`, no measure).

    `headline` marks the rows a summary shows; a sub-row is drawn indented under the row before it."""

    section = models.ForeignKey(LayoutSection, on_delete=models.CASCADE, related_name="rows")
    order = models.PositiveSmallIntegerField(default=0)
    plan_ref = models.CharField("plan ID", max_length=20, blank=True, help_text='e.g. "T1", "2a(i)"')
    measure = models.CharField(max_length=60, blank=True, help_text="a code of the KPI registry")
    basis = models.CharField(max_length=20, blank=True, help_text="blank = the measure's headline basis")
    dimension = models.CharField(max_length=40, blank=True)
    breakdown = models.CharField(max_length=80, blank=True)
    figure = models.CharField(
        max_length=11,
        choices=FIGURE_CHOICES,
        blank=True,
        help_text="what the row shows: the booklet shows audits by type as counts, by grade as percentages",
    )
    polarity = models.CharField(
        max_length=4,
        choices=POLARITY_CHOICES,
        blank=True,
        help_text="blank = the measure's (admins' override applied); a part may differ, e.g. agency staff",
    )
    headline = models.BooleanField(default=False)
    by_org_unit = models.BooleanField(
        "by service or team",
        default=False,
        help_text="followed by one sub-row per service (on the council's scorecard) or team (on a service's)",
    )
    label = models.CharField(max_length=200, blank=True, help_text="blank = the measure's label")
    page_url = models.CharField(
        "page link", max_length=300, blank=True, help_text="a portal path, e.g. /pages/s47/, shown as a link"
    )

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="layout_row_order_unique"),
            # A row shows a figure or points to a page; never neither.
            models.CheckConstraint(
                condition=~Q(measure="") | ~Q(page_url=""), name="layout_row_measure_or_page"
            ),
            models.CheckConstraint(
                condition=(Q(dimension="") & Q(breakdown="")) | (~Q(dimension="") & ~Q(breakdown="")),
                name="layout_row_breakdown_has_dim",
            ),
            models.CheckConstraint(
                condition=Q(dimension="") | ~Q(measure=""), name="layout_row_breakdown_needs_measure"
            ),
            # Only a path of the portal: never an address elsewhere (or javascript:).
            models.CheckConstraint(
                condition=Q(page_url="") | (Q(page_url__startswith="/") & ~Q(page_url__startswith="//")),
                name="layout_row_page_is_path",
            ),
            models.CheckConstraint(
                condition=Q(polarity__in=["", "up", "down", "none"]), name="layout_row_polarity_valid"
            ),
            models.CheckConstraint(
                condition=Q(figure__in=["", "numerator", "denominator"]), name="layout_row_figure_valid"
            ),
            models.CheckConstraint(
                condition=Q(by_org_unit=False) | ~Q(measure=""), name="layout_row_by_unit_needs_measure"
            ),
            # A page row without a measure needs a label to show.
            models.CheckConstraint(condition=~Q(measure="") | ~Q(label=""), name="layout_row_has_label"),
        ]
        indexes = [models.Index(fields=["measure"])]

    def __str__(self):
        what = self.label or self.measure
        if self.breakdown:
            what = f"{what} — {self.breakdown}"
        return f"{self.plan_ref} {what}".strip()

    @property
    def is_sub_row(self) -> bool:
        return bool(self.dimension)


OVERALL = ""  # the director's (or a service's) commentary on the month as a whole, not one section
SECTION_CHOICES = [(OVERALL, "The month as a whole"), *SECTIONS.items()]


class Commentary(models.Model):
    """What the people who answer for a unit say about its month, per section (catalogue section, or the
    month as a whole), written in the portal and shown beside the figures on the scorecard and the page.

    Never edited in place: each save is a new version, so the history of what was said, by whom and when is
    kept (and audited: apps.scorecards.services.commentary_write)."""

    period = models.CharField(max_length=7, help_text="YYYY-MM")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="commentary")
    section = models.CharField(max_length=4, blank=True, choices=SECTION_CHOICES)
    version = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="commentary"
    )
    author_name = models.CharField(max_length=150, help_text="kept if the account is ever removed")
    written_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "commentary"
        ordering = ["period", "org_unit", "section", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "org_unit", "section", "version"], name="commentary_one_row_per_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="commentary_version_positive"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^\d{4}-(0[1-9]|1[0-2])$"), name="commentary_period_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(section__in=[c for c, _ in SECTION_CHOICES]), name="commentary_section_known"
            ),
        ]
        indexes = [models.Index(fields=["period", "org_unit"])]

    def __str__(self):
        return f"{self.period} {self.section or 'overall'} v{self.version}"


class BookletEdition(models.Model):
    """One made booklet of a month for an org unit (the LA or a service): made when the month is published,
    again when it is restated, and on demand by analysts and admins. Editions are never replaced: a new one
    gets the next `version`, and every older one stays downloadable. `snapshot_version` is the highest
    version among the month's figures it was made from (1 until a figure is restated) and `figures_as_of`
    the newest of their computation times, so an edition says which figures it holds. Its files
    (BookletFile) hold aggregates only."""

    period = models.CharField(max_length=7, help_text="YYYY-MM")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="booklet_editions")
    version = models.PositiveSmallIntegerField(help_text="1, 2, ... for the month and org unit")
    snapshot_version = models.PositiveSmallIntegerField(help_text="highest version of the month's figures")
    figures_as_of = models.DateTimeField(null=True, blank=True)
    provisional = models.BooleanField(default=False, help_text="made from a month not yet published")
    trigger = models.CharField(max_length=40, help_text="published, restated or on demand")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField()
    notes = models.TextField(blank=True, help_text="what could not be made (e.g. no PDF renderer)")

    class Meta:
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "org_unit", "version"], name="booklet_edition_one_per_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="booklet_edition_version_positive"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^\d{4}-(0[1-9]|1[0-2])$"),
                name="booklet_edition_period_is_a_month",
            ),
        ]
        indexes = [models.Index(fields=["period", "org_unit", "version"])]

    def __str__(self):
        return f"{self.period} {self.org_unit_id} edition {self.version}"


class Audience(models.TextChoices):
    # Every signed-in role but viewers: every aggregate as computed (a booklet never holds child-level data).
    FULL = "full", "Portal users (every figure)"
    # Viewers (partner agencies, elected members): the published month with small numbers suppressed.
    PUBLISHED = "published", "Viewers (small numbers suppressed)"


class BookletFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class BookletFile(models.Model):
    """One file of an edition for one audience. Kept in the database with the edition (a few hundred KB to a
    few MB), so an edition and its files are stored or lost together and need no shared file system."""

    edition = models.ForeignKey(BookletEdition, on_delete=models.CASCADE, related_name="files")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    format = models.CharField(max_length=4, choices=BookletFormat.choices)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    seconds = models.FloatField(null=True, blank=True, help_text="time taken to make it")

    class Meta:
        ordering = ["edition", "audience", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "audience", "format"], name="booklet_file_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="booklet_file_audience_known"
            ),
            models.CheckConstraint(
                condition=Q(format__in=BookletFormat.values), name="booklet_file_format_known"
            ),
        ]

    def __str__(self):
        return f"{self.edition} {self.audience} {self.format}"


class BookletRecipient(models.Model):
    """Who is emailed a link when a booklet edition is ready; kept by admins at /manage/booklet-recipients/.
    A recipient gets the editions of one org unit's booklet (blank: the LA's)."""

    name = models.CharField(max_length=150)
    email = models.EmailField(unique=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booklet_recipients",
        help_text="the booklet they are sent (blank = the LA's)",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="booklet_recipient_name_not_blank"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class Timescale(models.Model):
    """The timescale of one kind of casework (apps.scorecards.casework), an admin-editable setting seeded with
    the statutory defaults (choices.DEFAULTS) and edited in /manage/timescales/ (audited). A kind runs from
    a first step, and for repeating work a second (`then`) and later (`later`) step: choices.STEPS says what
    each means for the kind. `due_soon` is the working days before the due date from which the work is
    listed as due soon."""

    kind = models.CharField(max_length=20, unique=True, choices=WorkKind.choices)
    first_amount = models.PositiveSmallIntegerField("first step")
    first_unit = models.CharField(max_length=12, choices=TimescaleUnit.choices)
    then_amount = models.PositiveSmallIntegerField("second step", null=True, blank=True)
    then_unit = models.CharField(max_length=12, choices=TimescaleUnit.choices, blank=True)
    later_amount = models.PositiveSmallIntegerField("later steps", null=True, blank=True)
    later_unit = models.CharField(max_length=12, choices=TimescaleUnit.choices, blank=True)
    due_soon = models.PositiveSmallIntegerField("due soon from (working days before the due date)", default=5)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WorkKind.values), name="timescale_kind_valid"),
            models.CheckConstraint(condition=Q(first_amount__gt=0), name="timescale_first_positive"),
            models.CheckConstraint(
                condition=Q(first_unit__in=TimescaleUnit.values), name="timescale_first_unit_valid"
            ),
            # A step is an amount with its unit, or neither. ("not null" said outright: a check on NULL > 0 is
            # unknown, which a CHECK lets through, so a unit without an amount would pass.)
            models.CheckConstraint(
                condition=Q(then_amount__isnull=True, then_unit="")
                | Q(then_amount__isnull=False, then_amount__gt=0, then_unit__in=TimescaleUnit.values),
                name="timescale_then_step_whole",
            ),
            models.CheckConstraint(
                condition=Q(later_amount__isnull=True, later_unit="")
                | Q(later_amount__isnull=False, later_amount__gt=0, later_unit__in=TimescaleUnit.values),
                name="timescale_later_step_whole",
            ),
            models.CheckConstraint(condition=Q(due_soon__lte=250), name="timescale_due_soon_range"),
        ]

    def __str__(self):
        return self.get_kind_display()


class CaseWorkBuild(models.Model):
    """One working-out of case tracking's open work as at a date (apps.scorecards.casework): every kind's
    items across the LA, due soon or overdue, computed in the database by each kind's query and kept so
    that every list, count and export of that date reads them rather than working them out again. It holds
    for the records of one import (`data_version`, imports.selectors.data_version: records change only by
    an import) and one set of timescales (`scales_key`); a later import or an edited timescale makes it
    obsolete, and the next list of the date makes a new one."""

    as_at = models.DateField()
    data_version = models.PositiveIntegerField(default=0)  # 0: no import yet
    scales_key = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["as_at", "data_version", "scales_key"])]

    def __str__(self):
        return f"case work as at {self.as_at} (import {self.data_version})"


class CaseWorkItem(models.Model):
    """One item of open work in a CaseWorkBuild: its kind, the record it is about, the child, the team and
    worker it counts for (the record's, else the child's allocation at the date), where its timescale runs
    from, its due date and that date's working-day ordinal. Derived data, never edited: the team and worker
    are plain keys (no constraint ties a build to records an import may replace; the build goes with them),
    the child a key without a database constraint, so that the access rules for child-level data know it."""

    build = models.ForeignKey(CaseWorkBuild, on_delete=models.CASCADE, related_name="work_items")
    work = models.CharField(max_length=20, choices=WorkKind.choices)
    record_id = models.CharField(max_length=100, blank=True)
    child = models.ForeignKey(
        "people.Child", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    team_pk = models.IntegerField(null=True, blank=True)
    worker_pk = models.IntegerField(null=True, blank=True)
    started = models.DateField()
    due = models.DateField()
    due_ord = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["build", "team_pk"]),
            models.Index(fields=["build", "worker_pk"]),
        ]

    def __str__(self):
        return f"{self.work} {self.record_id} due {self.due}"
