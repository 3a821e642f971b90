from django.db import models
from django.db.models import Q

from apps.core.fields import code_in, ends_after_starts

from .choices import ClosureReason, ContactOutcome, PrimaryNeed, Rag, ReferralSource


class Contact(models.Model):
    """A contact into the front door (MASH), with its BRAG ratings and decision."""

    contact_id = models.CharField("contact ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=2, choices=ReferralSource.choices, blank=True)
    initial_rag = models.CharField("initial BRAG", max_length=5, choices=Rag.choices, blank=True)
    final_rag = models.CharField("final BRAG", max_length=5, choices=Rag.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=ContactOutcome.choices, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )

    # Derived (apps.frontdoor.derived): the Europe/London calendar dates of receipt and decision, so measures
    # needing "the contact's date" (age at contact, the team holding the case that day) do not convert
    # time zones row by row every month.
    received_date = models.DateField(null=True, blank=True, editable=False)
    decided_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(contact_id=""), name="contact_id_not_blank"),
            models.CheckConstraint(condition=code_in("source", ReferralSource), name="contact_source_valid"),
            models.CheckConstraint(condition=code_in("initial_rag", Rag), name="contact_initial_rag_valid"),
            models.CheckConstraint(condition=code_in("final_rag", Rag), name="contact_final_rag_valid"),
            models.CheckConstraint(
                condition=code_in("outcome", ContactOutcome), name="contact_outcome_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("decided_at", "received_at"),
                name="contact_decided_after_received",
            ),
        ]
        indexes = [models.Index(fields=["received_at"]), models.Index(fields=["decided_at"])]

    def __str__(self):
        return self.contact_id


class Referral(models.Model):
    """A referral to children's social care; it opens a CIN episode, closed on closure_date."""

    referral_id = models.CharField("referral ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="referrals")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=2, choices=ReferralSource.choices, blank=True)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    nfa = models.BooleanField("no further action", null=True, blank=True)
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(referral_id=""), name="referral_id_not_blank"),
            models.CheckConstraint(condition=code_in("source", ReferralSource), name="referral_source_valid"),
            models.CheckConstraint(
                condition=code_in("primary_need", PrimaryNeed), name="referral_need_valid"
            ),
            models.CheckConstraint(
                condition=code_in("closure_reason", ClosureReason), name="referral_closure_reason_valid"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("closure_date", "referral_date"),
                name="referral_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["referral_date"]), models.Index(fields=["child", "referral_date"])]

    def __str__(self):
        return self.referral_id


class EarlyHelpEpisode(models.Model):
    """An early help assessment/episode (CAF)."""

    episode_id = models.CharField("episode ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="early_help_episodes")
    start_date = models.DateField()
    completion_date = models.DateField(null=True, blank=True)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(episode_id=""), name="early_help_id_not_blank"),
            models.CheckConstraint(
                condition=ends_after_starts("completion_date", "start_date"),
                name="early_help_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["completion_date"])]

    def __str__(self):
        return self.episode_id
