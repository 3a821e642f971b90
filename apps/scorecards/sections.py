"""What each performance-on-a-page section shows (shared/spec/pages.md), declared once: its tables and its
charts, by measure code, basis and breakdown dimension. apps.scorecards.pages and apps.scorecards.charts
read these declarations; no section has view code of its own. Every measure of a section appears in at
least one table (tests/scorecards/test_pages.py checks it against the registry).

Table lines:
  Whole(kpi)              one row: the measure's whole (its headline basis unless `basis` is given)
  Parts(kpi, dimension)   one row per breakdown part, then the total; `parts` fixes the list and order
                          (shown even when a part is 0, as the booklet's "legal status not recorded")
Tables:
  Table(id, title, lines) the booklet's small table: this month, the two before, year to date (where a
                          measure has a ytd basis) and % (where the unit is percent)
  Cross(...)              a two-way breakdown ("a|b" parts) for the month: rows a, columns b
  Units(...)              the measure for each unit under the org unit (services of the LA, teams of a
                          service): months as columns, or a dimension's parts for the month
  Entered(...)            the measures entered by hand: months, target, rating and the source note
Charts:
  Trend(...)              monthly, April to March, this financial year against the last (two series each)
  Run(...)                monthly over `years_back` financial years to the month (one series each): the
                          booklet's "since April two years back" (April 2016 to March 2018)
  Breakdown(...)          the month's parts of one or more dimensions (or of a two-way "a|b" dimension,
                          stacked)
  UnitsTrend(...)         monthly this financial year, one series per unit under the org unit
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.kpis.registry import SECTIONS


@dataclass(frozen=True)
class Whole:
    kpi: str
    basis: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Parts:
    kpi: str
    dimension: str
    basis: str | None = None
    parts: tuple[str, ...] = ()
    total: bool = True
    label: str | None = None


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    lines: tuple


@dataclass(frozen=True)
class Cross:
    id: str
    title: str
    kpi: str
    dimension: str
    basis: str | None = None
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows_dimension: str = ""  # how the first key is labelled (e.g. "team"); default the dimension's


@dataclass(frozen=True)
class Units:
    id: str
    title: str
    kpi: str
    basis: str | None = None
    dimension: str = ""
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entered:
    id: str
    title: str
    kpis: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    kpi: str
    basis: str | None = None
    dimension: str = ""
    breakdown: str = ""
    label: str | None = None
    kind: str = "bar"  # "bar" | "line"
    axis: str = "y"  # "y" | "y2" (a second scale, for a rate beside counts)


@dataclass(frozen=True)
class Trend:
    id: str
    title: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Run:
    id: str
    title: str
    series: tuple[Series, ...]
    years_back: int = 2


@dataclass(frozen=True)
class Breakdown:
    id: str
    title: str
    kpi: str
    dimensions: tuple[str, ...]
    basis: str | None = None
    parts: tuple[str, ...] = ()
    stacked: bool = False  # one two-way "a|b" dimension: labels b, a series per a, stacked


@dataclass(frozen=True)
class UnitsTrend:
    id: str
    title: str
    kpi: str
    basis: str | None = None


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    tables: tuple
    charts: tuple = ()

    @property
    def kpis(self) -> set[str]:
        """Every measure the section reads (what its page fetches)."""
        out: set[str] = set()
        for t in self.tables:
            if isinstance(t, Table):
                out |= {line.kpi for line in t.lines}
            elif isinstance(t, Entered):
                out |= set(t.kpis)
            else:
                out.add(t.kpi)
        for c in self.charts:
            out |= {s.kpi for s in c.series} if isinstance(c, Trend | Run) else {c.kpi}
        return out

    @property
    def series_parts(self) -> set[tuple[str, str]]:
        """The breakdowns (kpi, dimension) a part of which the section's charts draw month by month; every
        other breakdown is shown for the page's three table months only (apps.scorecards.page_data.resolve).
        The whole dimension, not the one part: a part absent from a month is 0 only if others are held."""
        return {
            (s.kpi, s.dimension)
            for c in self.charts
            if isinstance(c, Trend | Run)
            for s in c.series
            if s.dimension
        }

    def table(self, table_id: str):
        return next((t for t in self.tables if t.id == table_id), None)

    def chart(self, chart_id: str):
        return next((c for c in self.charts if c.id == chart_id), None)


# --- breakdown parts: their labels, in the order the booklet lists them --------------------------------

AGE_BANDS = ("unborn", "0-4", "5-9", "10-15", "16+")
ETHNICITY = ("Asian", "Black", "Mixed", "White", "Other", "Not stated", "Missing")
GENDER = ("female", "male", "indeterminate", "unborn", "unknown")

LABELS: dict[str, dict[str, str]] = {
    "outcome": {
        # contacts
        "csc_referral": "Referral to children's social care",
        "early_help": "Referral to early help (CAF)",
        "information": "Provision of information or advice",
        "nfa": "No further action",
        "signposting": "Signposting",
        "not_decided": "Not yet decided (not assessed in month)",
        # S47s and assessments
        "assessment": "Continue with C&F assessment",
        "icpc": "Progress to ICPC",
        "legal_action": "Legal action",
        "continue_cin_cp_cla": "Continue with CIN / CP / CLA",
        "cin_plan": "Child in need – update child's plan",
        "other_agency": "Referral to other agency",
        "strategy_discussion": "Strategy discussion",
        # care proceedings
        "placement_order": "Placement order",
        "care_order": "Care order",
        "sgo": "Special guardianship order",
        "supervision_order": "Supervision order",
        "child_arrangements_order": "Child arrangements order",
        "no_order": "No public law order",
        "not_recorded": "Not recorded",
    },
    "source_group": {
        "police_legal": "Police / legal agency",
        "school_education": "School / education setting",
        "health": "Health services",
        "la_services": "LA services",
        "other": "Other (incl. missing)",
    },
    "gender": {
        "female": "Female",
        "male": "Male",
        "indeterminate": "Indeterminate",
        "unborn": "Unborn",
        "unknown": "Unknown",
    },
    "age_band": {
        "unborn": "Unborn",
        "under_1": "Under 1",
        "0-4": "0–4",
        "1-5": "1–5",
        "5-9": "5–9",
        "5-11": "5–11",
        "6-10": "6–10",
        "10-15": "10–15",
        "11-15": "11–15",
        "12-15": "12–15",
        "16+": "16+",
        "16-18": "16–18",
        "19-25": "19–25",
    },
    "ethnicity_group": {e: e for e in ETHNICITY},
    "ethnicity": {e: e for e in ETHNICITY},
    "initial_rag": {
        "BLUE": "Blue",
        "GREEN": "Green",
        "AMBER": "Amber",
        "RED": "Red",
        "not_recorded": "Not recorded",
    },
    "final_rag": {
        "BLUE": "Blue",
        "GREEN": "Green",
        "AMBER": "Amber",
        "RED": "Red",
        "not_recorded": "Not recorded",
    },
    "agency": {
        "social_care": "Social care",
        "police": "Police",
        "health": "Health",
        "education": "Education",
    },
    "duration_band": {"0-25": "0–25 days", "26-40": "26–40 days", "41-45": "41–45 days", "46+": "46+ days"},
    "team_kind": {"initial": "Initial (first of referral)", "other": "Other"},
    "category": {
        "NEG": "Neglect",
        "EMO": "Emotional abuse",
        "PHY": "Physical abuse",
        "SAB": "Sexual abuse",
        "MUL": "Multiple",
        "not_recorded": "Not recorded",
    },
    "type": {"cin_to_cp": "CIN to child protection", "cp_to_cic": "Child protection to child in care"},
    "stage": {"started": "Started", "completed": "Completed"},
    "legal_status": {
        "C1": "Interim care order",
        "C2": "Full care order",
        "V2": "Section 20",
        "E1_adoptive": "Placement order – in adoptive placement",
        "E1_other": "Placement order – awaiting placement",
        "L1": "Police protection",
        "remand_youth": "Remanded or in youth detention",
        "not_recorded": "Legal status not recorded",
    },
    "months": {
        "<1": "Under 1 month",
        "0-6": "0–6 months",
        "1-3": "1–3 months",
        "4-6": "4–6 months",
        "6-12": "6–12 months",
        "12-18": "12–18 months",
        "13-18": "13–18 months",
        "18-24": "18–24 months",
        "19-24": "19–24 months",
        "24+": "Over 24 months",
        "not_recorded": "Not recorded",
    },
    "location": {"inside": "Inside the LA", "outside": "Outside the LA", "not_recorded": "Not recorded"},
    "placement_group": {
        "in_house_fostering": "In-house fostering",
        "kinship_fostering": "Kinship / connected fostering",
        "ifa_fostering": "IFA fostering",
        "fostering": "Fostering",
        "residential": "Residential",
        "external_residential": "External residential",
        "placed_for_adoption": "Placed for adoption",
        "placed_with_parents": "Placed with parents",
        "independence": "Preparation for independence",
        "other": "Other",
        "not_recorded": "Not recorded",
    },
    "source": {"from_home": "From home", "from_care": "From care"},
    "kind": {
        "missing": "Missing",
        "absent": "Absent",
        "regular": "Regular audits",
        "thematic": "Thematic audits",
    },
    "placements": {"1": "1 placement", "2": "2", "3": "3", "4": "4", "5+": "5 or more"},
    "years": {
        "<1": "Less than a year",
        "1": "1 year",
        "2": "2 years",
        "3": "3 years",
        "4+": "4 years or more",
    },
    "eet_type": {
        "higher_education": "Higher education",
        "other_education": "Education other than higher",
        "training_employment": "Training or employment",
    },
    "accommodation": {
        "B": "B – with parents or relatives",
        "C": "C – community home or residential care",
        "D": "D – semi-independent, transitional",
        "E": "E – supported lodgings",
        "K": "K – ordinary lodgings",
        "T": "T – foyers",
        "U": "U – independent living",
        "V": "V – emergency accommodation",
        "X": "X – in custody",
        "Y": "Y – other accommodation",
        "Z": "Z – with former foster carers (staying put)",
        "not_recorded": "Not recorded",
    },
    "activity": {"G4": "G4 – NEET: not available", "G5": "G5 – NEET: seeking", "G6": "G6 – NEET: other"},
    "provider": {
        "in_house": "In-house",
        "ifa": "Independent fostering agency",
        "not_recorded": "Not recorded",
    },
    "role": {"child": "Children", "adult": "Adults", "individual": "Individuals"},
    "status": {"permanent": "Permanent", "agency": "Agency", "vacant": "Vacant"},
    "supervision": {
        "newly_allocated": "Allocated under 6 weeks ago",
        "in_time": "Supervised in the last 6 weeks",
        "overdue": "Last supervision over 6 weeks ago",
        "none_recorded": "No supervision recorded",
    },
    "grade": {
        "inadequate": "Inadequate",
        "requires_improvement": "Requires improvement",
        "good": "Good",
        "outstanding": "Outstanding",
        "not_recorded": "Not recorded",
    },
}
LABELS["oversight_grade"] = LABELS["grade"]
LABELS["kind_grade"] = LABELS["grade"]

# Dimensions whose parts are org units (labelled with the unit's name).
UNIT_DIMENSIONS = {"team", "service"}


# --- the sections --------------------------------------------------------------------------------------

CONTACT_OUTCOMES = ("csc_referral", "early_help", "information", "nfa", "signposting", "not_decided")
REFERRAL_SOURCES = ("police_legal", "school_education", "health", "la_services", "other")
RAG = ("BLUE", "GREEN", "AMBER", "RED")
S47_OUTCOMES = ("assessment", "icpc", "legal_action", "continue_cin_cp_cla", "nfa")
AS_OUTCOMES = (
    "cin_plan",
    "legal_action",
    "nfa",
    "continue_cin_cp_cla",
    "other_agency",
    "early_help",
    "strategy_discussion",
)
LEGAL_STATUS = ("C1", "C2", "V2", "E1_adoptive", "E1_other", "L1", "remand_youth", "not_recorded")
GRADES = ("inadequate", "requires_improvement", "good", "outstanding")

SECTION_LIST: tuple[Section, ...] = (
    Section(
        "1",
        SECTIONS["1"],
        tables=(
            Table(
                "contacts",
                "Contacts",
                (
                    Whole("fd.contacts"),
                    Parts("fd.contact_outcome", "outcome", parts=CONTACT_OUTCOMES, label="Outcome"),
                    Whole("fd.contact_conversion"),
                    Whole("fd.contacts_undecided"),
                    Whole("fd.decision_24h"),
                ),
            ),
            Table(
                "referrals",
                "Referrals",
                (
                    Whole("fd.referrals"),
                    Whole("fd.referral_rate"),
                    Whole("fd.rereferral_12m"),
                    Parts("fd.referral_source", "source_group", parts=REFERRAL_SOURCES, label="Source"),
                    Whole("fd.referral_nfa"),
                ),
            ),
            Table(
                "brag",
                "Contacts by BRAG rating",
                (
                    Parts(
                        "fd.contacts_by_brag", "initial_rag", parts=RAG, total=False, label="Initial rating"
                    ),
                    Parts("fd.contacts_by_brag", "final_rag", parts=RAG, label="Final rating"),
                ),
            ),
            Cross(
                "gender_age",
                "Contacts by gender and age band",
                "fd.contacts_by_gender_age",
                "gender_age",
                rows=("female", "male", "indeterminate", "unborn", "unknown"),
                columns=("unborn", "0-4", "5-11", "12-15", "16-18", "19-25"),
                rows_dimension="gender",
            ),
        ),
        charts=(
            Trend(
                "contacts",
                "Contacts received, and the share converted to a social care referral",
                (
                    Series("fd.contacts", label="Contacts"),
                    Series("fd.contact_conversion", label="Conversion rate", kind="line", axis="y2"),
                ),
            ),
            Trend("referrals", "Referrals by month", (Series("fd.referrals", label="Referrals"),)),
            Breakdown(
                "gender_age",
                "Contacts by gender and age band",
                "fd.contacts_by_gender_age",
                ("gender_age",),
                stacked=True,
            ),
            Breakdown(
                "brag",
                "Contacts by initial and final BRAG rating",
                "fd.contacts_by_brag",
                ("initial_rag", "final_rag"),
                parts=RAG,
            ),
        ),
    ),
    Section(
        "2",
        SECTIONS["2"],
        tables=(
            Table(
                "early_help",
                "Early help",
                (
                    Parts(
                        "eh.early_help_assessments",
                        "stage",
                        parts=("started", "completed"),
                        total=False,
                        label="Early help assessments",
                    ),
                    Whole("eh.stepped_down"),
                ),
            ),
            Table(
                "families_first",
                "Families First",
                (
                    Whole("tf.families_attached"),
                    Whole("tf.families_attached_progress"),
                    Whole("tf.families_claimed"),
                    Whole("tf.families_claimed_progress"),
                    Whole("tf.claims_ready"),
                ),
            ),
            Table(
                "composition",
                "Family composition",
                (
                    Parts("tf.family_composition", "role", total=False, label="Individuals per family"),
                    Parts("tf.family_composition_age", "role", total=False, label="Mean age"),
                    Parts("tf.family_composition_sex", "gender", total=False, label="Gender"),
                    Whole("tf.family_composition_bame"),
                ),
            ),
        ),
        charts=(
            Trend(
                "families",
                "Families attached and claimed for",
                (
                    Series("tf.families_attached", label="Attached", kind="line"),
                    Series("tf.families_claimed", label="Claimed", kind="line"),
                ),
            ),
        ),
    ),
    Section(
        "3",
        SECTIONS["3"],
        tables=(
            Table(
                "strategy",
                "Strategy discussions",
                (
                    Whole("sd.meetings"),
                    Parts(
                        "sd.agency_invited",
                        "agency",
                        total=False,
                        label="Agency invited",
                        parts=("social_care", "police", "health", "education"),
                    ),
                    Parts(
                        "sd.agency_attended",
                        "agency",
                        total=False,
                        label="Agency attended when invited",
                        parts=("social_care", "police", "health", "education"),
                    ),
                ),
            ),
            Table(
                "s47",
                "Section 47 enquiries",
                (
                    Whole("s47.started"),
                    Whole("s47.started_rate"),
                    Parts("s47.outcome", "outcome", parts=S47_OUTCOMES, label="Outcome"),
                    Whole("s47.days_open"),
                ),
            ),
            Table("s47_team", "Section 47s by team", (Parts("s47.by_team", "team"),)),
            Table(
                "icpc",
                "Initial child protection conferences",
                (
                    Whole("icpc.held"),
                    Whole("icpc.within_15wd"),
                    Parts("icpc.by_gender", "gender", parts=("female", "male", "unborn"), label="Gender"),
                    Whole("icpc.to_plan"),
                ),
            ),
        ),
        charts=(
            Trend("s47", "Section 47 enquiries by month", (Series("s47.started", label="S47s"),)),
            Trend("icpc", "ICPCs by month", (Series("icpc.held", label="ICPCs"),)),
        ),
    ),
    Section(
        "4",
        SECTIONS["4"],
        tables=(
            Table(
                "assessments",
                "Assessments",
                (
                    Whole("as.completed"),
                    Whole("as.child_seen"),
                    Whole("as.within_45wd"),
                    Parts(
                        "as.duration_band",
                        "duration_band",
                        parts=("0-25", "26-40", "41-45", "46+"),
                        label="Duration",
                    ),
                    Whole("as.first_of_referral"),
                ),
            ),
            Table(
                "outcomes",
                "Outcome of assessments",
                (
                    Parts("as.outcome", "outcome", parts=AS_OUTCOMES),
                    Whole("as.nfa"),
                    Whole("eh.stepped_down"),
                ),
            ),
            Cross(
                "by_team",
                "Assessments by team: initial and other",
                "as.by_team",
                "team_kind",
                columns=("initial", "other"),
                rows_dimension="team",
            ),
            Table("team", "Assessments by team", (Parts("as.by_team", "team"),)),
            Table(
                "characteristics",
                "Children assessed",
                (
                    Parts("as.by_age", "age_band", parts=AGE_BANDS, label="Age"),
                    Parts("as.by_gender", "gender", label="Gender"),
                    Parts("as.by_ethnicity", "ethnicity_group", parts=ETHNICITY, label="Ethnicity"),
                ),
            ),
        ),
        charts=(
            Trend(
                "completed", "Assessments completed by month", (Series("as.completed", label="Completed"),)
            ),
            Trend(
                "within_45wd",
                "Assessments within 45 working days",
                (Series("as.within_45wd", label="Within 45 working days", kind="line"),),
            ),
            Breakdown("age", "Age of children assessed", "as.by_age", ("age_band",), parts=AGE_BANDS),
            Breakdown("gender", "Gender of children assessed", "as.by_gender", ("gender",)),
            Breakdown(
                "ethnicity",
                "Ethnicity of children assessed",
                "as.by_ethnicity",
                ("ethnicity_group",),
                parts=ETHNICITY,
            ),
        ),
    ),
    Section(
        "5",
        SECTIONS["5"],
        tables=(
            Table(
                "cin",
                "Children in need",
                (Whole("cin.open_plans"), Whole("cin.open_plans_rate"), Whole("cin.visits_in_time")),
            ),
            Units("cin_units", "CIN visits in timescale by unit", "cin.visits_in_time"),
            Table(
                "cp",
                "Child protection",
                (
                    Whole("cp.open_plans"),
                    Whole("cp.open_plans_rate"),
                    Whole("cp.new_plans"),
                    Parts(
                        "cp.category",
                        "category",
                        parts=("NEG", "EMO", "PHY", "SAB", "MUL"),
                        label="Category of abuse",
                    ),
                    Whole("cp.repeat_2y"),
                    Whole("cp.repeat_2y", basis="r12"),
                    Whole("cp.repeat_ever"),
                    Whole("cp.repeat_ever", basis="r12"),
                    Whole("cp.lasting_2y"),
                    Whole("cp.lasting_2y", basis="r12"),
                    Whole("cp.visits_in_time"),
                    Whole("cp.reviews_in_time"),
                ),
            ),
            Table(
                "conferences",
                "Children's participation in conferences, and escalations",
                (
                    Whole("conf.child_attended"),
                    Whole("conf.views_sent"),
                    Parts(
                        "plan.escalations",
                        "type",
                        parts=("cin_to_cp", "cp_to_cic"),
                        total=False,
                        label="Escalations of plans",
                    ),
                ),
            ),
        ),
        charts=(
            Trend(
                "cp", "Children subject to a CP plan by month", (Series("cp.open_plans", label="CP plans"),)
            ),
            Breakdown(
                "category",
                "CP plans by category of abuse",
                "cp.category",
                ("category",),
                parts=("NEG", "EMO", "PHY", "SAB", "MUL"),
            ),
        ),
    ),
    Section(
        "6",
        SECTIONS["6"],
        tables=(
            Table(
                "legal_status",
                "Current legal status",
                (Parts("cla.legal_status", "legal_status", parts=LEGAL_STATUS),),
            ),
            Table(
                "facts",
                "Facts and figures",
                (
                    Whole("cla.count"),
                    Whole("cla.count_rate"),
                    Whole("cla.ni62"),
                    Whole("cla.ni63"),
                    Whole("cla.adopted_ytd"),
                    Whole("cla.sgo_ytd"),
                    Whole("cla.iha_20wd"),
                    Whole("cla.review_participation"),
                    Whole("cla.reviews_in_time"),
                    Whole("cla.visits_in_time"),
                ),
            ),
            Table(
                "characteristics",
                "Characteristics of children in care",
                (
                    Parts("cla.gender", "gender", label="Gender"),
                    Whole("cla.gender_ratio"),
                    Parts("cla.ethnicity", "ethnicity", parts=ETHNICITY, label="Ethnicity"),
                    Parts("cla.age", "age_band", parts=AGE_BANDS, label="Age"),
                    Parts(
                        "cla.time_in_care",
                        "months",
                        parts=("0-6", "6-12", "12-18", "18-24", "24+"),
                        label="Time in care",
                    ),
                ),
            ),
            Table(
                "placement",
                "Caseholding service and placements",
                (
                    Parts("cla.caseholding", "service", label="Caseholding service"),
                    Parts(
                        "cla.placement_location",
                        "location",
                        parts=("inside", "outside"),
                        label="Placement location",
                    ),
                    Parts("cla.placement_type", "placement_group", label="Placement type"),
                ),
            ),
            Table(
                "missing",
                "Missing episodes",
                (
                    Parts("mis.episodes", "source", parts=("from_home", "from_care"), label="Episodes"),
                    Parts("mis.episodes", "kind", parts=("missing", "absent"), total=False),
                    Parts(
                        "mis.mean_length",
                        "source",
                        parts=("from_home", "from_care"),
                        label="Mean length (days)",
                    ),
                    Parts(
                        "mis.return_interview",
                        "source",
                        parts=("from_home", "from_care"),
                        label="Return interviews offered",
                    ),
                    Parts(
                        "mis.return_interview_accepted",
                        "source",
                        parts=("from_home", "from_care"),
                        label="Return interviews accepted",
                    ),
                ),
            ),
        ),
        charts=(
            Trend("count", "Children in care by month", (Series("cla.count", label="Children in care"),)),
            Breakdown(
                "legal_status", "Legal status", "cla.legal_status", ("legal_status",), parts=LEGAL_STATUS
            ),
        ),
    ),
    Section(
        "6a",
        SECTIONS["6a"],
        tables=(
            Table(
                "placements",
                "Children by number of placements in the last 12 months",
                (
                    Parts("ps.placements_in_year", "placements", parts=("1", "2", "3", "4", "5+")),
                    Whole("cla.ni62"),
                ),
            ),
            Table("third", "Third placements", (Whole("ps.third_placements"),)),
            Table(
                "time_to_third",
                "Time between 1st and 3rd placement",
                (
                    Parts(
                        "ps.time_to_third",
                        "months",
                        parts=("<1", "1-3", "4-6", "6-12", "13-18", "19-24", "24+"),
                    ),
                ),
            ),
            Table(
                "age_at_third",
                "Age at 3rd placement",
                (Parts("ps.age_at_third", "age_band", parts=("under_1", "1-5", "6-10", "11-15", "16+")),),
            ),
            Table(
                "second_type",
                "Placement type of the 2nd placement",
                (Parts("ps.second_placement_type", "placement_group"),),
            ),
        ),
        charts=(
            Trend(
                "third",
                "Third placements by month, monthly and cumulative",
                (
                    Series("ps.third_placements", label="Monthly"),
                    Series("ps.third_placements", basis="ytd", label="Cumulative", kind="line"),
                ),
            ),
        ),
    ),
    Section(
        "7",
        SECTIONS["7"],
        tables=(
            Table(
                "count",
                "Unaccompanied asylum-seeking children",
                (
                    Parts("uasc.count", "legal_status", label="By legal status"),
                    Whole("uasc.time_in_care_mean"),
                ),
            ),
            Table(
                "time",
                "Time in care",
                (Parts("uasc.time_in_care", "years", parts=("<1", "1", "2", "3", "4+")),),
            ),
            Table("placement", "Current placement", (Parts("uasc.placement", "placement_group"),)),
            Table("team", "UASC by team", (Parts("uasc.by_team", "team"),)),
            Table("ethnicity", "Ethnicity", (Parts("uasc.ethnicity", "ethnicity", parts=ETHNICITY),)),
            Table(
                "gender_age",
                "Gender and age",
                (
                    Parts("uasc.gender_age", "gender", label="Gender"),
                    Parts("uasc.gender_age", "age", total=False, label="Age"),
                ),
            ),
        ),
        charts=(
            Run("count", "UASC by month since April two years back", (Series("uasc.count", label="UASC"),)),
        ),
    ),
    Section(
        "8",
        SECTIONS["8"],
        tables=(
            Table(
                "count",
                "Care leavers by age",
                (Parts("cl.count", "age", parts=("18", "19", "20", "21", "22+")),),
            ),
            Table(
                "eet",
                "Education, employment and training",
                (
                    Parts(
                        "cl.eet",
                        "eet_type",
                        parts=("higher_education", "other_education", "training_employment"),
                        label="In education, employment or training",
                    ),
                    Whole("cl.university"),
                    Parts("cl.neet", "activity", parts=("G4", "G5", "G6"), label="NEET"),
                ),
            ),
            Table(
                "support",
                "In touch, accommodation and support",
                (
                    Whole("cl.in_touch"),
                    Parts(
                        "cl.suitable_accommodation",
                        "accommodation",
                        label="In suitable accommodation",
                        parts=("B", "C", "D", "E", "T", "U", "V", "X", "Y", "Z"),
                    ),
                    Whole("cl.pathway_plan"),
                    Whole("cl.pa_allocated"),
                ),
            ),
        ),
        charts=(
            Trend("count", "Care leavers by month", (Series("cl.count", label="Care leavers"),)),
            Trend(
                "eet",
                "Care leavers in education, employment or training by month",
                (Series("cl.eet", label="EET", kind="line"),),
            ),
        ),
    ),
    Section(
        "9",
        SECTIONS["9"],
        tables=(
            Table(
                "adoption",
                "Adoption and fostering",
                (
                    Whole("ad.a1_days"),
                    Whole("ad.a2_days"),
                    Whole("ad.placement_orders"),
                    Whole("ad.adoption_orders"),
                    Whole("fo.carers_approved"),
                    Parts(
                        "fo.placements_inhouse_ifa",
                        "provider",
                        parts=("in_house", "ifa"),
                        label="Foster placements",
                    ),
                    Whole("ls.life_story"),
                ),
            ),
            Table(
                "courts",
                "Pre-proceedings and care proceedings",
                (
                    Whole("ct.preproceedings_weeks"),
                    Whole("ct.preproceedings_to_care"),
                    Whole("ct.care_proceedings_weeks"),
                    Parts(
                        "ct.outcome",
                        "outcome",
                        label="Outcomes of care proceedings",
                        parts=(
                            "placement_order",
                            "care_order",
                            "sgo",
                            "supervision_order",
                            "child_arrangements_order",
                            "no_order",
                        ),
                    ),
                ),
            ),
        ),
        charts=(
            Trend(
                "proceedings",
                "Timeliness of proceedings by month (weeks)",
                (
                    Series("ct.care_proceedings_weeks", label="Care proceedings", kind="line"),
                    Series("ct.preproceedings_weeks", label="Pre-proceedings", kind="line"),
                ),
            ),
        ),
    ),
    Section(
        "10",
        SECTIONS["10"],
        tables=(
            Table(
                "workforce",
                "Workforce",
                (
                    Whole("wf.caseload"),
                    Whole("wf.open_cases"),
                    Parts(
                        "wf.staff_makeup",
                        "status",
                        parts=("permanent", "agency", "vacant"),
                        label="Social work staff make-up",
                    ),
                    Whole("wf.unfunded_posts"),
                    Parts(
                        "wf.supervision",
                        "supervision",
                        parts=("newly_allocated", "in_time", "overdue", "none_recorded"),
                        label="Case supervision",
                    ),
                    Whole("wf.group_supervision"),
                ),
            ),
            Units("caseload_units", "Average caseload by unit", "wf.caseload"),
            Units("open_units", "Open cases by unit", "wf.open_cases"),
            Units(
                "supervision_units",
                "Case supervision within 6 weeks by unit",
                "wf.supervision",
                dimension="supervision",
                parts=("newly_allocated", "in_time", "overdue", "none_recorded"),
            ),
            Units("group_units", "Group supervisions in the last 3 months by unit", "wf.group_supervision"),
            Table(
                "audits",
                "Audits and management oversight",
                (
                    Parts("qa.audits", "kind", parts=("regular", "thematic"), label="Audits completed"),
                    Parts(
                        "qa.management_oversight",
                        "oversight_grade",
                        parts=GRADES,
                        label="Management oversight (regular audits)",
                    ),
                ),
            ),
            Cross(
                "audit_grades",
                "Audits by type and grade",
                "qa.audits",
                "kind_grade",
                rows=("regular", "thematic"),
                columns=GRADES,
                rows_dimension="kind",
            ),
        ),
        charts=(UnitsTrend("caseload", "Average caseload by unit by month", "wf.caseload"),),
    ),
    Section(
        "11",
        SECTIONS["11"],
        tables=(
            Entered(
                "entered",
                "Measures entered by hand",
                (
                    "yot.cohort",
                    "yot.first_time_entrants",
                    "yot.reoffending",
                    "yot.custody",
                    "tf.national_rank",
                    "tf.london_rank",
                    "fo.recruitment_enquiries",
                    "fo.recruitment_assessments",
                ),
            ),
        ),
    ),
)

BY_CODE: dict[str, Section] = {s.code: s for s in SECTION_LIST}


def get(code: str) -> Section | None:
    return BY_CODE.get(code)
