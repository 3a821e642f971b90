"""Ratings: RAG against a target, direction-of-travel arrows, effective polarity, target lookup and the
baseline period. `rag` and `direction` are pure functions; the rest read the database (selectors).

RAG (catalogue, "Targets, benchmarks and ratings"):

* Green = the value meets the target in the polarity's direction: value >= target for `up`, value <= target
  for `down` (exactly on target is Green).
* Amber = misses the target but by no more than the tolerance (exactly on the tolerance edge is Amber). The
  tolerance is absolute (same unit as the measure: 2 = two percentage points) or relative (a % of the
  target: 10 on a target of 18 = 1.8).
* Red otherwise, including a miss with no tolerance.
* No value, no target -> None (no rating).
* Polarity `none` is context only, so there is no better side: a target on such a measure is read as the
  centre of a band (the catalogue's "admin sets a target band"): Green when |value - target| <= tolerance,
  Red outside it; no Amber. Without a tolerance there is no band and no rating (None).

Values are compared exactly (Decimal; floats go through their shortest repr so 0.1 + 0.2 style noise does not
move a boundary). Pass `places=1` to rate the figure as displayed (rounded half up), so a value shown as
80.0% is never Red against an 80% target.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period

from .models import Baseline, MeasureSetting, Polarity, Target, ToleranceKind

GREEN, AMBER, RED = "green", "amber", "red"
POSITIVE_UP, POSITIVE_DOWN = "positive_up", "positive_down"
NEGATIVE_UP, NEGATIVE_DOWN = "negative_up", "negative_down"
NO_CHANGE, UP, DOWN = "no_change", "up", "down"


def _d(x) -> Decimal | None:
    if x is None:
        return None
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


def _polarity(p) -> str:
    p = (p or Polarity.NONE).lower() if isinstance(p, str) else p
    if p not in Polarity.values:
        raise ValueError(f"unknown polarity {p!r}")
    return p


def tolerance_amount(target, tolerance, tolerance_kind=ToleranceKind.ABSOLUTE) -> Decimal:
    """The amber band's width in the measure's unit."""
    tol = _d(tolerance)
    if tol is None:
        return Decimal(0)
    if tol < 0:
        raise ValueError("a tolerance cannot be negative")
    if (tolerance_kind or ToleranceKind.ABSOLUTE) == ToleranceKind.RELATIVE:
        return abs(_d(target)) * tol / 100
    if tolerance_kind != ToleranceKind.ABSOLUTE:
        raise ValueError(f"unknown tolerance kind {tolerance_kind!r}")
    return tol


def rag(
    value,
    target,
    tolerance=None,
    tolerance_kind=ToleranceKind.ABSOLUTE,
    polarity=Polarity.UP,
    *,
    places: int | None = None,
) -> str | None:
    """ "green" | "amber" | "red" | None for a value against a target (see the module docstring)."""
    v, t = _d(value), _d(target)
    if v is None or t is None:
        return None
    if places is not None:
        v = v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    p = _polarity(polarity)
    band = tolerance_amount(t, tolerance, tolerance_kind)
    if p == Polarity.NONE:
        if tolerance is None:
            return None
        return GREEN if abs(v - t) <= band else RED
    miss = (t - v) if p == Polarity.UP else (v - t)  # how far on the wrong side; <= 0 meets the target
    if miss <= 0:
        return GREEN
    if tolerance is not None and miss <= band:
        return AMBER
    return RED


def direction(previous, latest, polarity) -> str | None:
    """The arrow from `previous` to `latest`, coloured by polarity: positive_up / negative_down for `up`,
    negative_up / positive_down for `down`, plain up / down for `none`; no_change when equal; None when
    either value is missing."""
    a, b = _d(previous), _d(latest)
    if a is None or b is None:
        return None
    if a == b:
        return NO_CHANGE
    went_up = b > a
    p = _polarity(polarity)
    if p == Polarity.UP:
        return POSITIVE_UP if went_up else NEGATIVE_DOWN
    if p == Polarity.DOWN:
        return NEGATIVE_UP if went_up else POSITIVE_DOWN
    return UP if went_up else DOWN


# --- selectors -----------------------------------------------------------------------------------------


def _registry() -> dict:
    from .registry import load

    return load()


def effective_polarities(codes=None) -> dict[str, str]:
    """{measure code: polarity} for every registered measure (or `codes`), admin overrides applied; one
    query. Codes with an override but no registry entry are included."""
    registry = _registry()
    wanted = list(codes) if codes is not None else list(registry)
    out = {c: registry[c].polarity for c in wanted if c in registry}
    overrides = MeasureSetting.objects.exclude(polarity="")
    if codes is not None:
        overrides = overrides.filter(measure__in=wanted)
    out.update(dict(overrides.values_list("measure", "polarity")))
    return out


def effective_polarity(measure_code: str) -> str:
    """The measure's polarity, or the admin's override (MeasureSetting.polarity) when set. KeyError for a
    code neither registered nor overridden."""
    found = effective_polarities([measure_code])
    if measure_code not in found:
        raise KeyError(f"unknown measure {measure_code!r}")
    return found[measure_code]


def _chain(org_unit: OrgUnit | None) -> list[int]:
    """The org unit and its ancestors, nearest first (team -> service -> LA). None = the LA. The org tree is
    a few dozen rows, read in one query."""
    if org_unit is None:
        la = OrgUnit.objects.filter(level=OrgLevel.LA).values_list("pk", flat=True).first()
        return [la] if la else []
    parents = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    ids, node = [], org_unit.pk
    while node is not None and node not in ids:
        ids.append(node)
        node = parents.get(node)
    return ids


def _headline(code: str) -> str | None:
    m = _registry().get(code)
    return m.headline if m else None


def _basis_rank(target_basis: str, wanted: str, headline: str | None) -> int | None:
    """0 = a target set for exactly this basis, 1 = a blank-basis target standing for the headline basis,
    None = not for this basis."""
    if (target_basis or headline or "") != (wanted or headline or ""):
        return None
    return 0 if target_basis else 1


def target_for(
    measure_code: str, financial_year: int, org_unit: OrgUnit | None = None, basis: str = ""
) -> Target | None:
    """The target that applies to a measure in a financial year for an org unit: the unit's own, else its
    service's, else the LA's (nearest wins). Basis-aware: a target's blank basis means the measure's headline
    basis, so asking for the headline (or for blank) finds blank and explicit-headline targets, the explicit
    one first; asking for another basis (e.g. "ytd") finds only targets set for that basis."""
    chain = _chain(org_unit)
    if not chain:
        return None
    headline = _headline(measure_code)
    best = None
    for t in Target.objects.filter(
        measure=measure_code, financial_year=financial_year, org_unit_id__in=chain
    ):
        rank = _basis_rank(t.basis, basis, headline)
        if rank is None:
            continue
        key = (chain.index(t.org_unit_id), rank)
        if best is None or key < best[0]:
            best = (key, t)
    return best[1] if best else None


def targets_for(financial_year: int, org_unit: OrgUnit | None = None) -> dict[tuple[str, str], Target]:
    """Every target that applies to an org unit in a financial year, resolved like `target_for`, keyed
    (measure, basis) with basis "" for the headline; one query (for scorecards)."""
    chain = _chain(org_unit)
    registry = _registry()
    best: dict[tuple[str, str], tuple[tuple, Target]] = {}
    for t in Target.objects.filter(financial_year=financial_year, org_unit_id__in=chain):
        m = registry.get(t.measure)
        headline = m.headline if m else None
        key_basis = "" if (not t.basis or t.basis == headline) else t.basis
        rank = (chain.index(t.org_unit_id), 0 if t.basis else 1)
        key = (t.measure, key_basis)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, t)
    return {k: v[1] for k, v in best.items()}


def rag_for(
    measure_code: str,
    value,
    financial_year: int,
    org_unit: OrgUnit | None = None,
    basis: str = "",
    *,
    places: int | None = None,
) -> str | None:
    """The RAG rating of a value of a measure, with the target that applies and the effective polarity."""
    t = target_for(measure_code, financial_year, org_unit, basis)
    if t is None:
        return None
    return rag(
        value, t.value, t.amber_tolerance, t.tolerance_kind, effective_polarity(measure_code), places=places
    )


def active_baseline() -> Baseline | None:
    return Baseline.objects.filter(active=True).order_by("-set_at", "-pk").first()


def baseline_period() -> Period | None:
    """The period scorecards compare against ("change since Ofsted"): the newest active Baseline's."""
    b = active_baseline()
    return Period.parse(b.period) if b else None
