"""The CSV bundle contract (`shared/spec/record-format.md`) as data: one FileSpec per file, in the order
files must be loaded (a file only refers to files before it). The importer, the exporter and the demo
generator all read this table, so the three cannot drift apart.

Column kinds:
  str      free text                      date     YYYY-MM-DD
  code     one of `choices` (blank ok      datetime ISO 8601, Europe/London when no offset
           unless required)               bool     Y/N, case-insensitive, blank = unknown
  int      whole number                   decimal  number
  ref      an ID in another file (`ref` names it: "children", "teams", "workers", ...); stored as a FK
  period   YYYY-MM

IDs. Every ID column (a `ref`, or a `str` column named *_id or *_code: child_id, contact_id, worker_id,
team_code, service_code, kpi_code, person_id, ...) holds 1 to the model field's max_length characters (40;
60 for kpi_code) from ID_RULE: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or a digit.
So an ID always fits in a URL path segment (no `/`, no spaces, no `.`/`..`), never starts like a spreadsheet
formula (`-`, `+`, `=`, `@`) and cannot hide invisible or look-alike characters. An ID with spaces around it
is refused, not stripped: " CH1" would otherwise be a second child beside "CH1", and a refusal sends the fix
back to the extract that made it.

Control characters (C0, DEL, C1) are refused in every cell of every spec column; a `multiline` column (free
text such as a note) may hold tabs and line breaks, nothing else. `x_` columns are neither read nor stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models

from apps.assessments.choices import AssessmentOutcome, ConferenceKind, Participation, S47Outcome
from apps.care.choices import (
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
from apps.core.choices import Ethnicity, Sex
from apps.frontdoor.choices import ClosureReason, ContactOutcome, PrimaryNeed, Rag, ReferralSource
from apps.plans.choices import AbuseCategory, VisitKind
from apps.workforce.choices import AuditKind, Employment, FamilyRole, Grade, PostStatus, SupervisionKind

ID_RULE = "A-Z, a-z, 0-9, '-', '_' and '.', starting with a letter or a digit"
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"
    required: bool = False
    field: str | None = None  # model field; defaults to the column name (refs: the FK name without _id)
    choices: type[models.TextChoices] | None = None
    ref: str | None = None  # for kind "ref": the FileSpec.name it points at
    max_length: int | None = None
    multiline: bool = False  # free text that may hold tabs and line breaks

    @property
    def is_id(self) -> bool:
        """Holds an ID (ID_RE): a reference, or a text column named *_id or *_code."""
        return self.kind == "ref" or (self.kind == "str" and self.name.endswith(("_id", "_code")))

    @property
    def model_field(self) -> str:
        if self.field:
            return self.field
        if self.kind == "ref":
            return self.name.removesuffix("_id").removesuffix("_code")
        return self.name


@dataclass(frozen=True)
class FileSpec:
    name: str  # e.g. "children" -> children.csv
    model: str  # "app_label.Model"
    key: tuple[str, ...]  # the columns that identify a row (upsert key)
    columns: tuple[Column, ...]
    doc: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def C(name, kind="str", required=False, **kw) -> Column:  # noqa: N802 - reads like the spec table
    return Column(name, kind, required, **kw)


def code(name, choices, required=False, **kw) -> Column:
    return Column(name, "code", required, choices=choices, **kw)


def ref(name, target, required=False, **kw) -> Column:
    return Column(name, "ref", required, ref=target, **kw)


CHILD = ref("child_id", "children", required=True)
TEAM = ref("team_code", "teams")
WORKER = ref("worker_id", "workers")

FILES: tuple[FileSpec, ...] = (
    # teams.csv creates both services and teams; the importer handles it specially (two org-unit levels).
    FileSpec(
        "teams",
        "core.OrgUnit",
        ("team_code",),
        (
            C("team_code", required=True),
            C("team_name", required=True),
            C("service_code", required=True),
            C("service_name", required=True),
        ),
    ),
    FileSpec(
        "workers",
        "workforce.Worker",
        ("worker_id",),
        (
            C("worker_id", required=True),
            C("name", required=True),
            ref("team_code", "teams", required=True),
            C("fte", "decimal"),
            code("employment", Employment),
            C("start_date", "date"),
            C("end_date", "date"),
        ),
    ),
    FileSpec(
        "posts",
        "workforce.Post",
        ("post_id",),
        (
            C("post_id", required=True),
            ref("team_code", "teams", required=True),
            C("funded", "bool", required=True),
            code("status", PostStatus, required=True),
            C("fte", "decimal"),
            C("start_date", "date", required=True),
            C("end_date", "date"),
        ),
    ),
    FileSpec(
        "population",
        "core.Population",
        ("year",),
        (C("year", "int", required=True), C("age_0_17", "int", required=True)),
    ),
    FileSpec(
        "children",
        "people.Child",
        ("child_id",),
        (
            C("child_id", required=True),
            C("given_name"),
            C("family_name"),
            code("sex", Sex, required=True),
            C("date_of_birth", "date"),
            C("expected_date_of_birth", "date"),
            code("ethnicity", Ethnicity),
            C("disability", "bool"),
            C("uasc", "bool"),
            C("uasc_ceased_date", "date"),
        ),
    ),
    FileSpec(
        "allocations",
        "workforce.Allocation",
        ("allocation_id",),
        (
            C("allocation_id", required=True),
            CHILD,
            ref("team_code", "teams", required=True),
            WORKER,
            C("start_date", "date", required=True),
            C("end_date", "date"),
        ),
    ),
    FileSpec(
        "contacts",
        "frontdoor.Contact",
        ("contact_id",),
        (
            C("contact_id", required=True),
            CHILD,
            C("received_at", "datetime", required=True),
            code("source", ReferralSource),
            code("initial_rag", Rag),
            code("final_rag", Rag),
            C("decided_at", "datetime"),
            code("outcome", ContactOutcome),
            TEAM,
        ),
    ),
    FileSpec(
        "referrals",
        "frontdoor.Referral",
        ("referral_id",),
        (
            C("referral_id", required=True),
            CHILD,
            ref("contact_id", "contacts"),
            C("referral_date", "date", required=True),
            code("source", ReferralSource),
            code("primary_need", PrimaryNeed),
            C("nfa", "bool"),
            TEAM,
            WORKER,
            C("closure_date", "date"),
            code("closure_reason", ClosureReason),
        ),
    ),
    FileSpec(
        "early_help",
        "frontdoor.EarlyHelpEpisode",
        ("episode_id",),
        (
            C("episode_id", required=True),
            CHILD,
            C("start_date", "date", required=True),
            C("completion_date", "date"),
            C("organisation"),
        ),
    ),
    FileSpec(
        "assessments",
        "assessments.Assessment",
        ("assessment_id",),
        (
            C("assessment_id", required=True),
            CHILD,
            ref("referral_id", "referrals"),
            C("start_date", "date", required=True),
            C("authorised_date", "date"),
            C("child_seen", "bool"),
            C("child_seen_date", "date"),
            code("outcome", AssessmentOutcome),
            TEAM,
            WORKER,
        ),
    ),
    FileSpec(
        "strategy_discussions",
        "assessments.StrategyDiscussion",
        ("discussion_id",),
        (
            C("discussion_id", required=True),
            CHILD,
            ref("referral_id", "referrals"),
            C("held_date", "date", required=True),
            C("completed", "bool"),
            *(
                C(f"{what}_{agency}", "bool")
                for agency in ("social_care", "police", "health", "education")
                for what in ("invited", "attended")
            ),
        ),
    ),
    FileSpec(
        "s47_enquiries",
        "assessments.S47Enquiry",
        ("s47_id",),
        (
            C("s47_id", required=True),
            CHILD,
            ref("referral_id", "referrals"),
            ref("discussion_id", "strategy_discussions"),
            C("start_date", "date", required=True),
            C("completed_date", "date"),
            code("outcome", S47Outcome),
            C("icpc_not_required", "bool"),
            TEAM,
        ),
    ),
    FileSpec(
        "conferences",
        "assessments.Conference",
        ("conference_id",),
        (
            C("conference_id", required=True),
            CHILD,
            ref("s47_id", "s47_enquiries"),
            code("kind", ConferenceKind, required=True),
            C("held_date", "date", required=True),
            C("plan_made", "bool"),
            code("participation", Participation),
        ),
    ),
    FileSpec(
        "cin_plans",
        "plans.CINPlan",
        ("plan_id",),
        (
            C("plan_id", required=True),
            CHILD,
            ref("referral_id", "referrals"),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            TEAM,
        ),
    ),
    FileSpec(
        "cp_plans",
        "plans.CPPlan",
        ("plan_id",),
        (
            C("plan_id", required=True),
            CHILD,
            ref("referral_id", "referrals"),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            code("initial_category", AbuseCategory),
            code("latest_category", AbuseCategory),
            TEAM,
        ),
    ),
    FileSpec(
        "visits",
        "plans.Visit",
        ("visit_id",),
        (
            C("visit_id", required=True),
            CHILD,
            C("visit_date", "date", required=True),
            code("kind", VisitKind, required=True),
            C("seen", "bool"),
            C("seen_alone", "bool"),
            WORKER,
        ),
    ),
    FileSpec(
        "care_episodes",
        "care.CareEpisode",
        ("episode_id",),
        (
            C("episode_id", required=True),
            CHILD,
            C("start_date", "date", required=True),
            code("rne", ReasonNewEpisode, required=True),
            code("legal_status", LegalStatus),  # blank = not recorded (cla.legal_status counts it)
            code("category_of_need", CategoryOfNeed),
            code("placement_type", PlacementType),
            code("placement_provider", PlacementProvider),
            C("placement_postcode", max_length=10),
            C("placement_inside_la", "bool"),
            C("end_date", "date"),
            code("reason_ceased", ReasonCeased),
            code("reason_placement_change", ReasonPlacementChange),
            TEAM,
        ),
    ),
    FileSpec(
        "cla_reviews",
        "care.CLAReview",
        ("review_id",),
        (
            C("review_id", required=True),
            CHILD,
            C("review_date", "date", required=True),
            code("participation", Participation),
        ),
    ),
    FileSpec(
        "health_assessments",
        "care.HealthAssessment",
        ("health_assessment_id",),
        (
            C("health_assessment_id", required=True),
            CHILD,
            code("kind", HealthAssessmentKind, required=True),
            C("completed_date", "date", required=True),
        ),
    ),
    FileSpec(
        "missing_episodes",
        "care.MissingEpisode",
        ("episode_id",),
        (
            C("episode_id", required=True),
            CHILD,
            code("kind", MissingKind, required=True),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            C("from_care", "bool"),
            C("return_interview_offered", "bool"),
            C("return_interview_accepted", "bool"),
        ),
    ),
    FileSpec(
        "care_leavers",
        "care.CareLeaverStatus",
        ("child_id", "status_date"),
        (
            CHILD,
            C("status_date", "date", required=True),
            code("eligibility", Eligibility),
            code("in_touch", InTouch),
            C("last_contact_date", "date"),
            code("activity", Activity),
            code("accommodation", Accommodation),
            C("accommodation_suitable", "bool"),
            ref("pa_worker_id", "workers"),
            C("pathway_plan_review_date", "date"),
        ),
    ),
    FileSpec(
        "adoptions",
        "care.Adoption",
        ("child_id",),
        (
            CHILD,
            C("entered_care_date", "date"),
            C("decision_date", "date"),
            C("placement_order_date", "date"),
            C("matched_date", "date"),
            C("placed_date", "date"),
            C("adoption_order_date", "date"),
            C("no_longer_placed_date", "date"),
            C("no_longer_placed_reason"),
        ),
    ),
    FileSpec(
        "proceedings",
        "care.Proceeding",
        ("proceeding_id",),
        (
            C("proceeding_id", required=True),
            CHILD,
            code("kind", ProceedingKind, required=True),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            code("outcome", ProceedingOutcome),
        ),
    ),
    FileSpec(
        "families",
        "workforce.Family",
        ("family_id",),
        (
            C("family_id", required=True),
            C("attached_date", "date", required=True),
            C("outcome_met_date", "date"),
            C("claimed_date", "date"),
        ),
    ),
    FileSpec(
        "family_members",
        "workforce.FamilyMember",
        ("family_id", "person_id"),
        (
            ref("family_id", "families", required=True),
            C("person_id", required=True),
            code("role", FamilyRole, required=True),
            code("sex", Sex),
            C("date_of_birth", "date"),
            code("ethnicity", Ethnicity),
        ),
    ),
    FileSpec(
        "audits",
        "workforce.Audit",
        ("audit_id",),
        (
            C("audit_id", required=True),
            ref("child_id", "children"),
            TEAM,
            C("completed_date", "date", required=True),
            code("kind", AuditKind, required=True),
            code("grade", Grade),
            code("oversight_grade", Grade),
        ),
    ),
    FileSpec(
        "supervisions",
        "workforce.Supervision",
        ("supervision_id",),
        (
            C("supervision_id", required=True),
            ref("child_id", "children"),
            TEAM,
            C("held_date", "date", required=True),
            code("kind", SupervisionKind, required=True),
        ),
    ),
    FileSpec(
        "life_story_work",
        "care.LifeStoryWork",
        ("child_id", "start_date"),
        (CHILD, C("start_date", "date", required=True), C("end_date", "date")),
    ),
    FileSpec(
        "entered_measures",
        "kpis.EnteredMeasure",
        ("kpi_code", "period", "org_unit"),
        (
            C("kpi_code", required=True),
            C("period", "period", required=True),
            C("value", "decimal"),
            C("numerator", "decimal"),
            C("denominator", "decimal"),
            # blank = the whole LA
            ref("org_unit", "org_units"),
            C("note", multiline=True),
        ),
    ),
)

BY_NAME = {f.name: f for f in FILES}
FILENAMES = {f.filename: f for f in FILES}

# The ID column of each file that others refer to, and the model field holding it.
REF_TARGETS = {
    "children": ("people.Child", "child_id"),
    "teams": ("core.OrgUnit", "code"),  # level = team
    "org_units": ("core.OrgUnit", "code"),  # team or service; blank = the LA
    "workers": ("workforce.Worker", "worker_id"),
    "contacts": ("frontdoor.Contact", "contact_id"),
    "referrals": ("frontdoor.Referral", "referral_id"),
    "strategy_discussions": ("assessments.StrategyDiscussion", "discussion_id"),
    "s47_enquiries": ("assessments.S47Enquiry", "s47_id"),
    "families": ("workforce.Family", "family_id"),
}
