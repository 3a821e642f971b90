from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.kpis.registry import SECTIONS

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
