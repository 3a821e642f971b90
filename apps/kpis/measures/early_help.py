"""Section 2: early help and Families First (the Troubled Families programme).

Families First records (Family, FamilyMember) carry no team and no link to a child's social care case, so
the tf.* measures are for the whole LA only (la_only): a service or team row would always read 0.
"""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from apps.core.choices import ETHNICITY_GROUPS
from apps.frontdoor.models import EarlyHelpEpisode
from apps.workforce.models import Family, FamilyMember

from ..engine import Ctx, annotate_age, annotate_team, gender, parts_and_whole, share_parts
from ..population import Kind, Population, population_measure
from ..registry import Basis, Part, Unit, measure
from .assessments import assessments_completed
from .common import parameter

S = "2"
# Families First records name no child of the social care record: there is no child to check access for.
NO_CHILD = (
    "Families First records (families and their members) are not linked to a child's social care record, "
    "so there is no child-level list the access rules could govern; the figure is for the whole LA only."
)
M, END = Basis.MONTH, Basis.AT_END

# BAME: Black, Asian and minority ethnic = every stated group other than White.
BAME_CODES = [c for g in ("Mixed", "Asian", "Black", "Other") for c in ETHNICITY_GROUPS[g]]


def first_setting(codes: list[str], key: str):
    for code in codes:
        value = parameter(code, key, None)
        if value is not None:
            return value
    return None


@measure(
    "eh.early_help_assessments",
    "Early help assessments started / completed",
    S,
    Unit.COUNT,
    "none",
    [M],
    breakdowns=("stage",),
    not_drillable="Its whole counts events (an episode's start and its completion), not records; a list per "
    "stage is not built yet.",
    definition=(
        "Early help episodes with a start date in the period (stage 'started') and with a completion date in "
        "the period (stage 'completed'). Read the stage parts: the whole is the number of start and "
        "completion events (an episode started and completed in the same month counts once in each stage), "
        "so the parts sum to it. Team: the team holding the child's case on the event date, if any."
    ),
)
def early_help_assessments(ctx: Ctx):
    for stage, field in (("started", "start_date"), ("completed", "completion_date")):
        qs = annotate_team(
            EarlyHelpEpisode.objects.filter(ctx.in_window(field, M)), F(field), team_field=None
        )
        yield from parts_and_whole(qs, M, num=Count("pk"), dimension="stage", breakdown=Value(stage))


@population_measure(
    "eh.stepped_down",
    "Assessments stepped down to early help",
    S,
    Unit.PERCENT,
    "none",
    [M],
    definition=(
        "Assessments completed (authorised) in the period with outcome 'step down to early help' / "
        "assessments completed in the period (the early_help part of as.outcome)."
    ),
)
def stepped_down(ctx: Ctx, basis: str):
    columns = ("start_date", "authorised_date", "outcome")
    return Population(
        assessments_completed(ctx, basis), Kind.RATIO, num=Q(outcome="early_help"), columns=columns
    )


def families_at(ctx: Ctx):
    return Family.objects.filter(attached_date__lte=ctx.end)


@measure(
    "tf.families_attached",
    "Families attached to the programme",
    S,
    Unit.COUNT,
    "up",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition="Families with an attachment date on or before the period end (cumulative). LA only.",
)
def families_attached(ctx: Ctx):
    yield Part(END, None, families_at(ctx).count())


@measure(
    "tf.families_attached_progress",
    "Families attached: progress against the programme target",
    S,
    Unit.PERCENT,
    "up",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Families attached by the period end / the programme attachment target, an admin setting "
        "(MeasureSetting 'programme_target' of this code or of tf.families_attached, e.g. 2,220). "
        "No target set: no value."
    ),
)
def families_attached_progress(ctx: Ctx):
    target = first_setting(["tf.families_attached_progress", "tf.families_attached"], "programme_target")
    yield Part(END, None, families_at(ctx).count(), int(target or 0))


def claimed_at(ctx: Ctx):
    return Family.objects.filter(claimed_date__lte=ctx.end)


@measure(
    "tf.families_claimed",
    "Families claimed for (turned around)",
    S,
    Unit.COUNT,
    "up",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition="Families with a successful claim date on or before the period end (cumulative). LA only.",
)
def families_claimed(ctx: Ctx):
    yield Part(END, None, claimed_at(ctx).count())


@measure(
    "tf.families_claimed_progress",
    "Families claimed: progress against the claim target",
    S,
    Unit.PERCENT,
    "up",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Families claimed for by the period end / the claim target, an admin setting ('programme_target' of "
        "this code or of tf.families_claimed; when neither is set, the attachment target of "
        "tf.families_attached, as in the booklet: 915 of 2,220 = 41.2%). No target set: no value."
    ),
)
def families_claimed_progress(ctx: Ctx):
    target = first_setting(
        ["tf.families_claimed_progress", "tf.families_claimed", "tf.families_attached"], "programme_target"
    )
    yield Part(END, None, claimed_at(ctx).count(), int(target or 0))


@measure(
    "tf.claims_ready",
    "Potential claims ready for audit",
    S,
    Unit.COUNT,
    "up",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Families attached by the period end whose outcome was met on or before the period end and who had "
        "not been claimed for by then (no claim date, or a claim dated after the period end). LA only."
    ),
)
def claims_ready(ctx: Ctx):
    end = ctx.end
    ready = (
        families_at(ctx)
        .filter(outcome_met_date__lte=end)
        .filter(Q(claimed_date__isnull=True) | Q(claimed_date__gt=end))
    )
    yield Part(END, None, ready.count())


def members_at(ctx: Ctx):
    return FamilyMember.objects.filter(family__attached_date__lte=ctx.end)


@measure(
    "tf.family_composition",
    "Family composition: individuals per family",
    S,
    Unit.MEAN,
    "none",
    [END],
    breakdowns=("role",),
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Over families attached by the period end: members / families (mean individuals per family); role "
        "parts 'child' and 'adult' give children and adults per family (each over all attached families, so "
        "the parts sum to the whole). Siblings: tf.family_composition_age, _sex, _bame. LA only."
    ),
)
def family_composition(ctx: Ctx):
    families = families_at(ctx).count()
    by_role = dict(members_at(ctx).values("role").annotate(n=Count("pk")).order_by().values_list("role", "n"))
    yield Part(END, None, sum(by_role.values()), families)
    for role in ("child", "adult"):
        yield Part(END, None, by_role.get(role, 0), families, "role", role)


@measure(
    "tf.family_composition_age",
    "Family composition: mean age",
    S,
    Unit.MEAN,
    "none",
    [END],
    breakdowns=("role",),
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Mean age in whole years at the period end of the members of families attached by the period end: "
        "the whole over all individuals, role parts over children and adults. Members with no date of birth, "
        "or born after the period end, are left out (numerator and denominator). LA only."
    ),
)
def family_composition_age(ctx: Ctx):
    qs = annotate_age(members_at(ctx), "date_of_birth", ctx.end).filter(_age__gte=0)
    rows = qs.values("role").annotate(n=Sum("_age"), d=Count("pk")).order_by()
    total_n = total_d = 0
    for row in rows:
        total_n, total_d = total_n + (row["n"] or 0), total_d + row["d"]
        yield Part(END, None, row["n"] or 0, row["d"], "role", row["role"])
    yield Part(END, None, total_n, total_d)


@measure(
    "tf.family_composition_sex",
    "Family composition: % female / % male",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("gender",),
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Members of families attached by the period end by sex (female, male, indeterminate, unknown for "
        "blank or U) / all members. LA only."
    ),
)
def family_composition_sex(ctx: Ctx):
    qs = members_at(ctx).annotate(_none=Value(None, output_field=IntegerField()))
    yield from share_parts(qs, END, dimension="gender", breakdown=gender("sex"), team="_none")


@measure(
    "tf.family_composition_bame",
    "Family composition: % BAME individuals",
    S,
    Unit.PERCENT,
    "none",
    [END],
    la_only=True,
    not_drillable=NO_CHILD,
    definition=(
        "Members of families attached by the period end whose ethnicity is in the Mixed, Asian, Black or "
        "Other group (BAME: every stated group but White) / all members (not stated and missing ethnicity "
        "count in the denominator only). LA only."
    ),
)
def family_composition_bame(ctx: Ctx):
    bame = Case(When(ethnicity__in=BAME_CODES, then=Value(1)), default=Value(0), output_field=IntegerField())
    agg = members_at(ctx).aggregate(n=Sum(bame), d=Count("pk"))
    yield Part(END, None, agg["n"] or 0, agg["d"])
