from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from apps.core.choices import Ethnicity, Sex
from apps.core.fields import code_in

# The record types that tie a child to a team: the team held the child's case (an allocation) or recorded one
# of the child's events. "May see" (visible_to) and "children of team X" (the list's team filter) both read it.
TEAM_RECORD_MODELS = (
    "workforce.Allocation",
    "frontdoor.Contact",
    "frontdoor.Referral",
    "assessments.Assessment",
    "assessments.S47Enquiry",
    "plans.CINPlan",
    "plans.CPPlan",
    "care.CareEpisode",
)


def held_by_team(team_ids):
    """The pks of the children the given teams hold or held a case for, or recorded an event for: one
    UNION of each team-held record type's children, read through each table's team index. (The same set as
    an OR of EXISTS per child made the database visit every child: 10 s for a team on a large council,
    against 0.14 s so.)"""
    from django.apps import apps

    teams = sorted(team_ids)
    union = None
    for label in TEAM_RECORD_MODELS:
        part = apps.get_model(label).objects.filter(team_id__in=teams).order_by().values("child_id")
        union = part if union is None else union.union(part)
    return union


def held_by_team_exists(team_ids, child_ref: str = "child_id") -> Q:
    """The same set as held_by_team, as a test of one outer row's child (`child_ref`, an OuterRef name):
    an OR of EXISTS per team-held record type, each one index probe. For a query with a few candidate rows
    to check (case tracking's care leavers), where building held_by_team's whole list of a service's
    children would cost more than the rows it is asked about."""
    from django.apps import apps

    teams = sorted(team_ids)
    q = Q()
    for label in TEAM_RECORD_MODELS:
        q |= Q(Exists(apps.get_model(label).objects.filter(child_id=OuterRef(child_ref), team_id__in=teams)))
    return q


def held_by_team_q(team_ids) -> Q:
    """Children the given teams hold or held a case for, or recorded an event for (held_by_team)."""
    return Q(pk__in=held_by_team(team_ids))


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The children whose records this user may see (apps.accounts.access explains the rules). The one
        place child-level access is decided: views, exports, drill-downs and the API all start here."""
        from apps.accounts.access import team_scope

        scope = team_scope(user)
        if scope is None:
            return self
        if not scope:
            return self.none()
        return self.filter(held_by_team_q(scope))


def visible_records(queryset, user, child_field: str = "child"):
    """Any child-level queryset narrowed to the children the user may see."""
    from apps.accounts.access import team_scope

    scope = team_scope(user)
    if scope is None:
        return queryset
    if not scope:
        return queryset.none()
    return queryset.filter(**{f"{child_field}__in": held_by_team(scope)})


class Child(models.Model):
    """A child known to children's social care, by the LA's child ID. Unborn children have an expected date
    of birth and no date of birth yet."""

    child_id = models.CharField("child ID", max_length=40, unique=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    disability = models.BooleanField(null=True, blank=True)
    uasc = models.BooleanField("UASC", null=True, blank=True)
    uasc_ceased_date = models.DateField("UASC ceased", null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["child_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(child_id=""), name="child_id_not_blank"),
            models.CheckConstraint(condition=code_in("sex", Sex, blank_ok=False), name="child_sex_valid"),
            models.CheckConstraint(condition=code_in("ethnicity", Ethnicity), name="child_ethnicity_valid"),
            models.CheckConstraint(
                condition=Q(uasc_ceased_date__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(uasc_ceased_date__gte=F("date_of_birth")),
                name="child_uasc_ceased_after_birth",
            ),
        ]
        indexes = [models.Index(fields=["date_of_birth"])]

    def __str__(self):
        return self.child_id
