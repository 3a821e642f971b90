"""A measure written as a population: the queryset of the records it counts (annotated with `_team` and its
breakdown expressions) plus the aggregate over it. The snapshot groups the population (`aggregate`, one
grouped query per figure, exactly as the engine's helpers do); the drill-down filters the same population to
one org unit and part (`Population.records`). One definition serves both, so the list behind a figure cannot
drift from the figure.

A measure declared with `@population_measure(...)` decorates a function `(ctx, basis) -> Population`; its
compute function is derived from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from .engine import Ctx, _as_days, _label, mean_days_parts, relabel, share_whole, whole_of
from .engine import parts as grouped_parts
from .registry import Measure, Part, register

NUMERATOR, DENOMINATOR = "numerator", "denominator"


class Kind:
    COUNT = "count"  # numerator = the records (those matching `num`); no denominator
    RATIO = "ratio"  # numerator = the records matching `num`; denominator = every record
    SHARE = "share"  # '% by category': a part's numerator = its records, its denominator = the whole's
    MEAN = "mean"  # numerator = the summed `duration` (days); denominator = the records
    RATE = "rate"  # numerator = the records (for the LA only); denominator = the population aged 0-17


@dataclass(frozen=True)
class Dim:
    """A breakdown dimension: the SQL expression the records are grouped by and, optionally, `label`, a
    Python function from the grouped value's label to the stored breakdown (exact ages -> age bands: the
    engine groups by the exact value and bands afterwards, engine.relabel). `of` names another dimension
    whose grouping this one is read from (relabelled), so it costs no query of its own. `within` (a Q) makes
    the dimension split only the records matching it, each part a share of the whole's denominator (the
    EET care leavers by kind of EET, as shares of all care leavers): a part's numerator is its records
    within, its denominator the whole's."""

    expr: Any = None
    label: Callable[[str], str] | None = None
    of: str | None = None
    within: Q | None = None

    def labeller(self) -> Callable[[Any], str]:
        if self.label is None:
            return _label
        return lambda raw: self.label(_label(raw))


@dataclass(frozen=True)
class Population:
    """The records behind a measure's figures for one (ctx, basis).

    `qs` holds the records, annotated with `_team` (the org unit the figure counts them for; None = held by
    no team, LA only). `num` is a Q (over fields or annotations) selecting the numerator's records, None =
    all; `den` narrows a ratio's denominator (None = every record). `dims` maps a breakdown dimension to its
    Dim, in order: the first one's parts also give the whole (engine.whole_of) unless `whole` is False.
    `columns` are the fields and annotations that matter for the measure, shown by the drill-down (a path,
    or (path, header)). `child_field` is how a record reaches its child, for visible_to."""

    qs: Any
    kind: str = Kind.COUNT
    num: Q | None = None
    den: Q | None = None  # Kind.RATIO: the denominator's records, when not every record (boys per girl)
    dims: dict[str, Dim] = field(default_factory=dict)
    whole: bool = True
    duration: Any = None  # Kind.MEAN: the duration expression summed (engine.days_between)
    per: int = 1  # Kind.MEAN: 7 for weeks
    columns: tuple = ()
    child_field: str = "child"
    rate_denominator: Callable[[], int] | None = None  # Kind.RATE: the population aged 0-17
    # The raw values of a breakdown part, read once per (teams, dimension, breakdown) (see _in_breakdown).
    _matching: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def column_paths(self) -> tuple[str, ...]:
        """The paths of `columns` (an entry is a path, or (path, header) for an annotation worth a name)."""
        return tuple(c if isinstance(c, str) else c[0] for c in self.columns)

    @property
    def column_headers(self) -> dict[str, str]:
        return {c[0]: c[1] for c in self.columns if not isinstance(c, str)}

    @property
    def model(self):
        return self.qs.model

    @property
    def has_denominator_records(self) -> bool:
        return self.kind in (Kind.RATIO, Kind.SHARE, Kind.MEAN)

    def dim_expr(self, name: str):
        dim = self.dims[name]
        return self.dims[dim.of].expr if dim.of else dim.expr

    # --- the drill-down ----------------------------------------------------------------------------------

    def records(self, *, teams=None, dimension: str = "", breakdown: str = "", part: str = NUMERATOR):
        """The records behind one figure: of `teams` (team pks; None = the LA, every record, those held by no
        team included), the breakdown part (`dimension`, `breakdown`) and the numerator or denominator.
        A share's denominator is its whole, so it ignores the breakdown (the rows still carry `_dim`)."""
        qs = self.qs
        if teams is not None:
            qs = qs.filter(_team__in=sorted(teams))
        if self.kind == Kind.MEAN:
            qs = qs.annotate(_days=self.duration)  # what the numerator sums, shown on each record
        within = self.dims[dimension].within if dimension else None
        if dimension:
            qs = qs.annotate(_dim=self.dim_expr(dimension))
            shares_whole = self.kind == Kind.SHARE or within is not None
            if not (shares_whole and part == DENOMINATOR):
                if within is not None:
                    qs = qs.filter(within)
                key = (None if teams is None else tuple(sorted(teams)), dimension, breakdown)
                qs = self._in_breakdown(qs, dimension, breakdown, key)
        if part == DENOMINATOR and self.den is not None and within is None:
            qs = qs.filter(self.den)
        if self.num is not None:
            if part == NUMERATOR and within is None:
                qs = qs.filter(self.num)
            qs = qs.annotate(_in_num=ExpressionWrapper(self.num, output_field=BooleanField()))
        return qs

    def _in_breakdown(self, qs, dimension: str, breakdown: str, key):
        """Records whose grouped value is labelled `breakdown`, as the snapshot labels it: the distinct
        values present are read (one query) and mapped through the same labelling as the aggregate, so a
        banded part (an age band, a duration band) is the set of exact values that fall into it."""
        if key not in self._matching:
            label = self.dims[dimension].labeller()
            values = qs.order_by().values_list("_dim", flat=True).distinct()
            self._matching[key] = [v for v in values if label(v) == breakdown]
        matching = self._matching[key]
        q = Q(_dim__in=[v for v in matching if v is not None])
        if None in matching:
            q |= Q(_dim__isnull=True)
        return qs.filter(q)

    def breakdown_label(self, dimension: str, raw) -> str:
        return self.dims[dimension].labeller()(raw)


# --- the snapshot ----------------------------------------------------------------------------------------


def aggregate(pop: Population, basis: str) -> list[Part]:
    """The figures of a population: the grouped queries the engine's helpers make (parts, share_parts,
    parts_and_whole, relabel, mean_days_parts), one per figure, so a measure written as a population costs
    the snapshot what its hand-written compute did."""
    qs = pop.qs
    if pop.kind == Kind.RATE:
        return [Part(basis, None, qs.count(), pop.rate_denominator() or 0)]
    if pop.kind == Kind.MEAN and not pop.dims:
        return mean_days_parts(qs, basis, pop.duration, per=pop.per)
    num = Count("pk") if pop.num is None else Count("pk", filter=pop.num)
    den = Count("pk", filter=pop.den) if pop.den is not None else Count("pk")
    if pop.kind == Kind.COUNT:
        den = None
    if pop.kind == Kind.SHARE:
        num, den = Count("pk"), None
    if pop.kind == Kind.MEAN:
        num = Sum(pop.duration)

    def parts(qs, basis, **kw):
        found = grouped_parts(qs, basis, **kw)
        if pop.kind == Kind.MEAN:  # summed durations in days (weeks), as mean_days_parts
            found = [replace(p, numerator=_as_days(p.numerator) / pop.per) for p in found]
        return found

    if not pop.dims:
        return parts(qs, basis, num=num, den=den)
    out: list[Part] = []
    grouped: dict[str, list[Part]] = {}
    first = next(iter(pop.dims.values()))
    whole_apart = pop.whole and first.within is not None
    if whole_apart:
        # The first dimension splits only some records: the whole is a grouping of its own.
        out += parts(qs, basis, num=num, den=den)
    for i, (name, dim) in enumerate(pop.dims.items()):
        if dim.of:
            raw = grouped[dim.of]
        elif dim.within is not None:
            raw = parts(qs.filter(dim.within), basis, num=Count("pk"), dimension=name, breakdown=dim.expr)
            grouped[name] = raw
        else:
            raw = parts(qs, basis, num=num, den=den, dimension=name, breakdown=dim.expr)
            grouped[name] = raw
        if i == 0 and pop.whole and not whole_apart:
            out += share_whole(raw) if pop.kind == Kind.SHARE else whole_of(raw)
        if dim.label is None and not dim.of:
            out += raw
        else:
            label = dim.label or (lambda b: b)
            out += relabel(raw, label, dimension=name)
    return out


def population_measure(code: str, label: str, section: str, unit: str, polarity: str, bases, **kw):
    """Decorator: declare a measure from its population function `(ctx, basis) -> Population`; the compute
    function aggregates the population of each basis."""
    bases = tuple(bases)

    def wrap(fn):
        def compute(ctx: Ctx):
            return chain.from_iterable(aggregate(fn(ctx, basis), basis) for basis in bases)

        compute.__name__ = compute.__qualname__ = f"compute_{fn.__name__}"
        compute.__module__ = fn.__module__  # the measure's section module, as a hand-written compute's
        register(Measure(code, label, section, unit, polarity, bases, compute=compute, population=fn, **kw))
        return fn

    return wrap


__all__ = ["DENOMINATOR", "NUMERATOR", "Dim", "Kind", "Population", "aggregate", "population_measure"]
