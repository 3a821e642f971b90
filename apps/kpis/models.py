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
