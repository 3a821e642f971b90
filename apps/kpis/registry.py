"""Every measure of the catalogue (`shared/spec/kpi-catalogue.md`) is declared once, here, by the modules of
apps.kpis.measures: code, label, section, unit, polarity, the bases it is stored on, its breakdown dimensions
and its compute function. Targets, benchmarks, baselines and polarity overrides live in the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal


class Unit:
    COUNT = "count"
    PERCENT = "percent"  # numerator / denominator x 100
    RATE = "rate"  # numerator / denominator x 10,000 (per 10,000 children)
    MEAN = "mean"  # numerator (a sum) / denominator (how many): days, weeks, people...
    RATIO = "ratio"  # numerator / denominator


SCALE = {Unit.PERCENT: Decimal(100), Unit.RATE: Decimal(10000), Unit.MEAN: Decimal(1), Unit.RATIO: Decimal(1)}


class Basis:
    MONTH = "month"  # flow: events in the calendar month
    YTD = "ytd"  # flow: financial year to date (1 April to the period's end)
    R12 = "r12"  # flow: the 12 months ending at the period's end
    R3M = "r3m"  # flow: the 3 months ending at the period's end
    R36 = "r36"  # flow: the 36 months ending at the period's end (adoption scorecard A1/A2)
    AT_END = "at_end"  # stock: open at the end of the period's last day


SECTIONS = {
    "1": "Front door",
    "2": "Early help and Families First",
    "3": "Strategy discussions, S47 and ICPC",
    "4": "Assessments",
    "5": "Children in need and child protection",
    "6": "Children in care",
    "6a": "Placement stability",
    "7": "Unaccompanied asylum-seeking children",
    "8": "Care leavers",
    "9": "Adoption, fostering, courts",
    "10": "Workforce and practice quality",
    "11": "Measures entered by hand",
}


@dataclass(frozen=True)
class Part:
    """One computed figure before rolling up: for a team (None = held by no team; counts for the LA only),
    a basis and a breakdown (dimension "" = the whole)."""

    basis: str
    team_id: int | None
    numerator: Decimal | int | float
    denominator: Decimal | int | float | None = None
    dimension: str = ""
    breakdown: str = ""


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    section: str
    unit: str
    polarity: str  # "up", "down", "none"
    bases: tuple[str, ...]
    compute: Callable[..., Iterable[Part]] | None = None
    breakdowns: tuple[str, ...] = ()
    definition: str = ""
    # Rates per 10,000 are only meaningful for the whole LA (population is held for the LA).
    la_only: bool = False
    headline_basis: str | None = None
    entered: bool = False
    params: dict = field(default_factory=dict)
    # Whether a small denominator is suppressed for viewers (apps.kpis.suppression); None = by the unit
    # (percentages, means and ratios count children or records in their denominators, rates a population).
    suppress_denominator: bool | None = None
    # The drill-down: `population(ctx, basis)` returns the records behind the figures (apps.kpis.population),
    # the same ones the compute function aggregates. A measure without one says why (`not_drillable`).
    population: Callable | None = None
    not_drillable: str = ""

    @property
    def drillable(self) -> bool:
        return self.population is not None

    @property
    def drill_reason(self) -> str:
        """Why the figures of this measure lead to no list of records ("" when they do)."""
        if self.drillable:
            return ""
        if self.entered:
            return "This figure is entered by hand: there are no records behind it."
        return self.not_drillable or NOT_YET_DRILLABLE

    @property
    def headline(self) -> str:
        return self.headline_basis or self.bases[0]

    def value_of(self, numerator, denominator) -> Decimal | None:
        """The displayed value. A zero (or missing) denominator gives no value, never 0 and never an error."""
        if self.unit == Unit.COUNT:
            return Decimal(numerator)
        if denominator in (None, 0):
            return None
        return Decimal(numerator) * SCALE[self.unit] / Decimal(denominator)


NOT_YET_DRILLABLE = (
    "This measure is not yet written as a population of records, so its figures cannot yet be followed "
    "down to the records behind them."
)

REGISTRY: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    if measure.code in REGISTRY:
        raise ValueError(f"measure {measure.code} declared twice")
    if not measure.bases:
        raise ValueError(f"measure {measure.code} has no basis")
    REGISTRY[measure.code] = measure
    return measure


def measure(code: str, label: str, section: str, unit: str, polarity: str, bases, **kw):
    """Decorator: declare a measure whose compute function follows."""

    def wrap(fn):
        register(Measure(code, label, section, unit, polarity, tuple(bases), compute=fn, **kw))
        return fn

    return wrap


def load() -> dict[str, Measure]:
    """Import every measures module (each registers its measures) and return the registry."""
    from . import measures  # noqa: F401

    return REGISTRY
