"""Ratings: RAG against targets (boundaries, tolerances, polarity), direction arrows, polarity overrides,
target fallback team -> service -> LA, the baseline period; and seed_demo_targets, which gives the demo
council targets and a baseline idempotently."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.kpis.management.commands.seed_demo_targets import DEMO_TARGETS
from apps.kpis.models import Baseline, MeasureSetting, Target
from apps.kpis.ratings import (
    baseline_period,
    direction,
    effective_polarities,
    effective_polarity,
    rag,
    rag_for,
    target_for,
    targets_for,
    tolerance_amount,
)

ABS, REL = "absolute", "relative"


# --- rag -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "tol", "kind", "polarity", "expected"),
    [
        # higher is better: target 80, amber 5 points
        (90, 80, 5, ABS, "up", "green"),
        (80, 80, 5, ABS, "up", "green"),  # exactly on target
        (Decimal("79.9"), 80, 5, ABS, "up", "amber"),
        (75, 80, 5, ABS, "up", "amber"),  # exactly on the tolerance edge
        (Decimal("74.99"), 80, 5, ABS, "up", "red"),
        (0, 80, 5, ABS, "up", "red"),
        # lower is better: re-referrals target 20, amber 2
        (15, 20, 2, ABS, "down", "green"),
        (20, 20, 2, ABS, "down", "green"),
        (Decimal("20.1"), 20, 2, ABS, "down", "amber"),
        (22, 20, 2, ABS, "down", "amber"),
        (Decimal("22.01"), 20, 2, ABS, "down", "red"),
        # no tolerance: any miss is red
        (Decimal("79.99"), 80, None, ABS, "up", "red"),
        (80, 80, None, ABS, "up", "green"),
        (Decimal("20.01"), 20, None, ABS, "down", "red"),
        # zero tolerance behaves like none
        (Decimal("79.99"), 80, 0, ABS, "up", "red"),
        # relative: 10% of a caseload target of 18 = 1.8
        (18, 18, 10, REL, "down", "green"),
        (Decimal("19.8"), 18, 10, REL, "down", "amber"),  # edge
        (Decimal("19.81"), 18, 10, REL, "down", "red"),
        (Decimal("19.8"), 18, 10, ABS, "down", "amber"),  # 10 points absolute is far wider
        (Decimal("27.9"), 18, 10, ABS, "down", "amber"),
        # relative: 5% of 80 = 4
        (76, 80, 5, REL, "up", "amber"),
        (Decimal("75.9"), 80, 5, REL, "up", "red"),
        # floats: 0.1 + 0.2 is 0.30000000000000004; the edge still holds for the written values
        (75.0, 80.0, 5.0, ABS, "up", "amber"),
        (0.3, 0.1, 0.2, ABS, "down", "amber"),
        # polarity none: a band target +/- tolerance, green inside (edges included), red outside
        (Decimal("24.1"), 25, 5, ABS, "none", "green"),
        (30, 25, 5, ABS, "none", "green"),
        (20, 25, 5, ABS, "none", "green"),
        (Decimal("30.1"), 25, 5, ABS, "none", "red"),
        (Decimal("19.9"), 25, 5, ABS, "none", "red"),
        (Decimal("27.5"), 25, 10, REL, "none", "green"),  # 10% of 25 = 2.5: the edge
        (Decimal("27.6"), 25, 10, REL, "none", "red"),
        (Decimal("27.5"), 25, 10, ABS, "none", "green"),
        (25, 25, None, ABS, "none", None),  # no band, no rating
        # nothing to rate
        (None, 80, 5, ABS, "up", None),
        (80, None, 5, ABS, "up", None),
    ],
)
def test_rag(value, target, tol, kind, polarity, expected):
    assert rag(value, target, tol, kind, polarity) == expected


def test_rag_on_displayed_value():
    # 79.96% shows as 80.0%: rated on what is shown when places=1, exactly otherwise
    assert rag(Decimal("79.96"), 80, None, ABS, "up") == "red"
    assert rag(Decimal("79.96"), 80, None, ABS, "up", places=1) == "green"
    assert rag(Decimal("20.04"), 20, None, ABS, "down", places=1) == "green"
    assert rag(Decimal("20.05"), 20, None, ABS, "down", places=1) == "red"  # half up -> 20.1


def test_rag_rejects_nonsense():
    with pytest.raises(ValueError):
        rag(1, 2, 1, ABS, "sideways")
    with pytest.raises(ValueError):
        rag(1, 2, 1, "percentage", "up")
    with pytest.raises(ValueError):
        rag(1, 2, -1, ABS, "up")


def test_tolerance_amount():
    assert tolerance_amount(80, 5, REL) == 4
    assert tolerance_amount(80, 5, ABS) == 5
    assert tolerance_amount(80, None, ABS) == 0


# --- direction -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "latest", "polarity", "expected"),
    [
        (70, 75, "up", "positive_up"),
        (75, 70, "up", "negative_down"),
        (20, 22, "down", "negative_up"),
        (22, 20, "down", "positive_down"),
        (5, 6, "none", "up"),
        (6, 5, "none", "down"),
        (5, 5, "up", "no_change"),
        (5, 5, "down", "no_change"),
        (Decimal("5.0"), 5, "none", "no_change"),
        (None, 5, "up", None),
        (5, None, "down", None),
        (None, None, "none", None),
        (0, Decimal("0.1"), "up", "positive_up"),
    ],
)
def test_direction(previous, latest, polarity, expected):
    assert direction(previous, latest, polarity) == expected


# --- polarity overrides ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_effective_polarity_from_registry_and_override():
    assert effective_polarity("fd.rereferral_12m") == "down"
    assert effective_polarity("fd.contact_conversion") == "none"
    MeasureSetting.objects.create(measure="fd.contact_conversion", polarity="up")
    MeasureSetting.objects.create(measure="fd.rereferral_12m", polarity="")  # blank = no override
    assert effective_polarity("fd.contact_conversion") == "up"
    assert effective_polarity("fd.rereferral_12m") == "down"
    everything = effective_polarities()
    assert everything["fd.contact_conversion"] == "up"
    assert everything["fd.decision_24h"] == "up"
    with pytest.raises(KeyError):
        effective_polarity("no.such_measure")
    # an entered / not yet registered measure can be given a polarity by an admin
    MeasureSetting.objects.create(measure="yot.first_time_entrants", polarity="down")
    assert effective_polarity("yot.first_time_entrants") == "down"


# --- targets ------------------------------------------------------------------------------------------------


def _t(org, measure="fd.rereferral_12m", fy=2024, value=20, basis="", tol=None, kind=ABS):
    return Target.objects.create(
        measure=measure,
        financial_year=fy,
        org_unit=org,
        value=Decimal(value),
        basis=basis,
        amber_tolerance=None if tol is None else Decimal(tol),
        tolerance_kind=kind,
    )


@pytest.mark.django_db
def test_target_fallback_team_service_la(org):
    la_t = _t(org["LA"], value=20)
    assert target_for("fd.rereferral_12m", 2024, org["T1"]) == la_t
    assert target_for("fd.rereferral_12m", 2024, org["SVC"]) == la_t
    assert target_for("fd.rereferral_12m", 2024, org["LA"]) == la_t
    assert target_for("fd.rereferral_12m", 2024) == la_t  # None = the LA
    svc_t = _t(org["SVC"], value=18)
    assert target_for("fd.rereferral_12m", 2024, org["T1"]) == svc_t
    assert target_for("fd.rereferral_12m", 2024, org["T3"]) == la_t  # the other service falls back to LA
    team_t = _t(org["T1"], value=15)
    assert target_for("fd.rereferral_12m", 2024, org["T1"]) == team_t
    assert target_for("fd.rereferral_12m", 2024, org["T2"]) == svc_t
    # another year or measure: nothing
    assert target_for("fd.rereferral_12m", 2023, org["T1"]) is None
    assert target_for("fd.decision_24h", 2024, org["T1"]) is None


@pytest.mark.django_db
def test_target_basis_aware(org):
    # fd.rereferral_12m: bases month, ytd; headline month
    blank = _t(org["LA"], value=20)
    ytd = _t(org["LA"], value=21, basis="ytd")
    assert target_for("fd.rereferral_12m", 2024, org["LA"]) == blank
    assert target_for("fd.rereferral_12m", 2024, org["LA"], basis="month") == blank
    assert target_for("fd.rereferral_12m", 2024, org["LA"], basis="ytd") == ytd
    assert target_for("fd.rereferral_12m", 2024, org["LA"], basis="r12") is None
    explicit = _t(org["LA"], value=19, basis="month")  # explicit headline beats blank at the same unit
    assert target_for("fd.rereferral_12m", 2024, org["LA"]) == explicit
    # nearer org unit first, whatever the basis spelling
    team_blank = _t(org["T2"], value=10)
    assert target_for("fd.rereferral_12m", 2024, org["T2"], basis="month") == team_blank
    assert target_for("fd.rereferral_12m", 2024, org["T2"], basis="ytd") == ytd
    got = targets_for(2024, org["T2"])
    assert got[("fd.rereferral_12m", "")] == team_blank
    assert got[("fd.rereferral_12m", "ytd")] == ytd
    assert targets_for(2024, org["LA"])[("fd.rereferral_12m", "")] == explicit


@pytest.mark.django_db
def test_rag_for_uses_target_and_override(org):
    _t(org["LA"], value=20, tol=2)
    assert rag_for("fd.rereferral_12m", Decimal("21.5"), 2024, org["T1"]) == "amber"
    assert rag_for("fd.rereferral_12m", 19, 2024, org["T1"]) == "green"
    assert rag_for("fd.rereferral_12m", 19, 2023, org["T1"]) is None  # no target that year
    MeasureSetting.objects.create(measure="fd.rereferral_12m", polarity="up")
    assert rag_for("fd.rereferral_12m", 19, 2024, org["T1"]) == "amber"
    _t(org["T1"], value=Decimal("18"), tol=10, kind=REL)
    assert rag_for("fd.rereferral_12m", Decimal("16.2"), 2024, org["T1"]) == "amber"  # 18 - 1.8


# --- baseline ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_baseline_period():
    assert baseline_period() is None
    Baseline.objects.create(period="2016-11", active=False)
    assert baseline_period() is None
    Baseline.objects.create(period="2017-01", active=True)
    assert baseline_period() == Period(2017, 1)


# --- seed_demo_targets ----------------------------------------------------------------------------------


def snapshot_state():
    targets = list(Target.objects.order_by("pk").values())
    baselines = list(Baseline.objects.order_by("pk").values("pk", "period", "label", "active"))
    return targets, baselines


@pytest.mark.django_db
def test_seeds_two_financial_years_and_a_baseline():
    call_command("seed_demo_targets", "--today", "2025-02-10")  # 2024/25
    la = OrgUnit.objects.get(level=OrgLevel.LA)
    assert set(Target.objects.values_list("financial_year", flat=True)) == {2023, 2024}
    assert Target.objects.count() == 2 * len(DEMO_TARGETS)
    assert set(Target.objects.values_list("org_unit", flat=True)) == {la.pk}
    rr = Target.objects.get(measure="fd.rereferral_12m", financial_year=2024)
    assert (rr.value, rr.amber_tolerance, rr.tolerance_kind) == (Decimal(20), Decimal(2), "absolute")
    assert Target.objects.get(measure="as.within_45wd", financial_year=2023).value == 85
    assert Target.objects.get(measure="wf.caseload", financial_year=2024).tolerance_kind == "relative"
    assert baseline_period() == Period(2023, 3)  # 23 months before February 2025: the first month computed
    # the seeded targets rate as expected through the ratings API
    assert rag_for("fd.rereferral_12m", Decimal("21.1"), 2024) == "amber"
    assert rag_for("fd.decision_24h", 80, 2024) == "red"
    assert target_for("fd.rereferral_12m", 2022) is None


@pytest.mark.django_db
def test_april_starts_a_new_financial_year():
    call_command("seed_demo_targets", "--today", "2025-04-01")
    assert set(Target.objects.values_list("financial_year", flat=True)) == {2024, 2025}


@pytest.mark.django_db
def test_idempotent_and_keeps_admin_edits():
    call_command("seed_demo_targets", "--today", "2025-02-10")
    first = snapshot_state()
    call_command("seed_demo_targets", "--today", "2025-02-10")
    assert snapshot_state() == first
    # an admin changes a target and the baseline: a re-seed leaves them alone...
    Target.objects.filter(measure="cl.eet", financial_year=2024).update(value=60)
    Baseline.objects.update(period="2022-11")
    call_command("seed_demo_targets", "--today", "2025-02-10")
    assert Target.objects.get(measure="cl.eet", financial_year=2024).value == 60
    assert baseline_period() == Period(2022, 11)
    # ... unless asked to overwrite
    call_command("seed_demo_targets", "--today", "2025-02-10", "--overwrite")
    assert Target.objects.get(measure="cl.eet", financial_year=2024).value == 55
    assert baseline_period() == Period(2023, 3)
    assert Baseline.objects.filter(active=True).count() == 1
    assert Target.objects.count() == 2 * len(DEMO_TARGETS)


@pytest.mark.django_db
def test_bad_date():
    with pytest.raises(CommandError):
        call_command("seed_demo_targets", "--today", "2025-13-01")
