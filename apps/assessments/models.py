from django.db import models
from django.db.models import Q

from apps.core.fields import code_in, ends_after_starts

from .choices import AssessmentOutcome, ConferenceKind, Participation, S47Outcome


class Assessment(models.Model):
    """A child and family assessment; completed means authorised."""

    assessment_id = models.CharField("assessment ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="assessments")
    referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    start_date = models.DateField()
    authorised_date = models.DateField(null=True, blank=True)
    child_seen = models.BooleanField(null=True, blank=True)
    child_seen_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    # Derived (services.refresh_working_days): working days start -> authorisation, for as.within_45wd.
    working_days = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(assessment_id=""), name="assessment_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("outcome", AssessmentOutcome), name="assessment_outcome_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("authorised_date", "start_date"),
                name="assessment_authorised_after_start",
            ),
        ]
        indexes = [models.Index(fields=["authorised_date"]), models.Index(fields=["start_date"])]

    def __str__(self):
        return self.assessment_id


class StrategyDiscussion(models.Model):
    """A strategy discussion and which agencies were invited and attended."""

    discussion_id = models.CharField("discussion ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="strategy_discussions")
    referral = models.ForeignKey(
        "frontdoor.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategy_discussions",
    )
    held_date = models.DateField()
    completed = models.BooleanField(null=True, blank=True)
    invited_social_care = models.BooleanField(null=True, blank=True)
    attended_social_care = models.BooleanField(null=True, blank=True)
    invited_police = models.BooleanField(null=True, blank=True)
    attended_police = models.BooleanField(null=True, blank=True)
    invited_health = models.BooleanField(null=True, blank=True)
    attended_health = models.BooleanField(null=True, blank=True)
    invited_education = models.BooleanField(null=True, blank=True)
    attended_education = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-held_date"]
        constraints = [models.CheckConstraint(condition=~Q(discussion_id=""), name="discussion_id_not_blank")]
        indexes = [models.Index(fields=["held_date"])]

    def __str__(self):
        return self.discussion_id


class S47Enquiry(models.Model):
    """A section 47 enquiry; it starts on the date of the strategy discussion that initiated it."""

    s47_id = models.CharField("S47 ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="s47_enquiries")
    referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    discussion = models.ForeignKey(
        StrategyDiscussion, null=True, blank=True, on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    start_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=S47Outcome.choices, blank=True)
    icpc_not_required = models.BooleanField("ICPC not required", null=True, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="s47_enquiries"
    )

    class Meta:
        verbose_name = "S47 enquiry"
        verbose_name_plural = "S47 enquiries"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(s47_id=""), name="s47_id_not_blank"),
            models.CheckConstraint(condition=code_in("outcome", S47Outcome), name="s47_outcome_valid"),
            models.CheckConstraint(
                condition=ends_after_starts("completed_date", "start_date"), name="s47_completed_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["completed_date"])]

    def __str__(self):
        return self.s47_id


class Conference(models.Model):
    """A child protection conference: initial (ICPC), review or transfer-in."""

    conference_id = models.CharField("conference ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="conferences")
    s47 = models.ForeignKey(
        S47Enquiry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
        verbose_name="S47",
    )
    kind = models.CharField(max_length=12, choices=ConferenceKind.choices)
    held_date = models.DateField()
    plan_made = models.BooleanField(null=True, blank=True)
    participation = models.CharField(max_length=3, choices=Participation.choices, blank=True)
    # Derived (services.refresh_working_days): working days from the strategy discussion that initiated the
    # S47 (or the S47 start when no discussion is linked) to this conference, for icpc.within_15wd.
    working_days_from_strategy = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-held_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(conference_id=""), name="conference_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", ConferenceKind, blank_ok=False), name="conference_kind_valid"
            ),
            models.CheckConstraint(
                condition=code_in("participation", Participation), name="conference_participation_valid"
            ),
        ]
        indexes = [models.Index(fields=["held_date"]), models.Index(fields=["child", "held_date"])]

    def __str__(self):
        return self.conference_id
