"""Codes of the scorecards app: the kinds of casework that case tracking follows (apps.scorecards.casework)
and the units their timescales are counted in."""

from django.db import models


class WorkKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    ICPC = "icpc", "Initial child protection conference"
    REVIEW_CONFERENCE = "review_conference", "Review child protection conference"
    CP_VISIT = "cp_visit", "CP visit"
    CIN_VISIT = "cin_visit", "CIN visit"
    CLA_VISIT = "cla_visit", "Visit to a child in care"
    CLA_REVIEW = "cla_review", "CiC review"
    IHA = "iha", "Initial health assessment"
    RHA = "rha", "Review health assessment"
    PATHWAY_PLAN = "pathway_plan", "Pathway plan review"
    RETURN_INTERVIEW = "return_interview", "Return interview"


class TimescaleUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"
    # Records carry dates, not times: 72 hours is the third day after the episode ended.
    HOURS = "hours", "hours"


class WorkState(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


WD, DAYS, WEEKS, MONTHS, HOURS = (
    TimescaleUnit.WORKING_DAYS,
    TimescaleUnit.DAYS,
    TimescaleUnit.WEEKS,
    TimescaleUnit.MONTHS,
    TimescaleUnit.HOURS,
)

# The statutory defaults (Working Together 2023, the Care Planning Regulations 2010 and their guidance), each a
# Timescale row an admin may change. (first, then, later): what each step means for the kind is in STEPS.
# due_soon: the working days before the due date from which the work is listed as due soon (an assessment's
# "due soon from day 35" of 45 is 10).
DEFAULTS = {
    WorkKind.ASSESSMENT: {"first": (45, WD), "due_soon": 10},
    WorkKind.ICPC: {"first": (15, WD), "due_soon": 5},
    WorkKind.REVIEW_CONFERENCE: {"first": (3, MONTHS), "then": (6, MONTHS), "due_soon": 10},
    WorkKind.CP_VISIT: {"first": (10, WD), "due_soon": 2},
    WorkKind.CIN_VISIT: {"first": (20, WD), "due_soon": 5},
    WorkKind.CLA_VISIT: {"first": (6, WEEKS), "due_soon": 5},
    WorkKind.CLA_REVIEW: {"first": (20, WD), "then": (3, MONTHS), "later": (6, MONTHS), "due_soon": 10},
    WorkKind.IHA: {"first": (20, WD), "due_soon": 5},
    WorkKind.RHA: {"first": (6, MONTHS), "then": (12, MONTHS), "due_soon": 10},
    WorkKind.PATHWAY_PLAN: {"first": (6, MONTHS), "due_soon": 10},
    WorkKind.RETURN_INTERVIEW: {"first": (72, HOURS), "due_soon": 1},
}

# What each step of a kind's timescale is measured from, shown on /manage/timescales/.
STEPS = {
    WorkKind.ASSESSMENT: ("authorised within … of the assessment's start", "", ""),
    WorkKind.ICPC: ("held within … of the strategy discussion (else the S47's start)", "", ""),
    WorkKind.REVIEW_CONFERENCE: (
        "first review within … of the ICPC (the CP plan's start)",
        "then every …",
        "",
    ),
    WorkKind.CP_VISIT: ("a visit within … of the plan's start and of the last visit", "", ""),
    WorkKind.CIN_VISIT: ("a visit within … of the plan's start and of the last visit", "", ""),
    WorkKind.CLA_VISIT: ("a visit within … of entering care and of the last visit", "", ""),
    WorkKind.CLA_REVIEW: (
        "first review within … of entering care",
        "second review within … of the first",
        "then every …",
    ),
    WorkKind.IHA: ("completed within … of entering care", "", ""),
    WorkKind.RHA: ("every … for a child under 5", "every … for a child aged 5 or over", ""),
    WorkKind.PATHWAY_PLAN: ("reviewed every …", "", ""),
    WorkKind.RETURN_INTERVIEW: ("offered within … of the missing episode's end", "", ""),
}
