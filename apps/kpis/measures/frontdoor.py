"""Section 1: the front door (MASH, contacts and referrals)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, Count, DateField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from apps.frontdoor.choices import REFERRAL_SOURCE_GROUPS
from apps.frontdoor.models import Contact, Referral

from ..engine import (
    AGE_BANDS_CONTACT,
    Ctx,
    annotate_age,
    annotate_team,
    band_label,
    gender,
    parts,
    parts_and_whole,
    relabel,
    share_parts,
    whole_of,
)
from ..registry import Basis, Unit, measure
from .common import calendar, rate_part

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


@measure(
    "fd.contacts",
    "Contacts received",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="contacts received in the period (month; YTD). " + CONTACT_TEAM,
)
def contacts(ctx):
    for basis in (M, YTD):
        yield from parts(contacts_in(ctx, basis), basis, num=Count("pk"))


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


@measure(
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
def contact_outcome(ctx):
    for basis in (M, YTD):
        yield from share_parts(
            contacts_in(ctx, basis), basis, dimension="outcome", breakdown=outcome_at_end(ctx, basis)
        )


@measure(
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
def contact_conversion(ctx):
    for basis in (M, YTD):
        csc = Q(outcome="csc_referral") & decided_by_end(ctx, basis)
        yield from parts(contacts_in(ctx, basis), basis, num=Count("pk", filter=csc), den=Count("pk"))


@measure(
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
def contacts_undecided(ctx):
    for basis in (M, YTD):
        undecided = ~decided_by_end(ctx, basis)
        yield from parts(contacts_in(ctx, basis), basis, num=Count("pk", filter=undecided), den=Count("pk"))


@measure(
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
def decision_24h(ctx):
    for basis in (M, YTD):
        qs = annotate_team(
            Contact.objects.filter(ctx.in_window("decided_at", basis, is_datetime=True)),
            local_date("decided"),
        )
        in_time = Q(decided_at__lte=F("received_at") + timedelta(hours=24))
        yield from parts(qs, basis, num=Count("pk", filter=in_time), den=Count("pk"))


@measure(
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
def contacts_by_gender_age(ctx):
    for basis in (M, YTD):
        qs = annotate_age(contacts_in(ctx, basis), "child__date_of_birth", local_date("received"))
        by_age = parts(
            qs,
            basis,
            num=Count("pk"),
            dimension="gender_age",
            breakdown=Concat(gender(), Value("|"), Cast("_age", CharField()), output_field=CharField()),
        )

        def to_band(label):
            sex, _, age = label.partition("|")
            return f"{sex}|{band_label(None if age in ('', 'None') else age, AGE_BANDS_CONTACT)}"

        yield from whole_of(by_age)
        yield from relabel(by_age, to_band)


@measure(
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
def contacts_by_brag(ctx):
    for basis in (M, YTD):
        qs = contacts_in(ctx, basis)
        yield from parts_and_whole(
            qs, basis, num=Count("pk"), dimension="initial_rag", breakdown=F("initial_rag")
        )
        yield from parts(qs, basis, num=Count("pk"), dimension="final_rag", breakdown=F("final_rag"))


@measure(
    "fd.referrals",
    "Referrals",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="referrals with referral date in the period (month; YTD); " + REFERRAL_TEAM,
)
def referrals(ctx):
    for basis in (M, YTD):
        yield from parts(referrals_in(ctx, basis), basis, num=Count("pk"))


@measure(
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
def referral_rate(ctx):
    yield rate_part(ctx, YTD, referrals_in(ctx, YTD).count())


def rereferral_q():
    """A previous referral of the same child dated within the 12 months before this one (DfE)."""
    earlier = Referral.objects.filter(
        child_id=OuterRef("child_id"),
        referral_date__lt=OuterRef("referral_date"),
        referral_date__gte=calendar("year_ago", OuterRef(OuterRef("referral_date"))),
    )
    return Exists(earlier)


@measure(
    "fd.rereferral_12m",
    "Re-referrals within 12 months",
    S,
    Unit.PERCENT,
    "down",
    [M, YTD],
    definition="referrals in the period (month; YTD) of a child with a previous referral dated before this one "
    "and on or after the same date a year earlier (DfE) / referrals in the period; " + REFERRAL_TEAM,
)
def rereferral_12m(ctx):
    for basis in (M, YTD):
        qs = referrals_in(ctx, basis).annotate(_re=rereferral_q())
        yield from parts(qs, basis, num=Count("pk", filter=Q(_re=True)), den=Count("pk"))


def source_group():
    whens = [When(source__in=codes, then=Value(group)) for group, codes in REFERRAL_SOURCE_GROUPS.items()]
    return Case(*whens, default=Value("other"))


@measure(
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
def referral_source(ctx):
    for basis in (M, YTD):
        yield from share_parts(
            referrals_in(ctx, basis), basis, dimension="source_group", breakdown=source_group()
        )


@measure(
    "fd.referral_nfa",
    "Referrals with no further action",
    S,
    Unit.PERCENT,
    "down",
    [M, YTD],
    definition="referrals in the period (month; YTD) marked no further action (nfa Y) / referrals in the "
    "period; " + REFERRAL_TEAM,
)
def referral_nfa(ctx):
    for basis in (M, YTD):
        yield from parts(
            referrals_in(ctx, basis), basis, num=Count("pk", filter=Q(nfa=True)), den=Count("pk")
        )
