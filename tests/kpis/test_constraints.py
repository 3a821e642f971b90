from decimal import Decimal

import pytest

from tests.constraint_cases import Case, check_case, twice
from tests.factories import (
    BackfillFactory,
    BaselineFactory,
    BenchmarkFactory,
    EnteredMeasureFactory,
    MeasureSettingFactory,
    PeriodStateFactory,
    SnapshotFactory,
    SnapshotRunFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

CASES = [
    Case(
        "entered_measure_unique",
        lambda: twice(EnteredMeasureFactory, "kpi_code", "period", "org_unit"),
        good=lambda: EnteredMeasureFactory(kpi_code=EnteredMeasureFactory().kpi_code, period="2018-05"),
        note="same measure, period and org unit",
    ),
    Case("entered_measure_code_not_blank", lambda: EnteredMeasureFactory(kpi_code="")),
    Case(
        "entered_measure_period_range",
        lambda: EnteredMeasureFactory(period="1989-12"),
        good=lambda: EnteredMeasureFactory(period="1990-01"),
    ),
    Case(
        "entered_measure_period_range",
        lambda: EnteredMeasureFactory(period="2101-01"),
        good=lambda: EnteredMeasureFactory(period="2100-12"),
    ),
    Case(
        "entered_measure_has_figure",
        lambda: EnteredMeasureFactory(value=None, numerator=None),
        good=lambda: EnteredMeasureFactory(value=None, numerator=Decimal(3), denominator=Decimal(4)),
    ),
    Case(
        "entered_measure_denominator_ok",
        lambda: EnteredMeasureFactory(denominator=Decimal(-1)),
        good=lambda: EnteredMeasureFactory(denominator=Decimal(0)),
    ),
    Case(
        "snapshot_run_status",
        lambda: SnapshotRunFactory(status="paused"),
        good=lambda: SnapshotRunFactory(status="failed"),
    ),
    Case(
        "snapshot_unique_key",
        lambda: twice(
            SnapshotFactory, "measure", "period", "basis", "org_unit", "dimension", "breakdown", "version"
        ),
        good=lambda: SnapshotFactory(measure=SnapshotFactory().measure, version=2),
        note="same key and version",
    ),
    Case(
        "snapshot_version_positive",
        lambda: SnapshotFactory(version=0),
        good=lambda: SnapshotFactory(version=1),
    ),
    Case(
        "snapshot_breakdown_has_dim",
        lambda: SnapshotFactory(dimension="", breakdown="Police"),
        good=lambda: SnapshotFactory(dimension="source", breakdown="Police"),
        note="breakdown value without a dimension",
    ),
    Case(
        "target_unique",
        lambda: twice(TargetFactory, "measure", "financial_year", "org_unit", "basis"),
        good=lambda: TargetFactory(measure=TargetFactory().measure, financial_year=2019),
    ),
    Case(
        "target_tolerance_ok",
        lambda: TargetFactory(amber_tolerance=Decimal("-0.1")),
        good=lambda: TargetFactory(amber_tolerance=Decimal(0)),
    ),
    Case(
        "baseline_single_active",
        lambda: (BaselineFactory(active=True), BaselineFactory(active=True)),
        good=lambda: (BaselineFactory(active=True), BaselineFactory(active=False))[1],
        note="two active baselines",
    ),
    Case(
        "benchmark_unique",
        lambda: twice(BenchmarkFactory, "measure", "year", "kind", "label"),
        good=lambda: BenchmarkFactory(measure=BenchmarkFactory().measure, kind="region", label="North West"),
    ),
    Case(
        "benchmark_kind_valid",
        lambda: BenchmarkFactory(kind="world"),
        good=lambda: BenchmarkFactory(kind="stat_neighbours"),
    ),
    Case(
        "backfill_range_ok",
        lambda: BackfillFactory(first_period="2018-04", last_period="2018-03"),
        good=lambda: BackfillFactory(first_period="2018-04", last_period="2018-04", next_period="2018-04"),
        note="last month before first",
    ),
    Case(
        "backfill_status_valid",
        lambda: BackfillFactory(status="queued"),
        good=lambda: BackfillFactory(status="succeeded"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize(
    "factory",
    [
        EnteredMeasureFactory,
        BackfillFactory,
        SnapshotRunFactory,
        SnapshotFactory,
        PeriodStateFactory,
        MeasureSettingFactory,
        TargetFactory,
        BaselineFactory,
        BenchmarkFactory,
    ],
)
def test_good_row_saves(factory):
    factory().full_clean()
