from django.db import models
from django.db.models import Q

from apps.core.fields import code_in, ends_after_starts

from .choices import AbuseCategory, VisitKind


class CINPlan(models.Model):
    """A child in need plan."""

    plan_id = models.CharField("plan ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="cin_plans")
    referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="cin_plans"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="cin_plans"
    )

    class Meta:
        verbose_name = "CIN plan"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(plan_id=""), name="cin_plan_id_not_blank"),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="cin_plan_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            # The plans open today are found through their end (case tracking's CIN visits).
            models.Index(fields=["end_date"]),
            models.Index(fields=["child", "start_date"]),
        ]

    def __str__(self):
        return self.plan_id


class CPPlan(models.Model):
    """A child protection plan with its initial and latest category of abuse."""

    plan_id = models.CharField("plan ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="cp_plans")
    referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="cp_plans"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="cp_plans"
    )

    class Meta:
        verbose_name = "CP plan"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(plan_id=""), name="cp_plan_id_not_blank"),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="cp_plan_end_after_start"
            ),
            models.CheckConstraint(
                condition=code_in("initial_category", AbuseCategory), name="cp_initial_category_valid"
            ),
            models.CheckConstraint(
                condition=code_in("latest_category", AbuseCategory), name="cp_latest_category_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["end_date"]),
            models.Index(fields=["child", "start_date"]),
        ]

    def __str__(self):
        return self.plan_id


class Visit(models.Model):
    """A statutory visit to a child (CIN, CP, looked after, care leaver)."""

    visit_id = models.CharField("visit ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="visits")
    visit_date = models.DateField()
    kind = models.CharField(max_length=12, choices=VisitKind.choices)
    seen = models.BooleanField(null=True, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )

    class Meta:
        ordering = ["-visit_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(visit_id=""), name="visit_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", VisitKind, blank_ok=False), name="visit_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["child", "kind", "visit_date"]), models.Index(fields=["visit_date"])]

    def __str__(self):
        return self.visit_id
