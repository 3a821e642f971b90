"""factory_boy factories for every model. Defaults make a valid row with as few related rows as possible:
optional foreign keys (team, worker, referral...) are left empty; pass them when a test needs them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from apps.accounts.models import AccessAction, AccessLog, ApiToken, AuditEvent, Role, User
from apps.assessments.models import Assessment, Conference, S47Enquiry, StrategyDiscussion
from apps.care.models import (
    Adoption,
    CareEpisode,
    CareLeaverStatus,
    CLAReview,
    HealthAssessment,
    LifeStoryWork,
    MissingEpisode,
    Proceeding,
)
from apps.core.models import OrgLevel, OrgUnit, Population, WorkingDay
from apps.core.periods import Period
from apps.core.workdays import is_working_day, working_day_ordinal
from apps.frontdoor.models import Contact, EarlyHelpEpisode, Referral
from apps.imports.models import ImportKind, ImportRun, ImportStatus
from apps.kpis.models import (
    Backfill,
    Baseline,
    Benchmark,
    EnteredMeasure,
    MeasureSetting,
    PeriodState,
    Snapshot,
    SnapshotRun,
    Target,
)
from apps.people.models import Child
from apps.plans.models import CINPlan, CPPlan, Visit
from apps.scorecards.models import (
    BookletEdition,
    BookletFile,
    BookletRecipient,
    CaseWorkBuild,
    CaseWorkItem,
    Commentary,
    LayoutRow,
    LayoutSection,
    ScorecardLayout,
    Timescale,
)
from apps.workforce.models import Allocation, Audit, Family, FamilyMember, Post, Supervision, Worker

LONDON = ZoneInfo("Europe/London")

# --- org structure -------------------------------------------------------------------------------------


class LAFactory(DjangoModelFactory):
    """The single LA node (get-or-create, as apps.core.services.ensure_la)."""

    class Meta:
        model = OrgUnit
        django_get_or_create = ("level",)

    level = OrgLevel.LA
    code = factory.LazyFunction(lambda: settings.COUNCIL_CODE)
    name = factory.LazyFunction(lambda: settings.COUNCIL_NAME)
    parent = None


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    level = OrgLevel.SERVICE
    code = factory.Sequence(lambda n: f"SVC{n:03d}")
    name = factory.Sequence(lambda n: f"Service {n}")
    parent = factory.SubFactory(LAFactory)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    level = OrgLevel.TEAM
    code = factory.Sequence(lambda n: f"TEAM{n:03d}")
    name = factory.Sequence(lambda n: f"Team {n}")
    parent = factory.SubFactory(ServiceFactory)


class PopulationFactory(DjangoModelFactory):
    class Meta:
        model = Population
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2017 + n % 60)
    age_0_17 = 52_000
    source = "ONS mid-year estimate"


class WorkingDayFactory(DjangoModelFactory):
    class Meta:
        model = WorkingDay
        django_get_or_create = ("date",)

    date = date(2018, 4, 3)
    ordinal = factory.LazyAttribute(lambda o: working_day_ordinal(o.date))
    is_working = factory.LazyAttribute(lambda o: is_working_day(o.date))


# --- accounts ------------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.VIEWER
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def org_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.org_units.set(extracted)


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class ApiTokenFactory(DjangoModelFactory):
    """A key's record (the key itself is made only by apps.accounts.services_tokens.api_token_create)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory, role=Role.ANALYST)
    name = "case system"
    prefix = "pp_test"
    key_hash = factory.Sequence(lambda n: f"{n:064x}")


class AccessLogFactory(DjangoModelFactory):
    class Meta:
        model = AccessLog

    user = factory.SubFactory(UserFactory, role=Role.TEAM_MANAGER)
    username = factory.LazyAttribute(lambda o: o.user.username if o.user else "")
    role = factory.LazyAttribute(lambda o: o.user.role if o.user else Role.VIEWER)
    action = AccessAction.LIST
    what = "child list"
    path = "/children/"
    filters = factory.LazyFunction(dict)
    rows = 3
    ip = "127.0.0.1"


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(AdminUserFactory)
    actor_username = factory.LazyAttribute(lambda o: o.actor.username if o.actor else "")
    action = AuditEvent.Action.UPDATE
    object_type = "kpis.target"
    object_id = "1"
    object_repr = "cin.visits_in_time 2024: 90"
    before = factory.LazyFunction(lambda: {"value": "85"})
    after = factory.LazyFunction(lambda: {"value": "90"})


# --- people --------------------------------------------------------------------------------------------


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child
        django_get_or_create = ("child_id",)

    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    sex = factory.Iterator(["M", "F"])
    date_of_birth = date(2010, 6, 15)
    ethnicity = "WBRI"


# --- workforce -----------------------------------------------------------------------------------------


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker
        django_get_or_create = ("worker_id",)

    worker_id = factory.Sequence(lambda n: f"W{n:05d}")
    name = factory.Sequence(lambda n: f"Worker {n}")
    team = factory.SubFactory(TeamFactory)
    fte = Decimal("1.00")
    employment = "permanent"
    start_date = date(2015, 9, 1)


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    post_id = factory.Sequence(lambda n: f"P{n:05d}")
    team = factory.SubFactory(TeamFactory)
    funded = True
    status = "permanent"
    fte = Decimal("1.00")
    start_date = date(2017, 4, 1)


class AllocationFactory(DjangoModelFactory):
    class Meta:
        model = Allocation

    allocation_id = factory.Sequence(lambda n: f"AL{n:06d}")
    child = factory.SubFactory(ChildFactory)
    team = factory.SubFactory(TeamFactory)
    start_date = date(2018, 4, 3)


class SupervisionFactory(DjangoModelFactory):
    class Meta:
        model = Supervision

    supervision_id = factory.Sequence(lambda n: f"SV{n:06d}")
    child = factory.SubFactory(ChildFactory)
    held_date = date(2018, 5, 1)
    kind = "case"


class AuditFactory(DjangoModelFactory):
    class Meta:
        model = Audit

    audit_id = factory.Sequence(lambda n: f"AU{n:06d}")
    child = factory.SubFactory(ChildFactory)
    completed_date = date(2018, 5, 1)
    kind = "regular"
    grade = "good"
    oversight_grade = "requires_improvement"


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    family_id = factory.Sequence(lambda n: f"FAM{n:05d}")
    attached_date = date(2017, 6, 1)


class FamilyMemberFactory(DjangoModelFactory):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person_id = factory.Sequence(lambda n: f"PER{n:06d}")
    role = "adult"
    sex = "F"
    date_of_birth = date(1985, 3, 2)
    ethnicity = "WBRI"


# --- front door ----------------------------------------------------------------------------------------


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    contact_id = factory.Sequence(lambda n: f"CT{n:06d}")
    child = factory.SubFactory(ChildFactory)
    received_at = datetime(2018, 4, 3, 9, 30, tzinfo=LONDON)
    source = "2A"
    initial_rag = "AMBER"
    final_rag = "GREEN"
    decided_at = datetime(2018, 4, 3, 15, 0, tzinfo=LONDON)
    outcome = "csc_referral"


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    referral_id = factory.Sequence(lambda n: f"RF{n:06d}")
    child = factory.SubFactory(ChildFactory)
    referral_date = date(2018, 4, 3)
    source = "6"
    primary_need = "N1"


class EarlyHelpEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = EarlyHelpEpisode

    episode_id = factory.Sequence(lambda n: f"EH{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 3)
    organisation = "Early Help Hub"


# --- assessments ---------------------------------------------------------------------------------------


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    assessment_id = factory.Sequence(lambda n: f"AS{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 3)
    authorised_date = date(2018, 5, 1)
    child_seen = True
    child_seen_date = date(2018, 4, 5)
    outcome = "cin_plan"


class StrategyDiscussionFactory(DjangoModelFactory):
    class Meta:
        model = StrategyDiscussion

    discussion_id = factory.Sequence(lambda n: f"SD{n:06d}")
    child = factory.SubFactory(ChildFactory)
    held_date = date(2018, 4, 4)
    completed = True


class S47EnquiryFactory(DjangoModelFactory):
    class Meta:
        model = S47Enquiry

    s47_id = factory.Sequence(lambda n: f"S47{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 4)
    completed_date = date(2018, 4, 20)
    outcome = "icpc"


class ConferenceFactory(DjangoModelFactory):
    class Meta:
        model = Conference

    conference_id = factory.Sequence(lambda n: f"CF{n:06d}")
    child = factory.SubFactory(ChildFactory)
    kind = "initial"
    held_date = date(2018, 4, 24)
    plan_made = True
    participation = "PN1"


# --- plans ---------------------------------------------------------------------------------------------


class CINPlanFactory(DjangoModelFactory):
    class Meta:
        model = CINPlan

    plan_id = factory.Sequence(lambda n: f"CIN{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 5, 1)


class CPPlanFactory(DjangoModelFactory):
    class Meta:
        model = CPPlan

    plan_id = factory.Sequence(lambda n: f"CP{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 24)
    initial_category = "NEG"
    latest_category = "NEG"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    visit_id = factory.Sequence(lambda n: f"VI{n:06d}")
    child = factory.SubFactory(ChildFactory)
    visit_date = date(2018, 5, 3)
    kind = "cp"
    seen = True
    seen_alone = False


# --- care ----------------------------------------------------------------------------------------------


class CareEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = CareEpisode

    episode_id = factory.Sequence(lambda n: f"EP{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 3)
    rne = "S"
    legal_status = "C2"
    category_of_need = "N1"
    placement_type = "U4"
    placement_provider = "PR1"
    placement_inside_la = True


class CLAReviewFactory(DjangoModelFactory):
    class Meta:
        model = CLAReview

    review_id = factory.Sequence(lambda n: f"RV{n:06d}")
    child = factory.SubFactory(ChildFactory)
    review_date = date(2018, 4, 30)
    participation = "PN1"


class HealthAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = HealthAssessment

    health_assessment_id = factory.Sequence(lambda n: f"HA{n:06d}")
    child = factory.SubFactory(ChildFactory)
    kind = "initial"
    completed_date = date(2018, 4, 27)


class MissingEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    episode_id = factory.Sequence(lambda n: f"MI{n:06d}")
    child = factory.SubFactory(ChildFactory)
    kind = "missing"
    start_date = date(2018, 6, 1)
    end_date = date(2018, 6, 2)
    from_care = True
    return_interview_offered = True
    return_interview_accepted = True


class CareLeaverStatusFactory(DjangoModelFactory):
    class Meta:
        model = CareLeaverStatus

    child = factory.SubFactory(ChildFactory, date_of_birth=date(2000, 5, 1))
    status_date = date(2018, 5, 1)
    eligibility = "former_relevant"
    in_touch = "YES"
    last_contact_date = date(2018, 4, 20)
    activity = "F2"
    accommodation = "U"
    accommodation_suitable = True


class AdoptionFactory(DjangoModelFactory):
    class Meta:
        model = Adoption

    child = factory.SubFactory(ChildFactory, date_of_birth=date(2016, 2, 1))
    entered_care_date = date(2016, 3, 1)
    decision_date = date(2016, 9, 1)
    placement_order_date = date(2017, 1, 10)
    matched_date = date(2017, 5, 2)
    placed_date = date(2017, 5, 20)


class ProceedingFactory(DjangoModelFactory):
    class Meta:
        model = Proceeding

    proceeding_id = factory.Sequence(lambda n: f"PR{n:06d}")
    child = factory.SubFactory(ChildFactory)
    kind = "care_proceedings"
    start_date = date(2018, 4, 10)


class LifeStoryWorkFactory(DjangoModelFactory):
    class Meta:
        model = LifeStoryWork

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 4, 10)


# --- kpis and imports ----------------------------------------------------------------------------------


class EnteredMeasureFactory(DjangoModelFactory):
    class Meta:
        model = EnteredMeasure

    kpi_code = factory.Sequence(lambda n: f"entered.measure_{n}")
    period = "2018-04"
    org_unit = factory.SubFactory(LAFactory)
    value = Decimal("12.5")
    note = "From the partner agency's return"


class SnapshotRunFactory(DjangoModelFactory):
    class Meta:
        model = SnapshotRun

    period = "2018-04"
    trigger = "test"
    status = "succeeded"
    measures = 1
    rows_written = 1


class BackfillFactory(DjangoModelFactory):
    class Meta:
        model = Backfill

    first_period = "2017-04"
    last_period = "2018-03"
    next_period = "2017-04"
    status = "running"


class SnapshotFactory(DjangoModelFactory):
    class Meta:
        model = Snapshot

    measure = factory.Sequence(lambda n: f"test.measure_{n}")
    period = "2018-04"
    basis = "month"
    org_unit = factory.SubFactory(LAFactory)
    version = 1
    numerator = Decimal(3)
    denominator = Decimal(4)
    value = Decimal("75")
    computed_at = datetime(2018, 5, 1, 2, 0, tzinfo=LONDON)


class PeriodStateFactory(DjangoModelFactory):
    class Meta:
        model = PeriodState
        django_get_or_create = ("period",)

    period = factory.Sequence(lambda n: str(Period(2018, 4) + n))
    last_computed_at = datetime(2018, 5, 1, 2, 0, tzinfo=LONDON)


class MeasureSettingFactory(DjangoModelFactory):
    class Meta:
        model = MeasureSetting
        django_get_or_create = ("measure",)

    measure = factory.Sequence(lambda n: f"test.setting_{n}")
    polarity = "up"
    parameters = factory.LazyFunction(dict)


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    measure = factory.Sequence(lambda n: f"test.target_{n}")
    financial_year = 2018
    org_unit = factory.SubFactory(LAFactory)
    value = Decimal("80")
    amber_tolerance = Decimal("5")


class BaselineFactory(DjangoModelFactory):
    class Meta:
        model = Baseline

    label = "Last Ofsted inspection"
    period = "2017-11"
    active = False


class BenchmarkFactory(DjangoModelFactory):
    class Meta:
        model = Benchmark

    measure = factory.Sequence(lambda n: f"test.benchmark_{n}")
    year = 2017
    kind = "england"
    value = Decimal("21.5")
    source = "DfE CIN census 2018"


class ImportRunFactory(DjangoModelFactory):
    class Meta:
        model = ImportRun

    kind = ImportKind.BUNDLE
    source = "var/bundle"
    status = ImportStatus.SUCCEEDED
    command = "import_bundle var/bundle"
    counts = factory.LazyFunction(
        lambda: {"children.csv": {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}}
    )
    error_count = 0


# --- scorecard layouts and commentary ---------------------------------------------------------------------


class CommentaryFactory(DjangoModelFactory):
    class Meta:
        model = Commentary

    period = "2018-03"
    org_unit = factory.SubFactory(LAFactory)
    section = ""
    version = factory.Sequence(lambda n: n + 1)
    text = "Contacts fell after the half term."
    author_name = "A. Director"
    written_at = factory.LazyFunction(lambda: datetime(2018, 4, 4, 9, 30, tzinfo=LONDON))


class ScorecardLayoutFactory(DjangoModelFactory):
    class Meta:
        model = ScorecardLayout

    name = factory.Sequence(lambda n: f"Layout {n}")
    slug = factory.Sequence(lambda n: f"layout-{n}")
    is_default = False


class LayoutSectionFactory(DjangoModelFactory):
    class Meta:
        model = LayoutSection

    layout = factory.SubFactory(ScorecardLayoutFactory)
    order = factory.Sequence(lambda n: (n + 1) * 10)
    title = factory.Sequence(lambda n: f"Theme {n}")


class LayoutRowFactory(DjangoModelFactory):
    class Meta:
        model = LayoutRow

    section = factory.SubFactory(LayoutSectionFactory)
    order = factory.Sequence(lambda n: (n + 1) * 10)
    plan_ref = "T1"
    measure = "fd.contacts"


# --- booklet -------------------------------------------------------------------------------------------


class BookletEditionFactory(DjangoModelFactory):
    class Meta:
        model = BookletEdition

    period = "2018-03"
    org_unit = factory.SubFactory(LAFactory)
    version = factory.Sequence(lambda n: n + 1)
    snapshot_version = 1
    trigger = "published"
    made_at = factory.LazyFunction(lambda: datetime(2018, 4, 3, 7, 0, tzinfo=LONDON))


class BookletFileFactory(DjangoModelFactory):
    class Meta:
        model = BookletFile

    edition = factory.SubFactory(BookletEditionFactory)
    audience = "full"
    format = "xlsx"
    content = b"PK"
    size = 2


class BookletRecipientFactory(DjangoModelFactory):
    class Meta:
        model = BookletRecipient

    name = factory.Sequence(lambda n: f"Recipient {n}")
    email = factory.Sequence(lambda n: f"recipient{n}@example.org")


class TimescaleFactory(DjangoModelFactory):
    """A case-tracking timescale. Every kind's row is seeded by the data migration, so this gets that row."""

    class Meta:
        model = Timescale
        django_get_or_create = ("kind",)

    kind = "iha"
    first_amount = 20
    first_unit = "working_days"


class CaseWorkBuildFactory(DjangoModelFactory):
    """A kept working-out of case tracking (normally made by apps.scorecards.casework.work_out)."""

    class Meta:
        model = CaseWorkBuild

    as_at = date(2018, 6, 1)
    scales_key = "0" * 64


class CaseWorkItemFactory(DjangoModelFactory):
    class Meta:
        model = CaseWorkItem

    build = factory.SubFactory(CaseWorkBuildFactory)
    work = "assessment"
    record_id = factory.Sequence(lambda n: f"AS{n:06d}")
    child = factory.SubFactory(ChildFactory)
    started = date(2018, 3, 1)
    due = date(2018, 5, 8)
    due_ord = 100


def _collect() -> dict:
    """model -> its default factory (the first one declared), for tests that loop over every model."""
    out: dict = {}
    for value in list(globals().values()):
        if (
            isinstance(value, type)
            and issubclass(value, DjangoModelFactory)
            and value is not DjangoModelFactory
        ):
            model = value._meta.model
            if model is not None:
                out.setdefault(model, value)
    return out


FACTORIES = _collect()
