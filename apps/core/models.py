from django.db import models
from django.db.models import Q


class OrgLevel(models.TextChoices):
    LA = "la", "Local authority"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"


class OrgUnit(models.Model):
    """A node of the council's structure: the LA at the root, services under it, teams under services.

    Every measure is computed for each node; records name the team that holds them. Services and teams come
    from `teams.csv`; the LA node comes from settings (COUNCIL_CODE / COUNCIL_NAME)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=OrgLevel.values), name="orgunit_level_valid"),
            # Only the LA sits at the root; every service and team hangs under something.
            models.CheckConstraint(
                condition=(Q(level="la", parent__isnull=True) | (~Q(level="la") & Q(parent__isnull=False))),
                name="orgunit_parent_by_level",
            ),
            models.UniqueConstraint(fields=["level"], condition=Q(level="la"), name="orgunit_single_la"),
            models.CheckConstraint(condition=~Q(code=""), name="orgunit_code_not_blank"),
        ]

    def __str__(self):
        return self.name


class Population(models.Model):
    """Children aged 0-17 in the LA for a financial year (year = the April it starts in). Rates per 10,000
    divide by this; it is data (entered or imported from ONS/DfE), never a constant in code."""

    year = models.PositiveSmallIntegerField(unique=True)
    age_0_17 = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="population_year_range"),
            models.CheckConstraint(condition=Q(age_0_17__gt=0), name="population_positive"),
        ]

    def __str__(self):
        return f"{self.year}/{(self.year + 1) % 100:02d}: {self.age_0_17:,}"


class WorkingDay(models.Model):
    """The working-day calendar as a table, so durations can be computed in SQL: `ordinal` is the number of
    working days from 1900-01-01 up to and including `date` (apps.core.workdays.working_day_ordinal), and a
    duration A -> B in working days is ordinal(B) - ordinal(A). Filled by apps.core.calendar.ensure_calendar
    from the `holidays` package; refreshed when the package learns a new one-off holiday."""

    date = models.DateField(primary_key=True)
    ordinal = models.IntegerField()
    is_working = models.BooleanField()
    # The same calendar date 1 and 2 years earlier (29 Feb -> 28 Feb), so "within 12 months / 2 years before"
    # (re-referrals, repeat CP plans) is a plain comparison in SQL on any database.
    year_ago = models.DateField(null=True)
    two_years_ago = models.DateField(null=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} ({'working' if self.is_working else 'non-working'} #{self.ordinal})"
