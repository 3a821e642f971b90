"""Section 1: the front door (MASH, contacts and referrals)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, DateField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from apps.frontdoor.choices import REFERRAL_SOURCE_GROUPS
from apps.frontdoor.models import Contact, Referral

from ..engine import AGE_BANDS_CONTACT, Ctx, annotate_age, annotate_team, band_label, gender
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit
from .common import calendar, population

S = "1"
M, YTD = Basis.MONTH, Basis.YTD


def local_date(what: str):
    """The contact's stored local date (apps.frontdoor.derived), else converted on the fly for a row not yet
    refreshed (COALESCE stops at the stored value, so the conversion costs nothing once it is there)."""
    return Coalesce(F(f"{what}_date"), TruncDate(f"{what}_at"), output_field=DateField())


CONTACT_TEAM = (
    "Received in the period: received_at from the first instant of the month (YTD: of 1 April) to the first "
    "instant of the next month, Europe/London; team = the team recorded on the contact, else the team "
    "holding the child's case (allocation) on the contact's London date"
)
REFERRAL_TEAM = "team = the team recorded on the referral, else the team holding the child's case that day"


def contacts_in(ctx: Ctx, basis: str):
    qs = Contact.objects.filter(ctx.in_window("received_at", basis, is_datetime=True))
    return annotate_team(qs, local_date("received"))


def referrals_in(ctx: Ctx, basis: str):
    qs = Referral.objects.filter(ctx.in_window("referral_date", basis))
    return annotate_team(qs, F("referral_date"))


@population_measure(
    "fd.contacts",
    "Contacts received",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="contacts received in the period (month; YTD). " + CONTACT_TEAM,
)
def contacts(ctx, basis):
    return Population(contacts_in(ctx, basis), columns=("received_at",))


NOT_DECIDED = "not_decided"


def decided_by_end(ctx: Ctx, basis: str) -> Q:
    """Decided on or before the period end: a decision time before the first instant of the next month in
    Europe/London (the period end is a local date, as the stored decided_date is). A contact with no
    decision time is not decided, whatever outcome it carries. Reading the outcome only through this
    keeps a month recomputed later the figure it was when the month ended."""
    _, end = ctx.dt_window(basis)
    return Q(decided_at__isnull=False, decided_at__lt=end)


def outcome_at_end(ctx: Ctx, basis: str) -> Case:
    """The outcome decided by the period end, else not_decided (a decided contact with no outcome recorded
    is not_recorded)."""
    return Case(
        When(decided_by_end(ctx, basis), then=F("outcome")),
        default=Value(NOT_DECIDED),
        output_field=CharField(),
    )


@population_measure(
    "fd.contact_outcome",
    "Contact outcome",
    S,
    Unit.PERCENT,
    "none",
    [M, YTD],
    breakdowns=("outcome",),
    definition="contacts received in the period (month; YTD: the financial year to date) by the outcome "
    "decided on or before the period end (decision time before the first instant of the next month, "
    "Europe/London) / contacts received in the period. Parts: csc_referral, early_help, information, nfa, "
    "signposting, not_decided (no decision by the period end, the booklet's 'contacts received not "
    "assessed in month'; also a contact with an outcome but no decision time) and not_recorded (decided "
    "with no outcome); they sum to the contacts received, and a decision made after the period end never "
    "changes the period's figures. " + CONTACT_TEAM,
)
def contact_outcome(ctx, basis):
    return Population(
        contacts_in(ctx, basis),
        Kind.SHARE,
        dims={"outcome": Dim(outcome_at_end(ctx, basis))},
        columns=("received_at", "decided_at", "outcome"),
    )


@population_measure(
    "fd.contact_conversion",
    "Contacts progressing to social care referral",
    S,
    Unit.PERCENT,
    "none",
    [M, YTD],
    definition="contacts received in the period (month; YTD) whose outcome 'referral to children's social "
    "care' was decided on or before the period end (as fd.contact_outcome) / contacts received in the "
    "period. " + CONTACT_TEAM,
)
def contact_conversion(ctx, basis):
    csc = Q(outcome="csc_referral") & decided_by_end(ctx, basis)
    return Population(
        contacts_in(ctx, basis), Kind.RATIO, num=csc, columns=("received_at", "decided_at", "outcome")
    )


@population_measure(
    "fd.contacts_undecided",
    "Contacts received not decided in month",
    S,
    Unit.PERCENT,
    "down",
    [M, YTD],
    definition="contacts received in the period (month; YTD) with no decision by the period end (no "
    "decision time, or one on or after the first instant of the next month, Europe/London) / contacts "
    "received in the period: fd.contact_outcome's not_decided part. " + CONTACT_TEAM,
)
def contacts_undecided(ctx, basis):
    undecided = ~decided_by_end(ctx, basis)
    return Population(
        contacts_in(ctx, basis), Kind.RATIO, num=undecided, columns=("received_at", "decided_at", "outcome")
    )


@population_measure(
    "fd.decision_24h",
    "Decision on contact within 24 hours",
    S,
    Unit.PERCENT,
    "up",
    [M, YTD],
    definition="contacts decided in the period (decided_at in the month, YTD: the year to date, Europe/London) "
    "whose decision time - receipt time is 24 hours or less / contacts decided in the period; team = the "
    "contact's team, else the allocation on the decision's London date",
)
def decision_24h(ctx, basis):
    qs = annotate_team(
        Contact.objects.filter(ctx.in_window("decided_at", basis, is_datetime=True)),
        local_date("decided"),
    )
    in_time = Q(decided_at__lte=F("received_at") + timedelta(hours=24))
    return Population(qs, Kind.RATIO, num=in_time, columns=("received_at", "decided_at", "outcome"))


@population_measure(
    "fd.contacts_by_gender_age",
    "Contacts by gender and age band",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    breakdowns=("gender_age",),
    definition="contacts received in the period by gender (female, male, indeterminate, unknown) x age band at "
    "the contact's London date (unborn, 0-4, 5-11, 12-15, 16-18, 19-25; other above 25). " + CONTACT_TEAM,
)
def contacts_by_gender_age(ctx, basis):
    qs = annotate_age(contacts_in(ctx, basis), "child__date_of_birth", local_date("received"))
    # Grouped by gender and exact age, banded afterwards (engine.relabel); the drill-down filters by the
    # exact values that fall into the band.
    sex_age = Concat(gender(), Value("|"), Cast("_age", CharField()), output_field=CharField())
    return Population(
        qs, dims={"gender_age": Dim(sex_age, label=gender_age_band)}, columns=("received_at", "_age")
    )


def gender_age_band(label: str) -> str:
    sex, _, age = label.partition("|")
    return f"{sex}|{band_label(None if age in ('', 'None') else age, AGE_BANDS_CONTACT)}"


@population_measure(
    "fd.contacts_by_brag",
    "Contacts by initial / final BRAG rating",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    breakdowns=("initial_rag", "final_rag"),
    definition="contacts received in the period by initial and, separately, by final BRAG rating (BLUE, GREEN, "
    "AMBER, RED; blank = not_recorded). " + CONTACT_TEAM,
)
def contacts_by_brag(ctx, basis):
    return Population(
        contacts_in(ctx, basis),
        dims={"initial_rag": Dim(F("initial_rag")), "final_rag": Dim(F("final_rag"))},
        columns=("received_at", "initial_rag", "final_rag"),
    )


@population_measure(
    "fd.referrals",
    "Referrals",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="referrals with referral date in the period (month; YTD); " + REFERRAL_TEAM,
)
def referrals(ctx, basis):
    return Population(referrals_in(ctx, basis), columns=("referral_date", "source"))


@population_measure(
    "fd.referral_rate",
    "Referrals per 10,000 children",
    S,
    Unit.RATE,
    "none",
    [YTD],
    la_only=True,
    definition="referrals in the financial year to date / population aged 0-17 of the financial year x 10,000 "
    "(the LA only)",
)
def referral_rate(ctx, basis):
    return Population(
        referrals_in(ctx, basis),
        Kind.RATE,
        rate_denominator=lambda: population(ctx),
        columns=("referral_date", "source"),
    )


def rereferral_q():
    """A previous referral of the same child dated within the 12 months before this one (DfE)."""
    earlier = Referral.objects.filter(
        child_id=OuterRef("child_id"),
        referral_date__lt=OuterRef("referral_date"),
        referral_date__gte=calendar("year_ago", OuterRef(OuterRef("referral_date"))),
    )
    return Exists(earlier)


@population_measure(
    "fd.rereferral_12m",
    "Re-referrals within 12 months",
    S,
    Unit.PERCENT,
    "down",
    [M, YTD],
    definition="referrals in the period (month; YTD) of a child with a previous referral dated before this one "
    "and on or after the same date a year earlier (DfE) / referrals in the period; " + REFERRAL_TEAM,
)
def rereferral_12m(ctx, basis):
    qs = referrals_in(ctx, basis).annotate(_re=rereferral_q())
    return Population(qs, Kind.RATIO, num=Q(_re=True), columns=("referral_date", "source"))


def source_group():
    whens = [When(source__in=codes, then=Value(group)) for group, codes in REFERRAL_SOURCE_GROUPS.items()]
    return Case(*whens, default=Value("other"))


@population_measure(
    "fd.referral_source",
    "Referrals by source",
    S,
    Unit.PERCENT,
    "none",
    [M, YTD],
    breakdowns=("source_group",),
    definition="referrals in the period (month; YTD) by source group / referrals: police_legal (6, 7), "
    "school_education (2A, 2B), health (3A-3F), la_services (4, 5A-5D), other (1A-1D, 8, 9, 10, blank); "
    + REFERRAL_TEAM,
)
def referral_source(ctx, basis):
    return Population(
        referrals_in(ctx, basis),
        Kind.SHARE,
        dims={"source_group": Dim(source_group())},
        columns=("referral_date", "source"),
    )


@population_measure(
    "fd.referral_nfa",
    "Referrals with no further action",
    S,
    Unit.PERCENT,
    "down",
    [M, YTD],
    definition="referrals in the period (month; YTD) marked no further action (nfa Y) / referrals in the "
    "period; " + REFERRAL_TEAM,
)
def referral_nfa(ctx, basis):
    return Population(referrals_in(ctx, basis), Kind.RATIO, num=Q(nfa=True), columns=("referral_date", "nfa"))
