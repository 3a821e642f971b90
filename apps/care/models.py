from django.db import models
from django.db.models import Q

from apps.assessments.choices import Participation
from apps.core.fields import code_in, ends_after_starts

from .choices import (
    Accommodation,
    Activity,
    CategoryOfNeed,
    Eligibility,
    HealthAssessmentKind,
    InTouch,
    LegalStatus,
    MissingKind,
    PlacementProvider,
    PlacementType,
    ProceedingKind,
    ProceedingOutcome,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlacementChange,
)


class CareEpisode(models.Model):
    """An SSDA903 episode of care: a span with one legal status and one placement."""

    episode_id = models.CharField("episode ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="care_episodes")
    start_date = models.DateField("start (DECOM)")
    rne = models.CharField("reason for new episode", max_length=1, choices=ReasonNewEpisode.choices)
    # Blank = not recorded: real extracts hold such episodes and cla.legal_status counts them as a part.
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices, blank=True)
    category_of_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices, blank=True)
    placement_type = models.CharField(max_length=3, choices=PlacementType.choices, blank=True)
    placement_provider = models.CharField(max_length=3, choices=PlacementProvider.choices, blank=True)
    placement_postcode = models.CharField(max_length=10, blank=True)
    placement_inside_la = models.BooleanField("placed inside the LA", null=True, blank=True)
    end_date = models.DateField("end (DEC)", null=True, blank=True)
    reason_ceased = models.CharField(max_length=3, choices=ReasonCeased.choices, blank=True)
    reason_placement_change = models.CharField(
        max_length=6, choices=ReasonPlacementChange.choices, blank=True
    )
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="care_episodes"
    )
    # Derived per child (services.refresh_care_derived): the start of the period of care this episode belongs
    # to (consecutive episodes, each starting the day the last ended) and of its placement (episodes joined
    # while the reason for new episode is L, a legal-status change only), for NI62/NI63 and time in care.
    period_of_care_start = models.DateField(null=True, blank=True, editable=False)
    placement_start = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(episode_id=""), name="care_episode_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("rne", ReasonNewEpisode, blank_ok=False), name="care_rne_valid"
            ),
            models.CheckConstraint(
                condition=code_in("legal_status", LegalStatus), name="care_legal_status_valid"
            ),
            models.CheckConstraint(
                condition=code_in("category_of_need", CategoryOfNeed), name="care_cin_valid"
            ),
            models.CheckConstraint(
                condition=code_in("placement_type", PlacementType), name="care_placement_valid"
            ),
            models.CheckConstraint(
                condition=code_in("placement_provider", PlacementProvider), name="care_provider_valid"
            ),
            models.CheckConstraint(condition=code_in("reason_ceased", ReasonCeased), name="care_rec_valid"),
            models.CheckConstraint(
                condition=code_in("reason_placement_change", ReasonPlacementChange), name="care_rpc_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="care_end_after_start"
            ),
            # An episode with an end has a reason it ended, and an open one has none.
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, reason_ceased="") | Q(end_date__isnull=False),
                name="care_open_has_no_rec",
            ),
            models.UniqueConstraint(fields=["child", "start_date"], name="care_one_episode_per_child_start"),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["end_date"]),
            models.Index(fields=["child", "start_date"]),
        ]

    def __str__(self):
        return self.episode_id


class CLAReview(models.Model):
    """A review of a looked-after child's care plan."""

    review_id = models.CharField("review ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="cla_reviews")
    review_date = models.DateField()
    participation = models.CharField(max_length=3, choices=Participation.choices, blank=True)

    class Meta:
        verbose_name = "CiC review"
        ordering = ["-review_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(review_id=""), name="cla_review_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("participation", Participation), name="cla_review_pn_valid"
            ),
        ]
        indexes = [models.Index(fields=["review_date"]), models.Index(fields=["child", "review_date"])]

    def __str__(self):
        return self.review_id


class HealthAssessment(models.Model):
    """A health assessment or dental check of a looked-after child."""

    health_assessment_id = models.CharField("health assessment ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="health_assessments")
    kind = models.CharField(max_length=10, choices=HealthAssessmentKind.choices)
    completed_date = models.DateField()
    # Derived (services.refresh_working_days): for an initial assessment, working days from the start of the
    # period of care it belongs to (the latest one starting on or before it), for cla.iha_20wd.
    working_days_from_care_start = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-completed_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(health_assessment_id=""), name="health_assessment_id_not_blank"
            ),
            models.CheckConstraint(
                condition=code_in("kind", HealthAssessmentKind, blank_ok=False),
                name="health_assessment_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["child", "kind", "completed_date"])]

    def __str__(self):
        return self.health_assessment_id


class MissingEpisode(models.Model):
    """A missing or absent episode, from home or from care."""

    episode_id = models.CharField("episode ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(max_length=8, choices=MissingKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    from_care = models.BooleanField(null=True, blank=True)
    return_interview_offered = models.BooleanField(null=True, blank=True)
    return_interview_accepted = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(episode_id=""), name="missing_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", MissingKind, blank_ok=False), name="missing_kind_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="missing_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["end_date"]),
            # The episodes whose return interview is still to be offered (case tracking), a few of many.
            models.Index(
                fields=["end_date"],
                condition=Q(kind="missing", return_interview_offered__isnull=True),
                name="missing_awaiting_interview",
            ),
        ]

    def __str__(self):
        return self.episode_id


class CareLeaverStatus(models.Model):
    """A care leaver's status (OC3) as recorded at status_date; the latest row on or before a date is the
    status at that date, so history is kept."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="care_leaver_statuses")
    status_date = models.DateField()
    eligibility = models.CharField(max_length=16, choices=Eligibility.choices, blank=True)
    in_touch = models.CharField(max_length=4, choices=InTouch.choices, blank=True)
    last_contact_date = models.DateField(null=True, blank=True)
    activity = models.CharField(max_length=2, choices=Activity.choices, blank=True)
    accommodation = models.CharField(max_length=1, choices=Accommodation.choices, blank=True)
    accommodation_suitable = models.BooleanField(null=True, blank=True)
    pa_worker = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_leavers",
        verbose_name="personal adviser",
    )
    pathway_plan_review_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "care leaver status"
        verbose_name_plural = "care leaver statuses"
        ordering = ["child", "-status_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "status_date"], name="care_leaver_one_status_per_date"),
            models.CheckConstraint(
                condition=code_in("eligibility", Eligibility), name="care_leaver_eligibility_valid"
            ),
            models.CheckConstraint(condition=code_in("in_touch", InTouch), name="care_leaver_in_touch_valid"),
            models.CheckConstraint(
                condition=code_in("activity", Activity), name="care_leaver_activity_valid"
            ),
            models.CheckConstraint(
                condition=code_in("accommodation", Accommodation), name="care_leaver_accommodation_valid"
            ),
        ]
        indexes = [models.Index(fields=["status_date"])]

    def __str__(self):
        return f"{self.child_id} @ {self.status_date}"


class Adoption(models.Model):
    """A child's adoption journey (Annex A list 10), one per child."""

    child = models.OneToOneField("people.Child", on_delete=models.PROTECT, related_name="adoption")
    entered_care_date = models.DateField(null=True, blank=True)
    decision_date = models.DateField("should be placed for adoption (ADM)", null=True, blank=True)
    placement_order_date = models.DateField(null=True, blank=True)
    matched_date = models.DateField(null=True, blank=True)
    placed_date = models.DateField(null=True, blank=True)
    adoption_order_date = models.DateField(null=True, blank=True)
    no_longer_placed_date = models.DateField(null=True, blank=True)
    no_longer_placed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["child"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adoption_order_date__isnull=True)
                | Q(placed_date__isnull=True)
                | Q(adoption_order_date__gte=models.F("placed_date")),
                name="adoption_order_after_placement",
            ),
            models.CheckConstraint(
                condition=Q(placed_date__isnull=True)
                | Q(entered_care_date__isnull=True)
                | Q(placed_date__gte=models.F("entered_care_date")),
                name="adoption_placed_after_entering_care",
            ),
        ]
        indexes = [
            models.Index(fields=["placed_date"]),
            models.Index(fields=["matched_date"]),
            models.Index(fields=["placement_order_date"]),
            models.Index(fields=["adoption_order_date"]),
        ]

    def __str__(self):
        return f"Adoption of {self.child_id}"


class Proceeding(models.Model):
    """Pre-proceedings (PLO) or care proceedings, from start (issue) to end (final order)."""

    proceeding_id = models.CharField("proceeding ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="proceedings")
    kind = models.CharField(max_length=16, choices=ProceedingKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=ProceedingOutcome.choices, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(proceeding_id=""), name="proceeding_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", ProceedingKind, blank_ok=False), name="proceeding_kind_valid"
            ),
            models.CheckConstraint(
                condition=code_in("outcome", ProceedingOutcome), name="proceeding_outcome_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="proceeding_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["end_date"]), models.Index(fields=["start_date"])]

    def __str__(self):
        return self.proceeding_id


class LifeStoryWork(models.Model):
    """A child's participation in life story work."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="life_story_work")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "life story work"
        verbose_name_plural = "life story work"
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="life_story_one_per_start"),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="life_story_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self):
        return f"{self.child_id} from {self.start_date}"
