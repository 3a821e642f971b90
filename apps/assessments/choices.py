from django.db import models


class AssessmentOutcome(models.TextChoices):
    CIN_PLAN = "cin_plan", "CIN: update child's plan"
    LEGAL_ACTION = "legal_action", "Legal action"
    NFA = "nfa", "No further action"
    CONTINUE = "continue_cin_cp_cla", "Continue with CIN/CP/CLA"
    OTHER_AGENCY = "other_agency", "Referral to other agency"
    EARLY_HELP = "early_help", "Step down to early help"
    STRATEGY = "strategy_discussion", "Strategy discussion"


class S47Outcome(models.TextChoices):
    ASSESSMENT = "assessment", "Continue with C&F assessment"
    ICPC = "icpc", "Progress to ICPC"
    LEGAL_ACTION = "legal_action", "Legal action"
    CONTINUE = "continue_cin_cp_cla", "Continue with CIN/CP/CLA"
    NFA = "nfa", "No further action"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial (ICPC)"
    REVIEW = "review", "Review (RCPC)"
    TRANSFER_IN = "transfer_in", "Transfer-in"


class Participation(models.TextChoices):
    """DfE participation codes for conferences and CiC reviews."""

    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child attended and spoke for themselves"
    PN2 = "PN2", "Child attended, an advocate spoke on their behalf"
    PN3 = "PN3", "Child attended, conveyed views symbolically"
    PN4 = "PN4", "Child attended, did not speak or convey views"
    PN5 = "PN5", "Child did not attend, briefed an advocate"
    PN6 = "PN6", "Child did not attend, views conveyed by another method"
    PN7 = "PN7", "Child did not attend or convey views"
