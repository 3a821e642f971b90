"""Reads of child-level data. Every function takes the requesting user and starts from
`Child.objects.visible_to(user)` (or `visible_records`), so no caller can forget the access rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import dateformat, timezone
from django.utils.text import capfirst

from apps.core.choices import ETHNICITY_GROUPS, Ethnicity
from apps.core.models import OrgLevel, OrgUnit
from apps.core.workdays import years_before

from .models import Child, visible_records

# Age bands shown on the list (the catalogue's, apps.kpis.engine.AGE_BANDS) plus unborn children.
AGE_BANDS = (("unborn", "Unborn", None, None), ("0-4", "0–4", 0, 4), ("5-9", "5–9", 5, 9))
AGE_BANDS += (("10-15", "10–15", 10, 15), ("16+", "16 and over", 16, None))


def today() -> dt.date:
    return timezone.localdate()


def age_on(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None or dob > on:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_band_q(band: str, on: dt.date) -> Q:
    """Children in an age band on a date, as a filter on date_of_birth (so the database does the work)."""
    if band == "unborn":
        return Q(date_of_birth__isnull=True, expected_date_of_birth__isnull=False) | Q(date_of_birth__gt=on)
    for code, _label, low, high in AGE_BANDS:
        if code == band:
            q = Q(date_of_birth__lte=years_before(on, low))
            if high is not None:
                q &= Q(date_of_birth__gt=years_before(on, high + 1))
            return q
    raise ValueError(band)


def ethnicity_group_q(group: str) -> Q:
    if group == "Missing":
        return Q(ethnicity="")
    return Q(ethnicity__in=ETHNICITY_GROUPS[group])


ETHNICITY_GROUP_OF = {code: group for group, codes in ETHNICITY_GROUPS.items() for code in codes}


def restrict(queryset, user, child_field: str = "child"):
    """Any child-level queryset narrowed to what the user may see: children through
    `Child.objects.visible_to`, records through `visible_records`. The base view and the API call this."""
    if queryset.model is Child:
        return queryset.visible_to(user)
    return visible_records(queryset, user, child_field)


def teams_in_scope(user):
    """The teams a user may filter by: the teams whose children they may see."""
    from apps.accounts.access import team_scope

    scope = team_scope(user)
    teams = (
        OrgUnit.objects.filter(level=OrgLevel.TEAM).select_related("parent").order_by("parent__name", "name")
    )
    return teams if scope is None else teams.filter(pk__in=sorted(scope))


def with_status(queryset, *, on: dt.date | None = None):
    """Children annotated with what the list shows: current team, in care and on a CP plan now."""
    from apps.care.models import CareEpisode
    from apps.plans.models import CPPlan
    from apps.workforce.models import Allocation

    on = on or today()
    open_on = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))
    current_team = (
        Allocation.objects.filter(open_on, child_id=OuterRef("pk"))
        .order_by("-start_date", "-pk")
        .values("team__name")[:1]
    )
    return queryset.annotate(
        team_name=Subquery(current_team),
        in_care=Exists(CareEpisode.objects.filter(open_on, child_id=OuterRef("pk"))),
        on_cp_plan=Exists(CPPlan.objects.filter(open_on, child_id=OuterRef("pk"))),
    )


def child_list(user, *, on: dt.date | None = None):
    """The children a user may see, annotated for the list."""
    return with_status(Child.objects.visible_to(user), on=on)


def child_get(user, child_id: str):
    """One child the user may see, by the LA's child ID, or None (another team's child and a child that does
    not exist look the same)."""
    return child_list(user).filter(child_id=child_id).first()


# --- the timeline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineSource:
    label: str
    model: str  # app_label.Model
    date_field: str
    fields: tuple[str, ...]  # key fields shown, direct fields of the model
    id_field: str | None = None
    team: str | None = None  # lookup path to the team's name, when the record says which team


TIMELINE_SOURCES: tuple[TimelineSource, ...] = (
    TimelineSource(
        "Allocation", "workforce.Allocation", "start_date", ("end_date",), "allocation_id", "team__name"
    ),
    TimelineSource(
        "Contact",
        "frontdoor.Contact",
        "received_at",
        ("source", "initial_rag", "final_rag", "decided_at", "outcome"),
        "contact_id",
        "team__name",
    ),
    TimelineSource(
        "Referral",
        "frontdoor.Referral",
        "referral_date",
        ("source", "primary_need", "nfa", "closure_date", "closure_reason"),
        "referral_id",
        "team__name",
    ),
    TimelineSource(
        "Early help",
        "frontdoor.EarlyHelpEpisode",
        "start_date",
        ("completion_date", "organisation"),
        "episode_id",
    ),
    TimelineSource(
        "Assessment",
        "assessments.Assessment",
        "start_date",
        ("authorised_date", "child_seen", "outcome", "working_days"),
        "assessment_id",
        "team__name",
    ),
    TimelineSource(
        "Strategy discussion",
        "assessments.StrategyDiscussion",
        "held_date",
        ("completed", "attended_police", "attended_health", "attended_education"),
        "discussion_id",
        "referral__team__name",
    ),
    TimelineSource(
        "S47 enquiry",
        "assessments.S47Enquiry",
        "start_date",
        ("completed_date", "outcome", "icpc_not_required"),
        "s47_id",
        "team__name",
    ),
    TimelineSource(
        "Conference",
        "assessments.Conference",
        "held_date",
        ("kind", "plan_made", "participation", "working_days_from_strategy"),
        "conference_id",
        "s47__team__name",
    ),
    TimelineSource("CIN plan", "plans.CINPlan", "start_date", ("end_date",), "plan_id", "team__name"),
    TimelineSource(
        "CP plan",
        "plans.CPPlan",
        "start_date",
        ("end_date", "initial_category", "latest_category"),
        "plan_id",
        "team__name",
    ),
    TimelineSource(
        "Visit", "plans.Visit", "visit_date", ("kind", "seen", "seen_alone"), "visit_id", "worker__team__name"
    ),
    TimelineSource(
        "Care episode",
        "care.CareEpisode",
        "start_date",
        ("end_date", "legal_status", "category_of_need", "placement_type", "reason_ceased"),
        "episode_id",
        "team__name",
    ),
    TimelineSource("CiC review", "care.CLAReview", "review_date", ("participation",), "review_id"),
    TimelineSource(
        "Health assessment", "care.HealthAssessment", "completed_date", ("kind",), "health_assessment_id"
    ),
    TimelineSource(
        "Missing episode",
        "care.MissingEpisode",
        "start_date",
        ("kind", "end_date", "from_care", "return_interview_offered", "return_interview_accepted"),
        "episode_id",
    ),
    TimelineSource(
        "Care leaver status",
        "care.CareLeaverStatus",
        "status_date",
        ("eligibility", "in_touch", "activity", "accommodation", "accommodation_suitable"),
        None,
        "pa_worker__team__name",
    ),
    TimelineSource(
        "Adoption",
        "care.Adoption",
        "entered_care_date",
        ("decision_date", "placement_order_date", "matched_date", "placed_date", "adoption_order_date"),
    ),
    TimelineSource(
        "Proceeding", "care.Proceeding", "start_date", ("kind", "end_date", "outcome"), "proceeding_id"
    ),
    TimelineSource("Life story work", "care.LifeStoryWork", "start_date", ("end_date",)),
)


def display(field, value) -> str:
    """A stored value as people read it: choice labels, Yes/No, dates in words; blank as an en dash."""
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return dateformat.format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, dt.date):
        return dateformat.format(value, "j M Y")
    return str(value)


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def child_timeline(child: Child) -> list[dict]:
    """Every record of one child in date order (records without a date last): one query per record type.

    The caller has already found the child through `child_get(user, ...)`, so the child is one the user may
    see; every record of a visible child is visible."""
    entries = []
    for order, source in enumerate(TIMELINE_SOURCES):
        model = apps.get_model(source.model)
        meta = model._meta
        columns = [source.date_field, *source.fields] + ([source.id_field] if source.id_field else [])
        extra = {"_team": F(source.team)} if source.team else {}
        for row in model.objects.filter(child=child).order_by().values("pk", *columns, **extra):
            when = row[source.date_field]
            entries.append(
                {
                    "kind": source.label,
                    "order": order,
                    "model": meta.model_name,
                    "id": row[source.id_field] if source.id_field else str(row["pk"]),
                    "day": _day(when),
                    "date": display(meta.get_field(source.date_field), when),
                    "date_label": capfirst(meta.get_field(source.date_field).verbose_name),
                    "team": row.get("_team") or "",
                    "fields": [
                        (capfirst(meta.get_field(f).verbose_name), display(meta.get_field(f), row[f]))
                        for f in source.fields
                    ],
                }
            )
    # Same-day records in the order of the work (discussion before S47, conference before plan).
    entries.sort(key=lambda e: (e["day"] is None, e["day"] or dt.date.min, e["order"], e["id"]))
    return entries


def characteristics(child: Child, *, names: bool) -> list[tuple[str, str]]:
    """The child's characteristics as (label, value) pairs; names only for users who may see them."""
    on = today()
    meta = Child._meta
    rows = [("Child ID", child.child_id)]
    if names:
        rows.append(("Name", f"{child.given_name} {child.family_name}".strip() or "–"))
    age = age_on(child.date_of_birth, on)
    rows += [
        ("Sex", display(meta.get_field("sex"), child.sex)),
        ("Date of birth", display(meta.get_field("date_of_birth"), child.date_of_birth)),
    ]
    if child.date_of_birth is None:
        rows.append(
            (
                "Expected date of birth",
                display(meta.get_field("expected_date_of_birth"), child.expected_date_of_birth),
            )
        )
    rows += [
        ("Age", "–" if age is None else str(age)),
        ("Ethnicity", display(meta.get_field("ethnicity"), child.ethnicity)),
        ("Ethnicity group", ETHNICITY_GROUP_OF.get(child.ethnicity, "Missing")),
        ("Disability", display(meta.get_field("disability"), child.disability)),
        ("UASC", display(meta.get_field("uasc"), child.uasc)),
    ]
    if child.uasc_ceased_date:
        rows.append(("UASC ceased", display(meta.get_field("uasc_ceased_date"), child.uasc_ceased_date)))
    rows += [
        ("Allocated team", getattr(child, "team_name", None) or "–"),
        ("In care now", "Yes" if getattr(child, "in_care", False) else "No"),
        ("On a CP plan now", "Yes" if getattr(child, "on_cp_plan", False) else "No"),
    ]
    return rows


def child_export_rows(queryset, *, names: bool):
    """The list's rows for CSV/Excel: a header then one list of plain values per child."""
    on = today()
    header = ["Child ID"] + (["Given name", "Family name"] if names else [])
    header += ["Sex", "Date of birth", "Age", "Ethnicity", "Ethnicity group", "UASC", "Allocated team"]
    header += ["In care now", "On CP plan now"]
    yield header
    sexes, ethnicities = dict(Child._meta.get_field("sex").flatchoices), dict(Ethnicity.choices)
    for child in queryset.iterator(chunk_size=2000):
        age = age_on(child.date_of_birth, on)
        row = [child.child_id] + ([child.given_name, child.family_name] if names else [])
        row += [
            sexes.get(child.sex, child.sex),
            child.date_of_birth.isoformat() if child.date_of_birth else "",
            "" if age is None else age,
            ethnicities.get(child.ethnicity, child.ethnicity),
            ETHNICITY_GROUP_OF.get(child.ethnicity, "Missing"),
            {True: "Yes", False: "No"}.get(child.uasc, ""),
            child.team_name or "",
            "Yes" if child.in_care else "No",
            "Yes" if child.on_cp_plan else "No",
        ]
        yield row
