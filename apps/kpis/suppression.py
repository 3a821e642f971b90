"""Small-number suppression of a month's published figures, as DfE's statistics do it: primary suppression
of every figure below 5, then secondary suppression of further figures until no suppressed figure can be
worked out from the ones left, by any combination of the month's published figures.

Viewers (partner agencies, elected members) see aggregates only. A count of 1 to 4 children could identify a
child, and so could a figure that is "the whole minus the visible parts". This module decides, for one
month, which rows of the export contract (apps.kpis.selectors.export_rows) a viewer may see. It is the one
place that decides it: every viewer-facing page, export and API reads `suppress_month` through
`apps.kpis.selectors.published_rows`.

How it works
------------
A row is published or suppressed as a whole: its numerator, denominator and value together (a percentage and
its denominator give the numerator back, so hiding one alone would not hide anything).

*Primary*: a row is suppressed when a count in it is 1-4 (zero is not suppressed: it identifies no one):
the numerator of a count, percentage, rate or ratio; the denominator of a percentage, mean or ratio (a
rate's denominator is the population); or, for a percentage, the complement (denominator - numerator: "3 of
the 40 children were not seen" is as small a number as "3 were seen").

*The relations an attacker can use*, each included only when it holds exactly in the month's figures (so a
relation that happens to hold is treated as if it were known - never the other way round):

- parts and whole: the numerators (and denominators) of a breakdown's parts sum to the whole's, or a part's
  denominator is the whole's (a share);
- teams and their service, services and the LA: the same figure sums up the org tree;
- the same figure under two measures (contacts received is also the denominator of contact outcomes): two
  series equal for every org unit are treated as one;
- in April, the financial year to date is the month.

Where a sum falls short of its total (records held by no team count for the LA only; a breakdown that leaves
some records out), the difference is itself a figure: known when it is 0 or 5 or more, and protected like a
suppressed count when it is 1-4.

*Secondary*: the published figures and the relations form a linear system in the suppressed figures. A
suppressed quantity (a small numerator, denominator, complement or difference) can be worked out exactly when
it is a linear combination of the relations, i.e. when its vector lies in the row space of the relations
restricted to the suppressed figures. While one can, the smallest published row of a relation that pins it
is suppressed too (the smallest, so as little as possible is lost; a team before a service before the LA).
Suppressing more never makes a hidden figure recoverable, so one pass over the protected quantities is
enough. The row-space test is Gaussian elimination modulo a 61-bit prime over the relations' 0/±1
coefficients, component by component of the suppressed figures, so a month of 17,000 rows takes well
under a second.

Every suppressed row is shown the same way, as DfE shows confidential figures ("c"), whether it was below 5
or suppressed to protect another: marking them differently would tell an attacker which hidden figures are
below 5 and let sums such as "hidden + hidden = 6" be solved.

Limits, said plainly: the relations are those of one month; a year-to-date figure differenced with the
previous month's is not protected, nor linear identities between different measures other than equal series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from apps.core.disclosure import is_small

from .registry import Measure, Unit

PRIME = (1 << 61) - 1

N, D = "n", "d"


def _frac(x) -> Fraction | None:
    if x is None or isinstance(x, str):
        return None
    return Fraction(Decimal(str(x)))


def _small(x: Fraction | None) -> bool:
    return is_small(x)


def _integral(x: Fraction | None) -> bool:
    return x is not None and x.denominator == 1


def counts_in(measure: Measure | None) -> tuple[bool, bool, bool]:
    """(numerator is a count, denominator is a count, complement is a count) for a measure's rows."""
    if measure is None:  # an entered measure no longer declared: treat its figures as counts
        return True, True, False
    unit = measure.unit
    numerator = unit in (Unit.COUNT, Unit.PERCENT, Unit.RATE, Unit.RATIO)
    denominator = unit in (Unit.PERCENT, Unit.MEAN, Unit.RATIO)
    if measure.suppress_denominator is not None:
        denominator = measure.suppress_denominator
    return numerator, denominator, unit == Unit.PERCENT


@dataclass
class _Row:
    index: int
    kpi: str
    basis: str
    org: str
    dimension: str
    breakdown: str
    n: Fraction | None
    d: Fraction | None

    @property
    def is_whole(self) -> bool:
        return not self.dimension


class _System:
    """The relations among the month's figures. A variable is (row index, "n" | "d") or ("r", k), the k-th
    shortfall of a sum. Equalities (the same figure twice) are kept apart from sums: they merge variables
    into one figure (apps.kpis.suppression._pattern), since a figure published anywhere is known everywhere."""

    def __init__(self):
        self.sums: list[dict] = []
        self.equal: list[tuple] = []
        self.small_remainders: list[tuple] = []

    def add_sum(self, parts: list[tuple], total: tuple, values: dict, *, count: bool):
        """sum(parts) + shortfall = total, when the parts do not exceed the total."""
        total_value = values[total]
        part_values = [values[p] for p in parts]
        if total_value is None or any(v is None for v in part_values):
            return
        shortfall = total_value - sum(part_values, Fraction(0))
        if shortfall < 0:
            return  # the parts overlap: not a sum an attacker could difference
        if count and _small(shortfall):
            var = ("r", len(self.small_remainders))
            self.small_remainders.append(var)
            self.sums.append({**{p: 1 for p in parts}, var: 1, total: -1})
        elif len(parts) == 1:
            self.equal.append((parts[0], total))
        else:
            self.sums.append({**{p: 1 for p in parts}, total: -1})

    def add_equal(self, a: tuple, b: tuple):
        self.equal.append((a, b))


def _relations(rows: list[_Row], parent: dict[str, str | None], measures: dict, period: str) -> _System:
    system = _System()
    values: dict[tuple, Fraction | None] = {}
    for r in rows:
        values[(r.index, N)] = r.n
        values[(r.index, D)] = r.d
    counted = {r.kpi: counts_in(measures.get(r.kpi)) for r in rows}

    # Parts and whole.
    wholes = {(r.kpi, r.basis, r.org): r for r in rows if r.is_whole}
    groups: dict[tuple, list[_Row]] = defaultdict(list)
    for r in rows:
        if not r.is_whole:
            groups[(r.kpi, r.basis, r.org, r.dimension)].append(r)
    for (kpi, basis, org, _), parts in groups.items():
        whole = wholes.get((kpi, basis, org))
        if whole is None:
            continue
        n_count, d_count, _ = counted[kpi]
        system.add_sum([(p.index, N) for p in parts], (whole.index, N), values, count=n_count)
        if whole.d is not None and all(p.d == whole.d for p in parts):
            for p in parts:
                system.add_equal((p.index, D), (whole.index, D))
        else:
            system.add_sum([(p.index, D) for p in parts], (whole.index, D), values, count=d_count)

    # Up the org tree.
    by_key: dict[tuple, dict[str, _Row]] = defaultdict(dict)
    for r in rows:
        by_key[(r.kpi, r.basis, r.dimension, r.breakdown)][r.org] = r
    for key, by_org in by_key.items():
        n_count, d_count, _ = counted[key[0]]
        children: dict[str, list[_Row]] = defaultdict(list)
        for org, r in by_org.items():
            up = parent.get(org)
            if up is not None and up in by_org:
                children[up].append(r)
        for up, below in children.items():
            total = by_org[up]
            system.add_sum([(c.index, N) for c in below], (total.index, N), values, count=n_count)
            system.add_sum([(c.index, D) for c in below], (total.index, D), values, count=d_count)

    # The same figure twice: series (one value per org unit) equal for every org unit.
    orgs = sorted({r.org for r in rows})
    position = {org: i for i, org in enumerate(orgs)}
    series: dict[tuple, list] = defaultdict(lambda: [None] * len(orgs))
    for r in rows:
        for field in (N, D):
            value = values[(r.index, field)]
            if value is not None:
                series[(r.kpi, r.basis, r.dimension, r.breakdown, field)][position[r.org]] = (value, r.index)
    alike: dict[tuple, list[list]] = defaultdict(list)
    for (*_, field), cells in series.items():
        # A part with no row is a part of 0 (only parts with something in them are stored).
        signature = tuple(c[0] if c else 0 for c in cells)
        if sum(1 for v in signature if v) >= 2:
            alike[signature].append([(c[1], field) if c else None for c in cells])
    for members in alike.values():
        for other in members[1:]:
            for a, b in zip(members[0], other, strict=True):
                if a is not None and b is not None:
                    system.add_equal(a, b)

    # In April the year to date is the month.
    if period.endswith("-04"):
        month = {(r.kpi, r.org, r.dimension, r.breakdown): r for r in rows if r.basis == "month"}
        for r in rows:
            twin = month.get((r.kpi, r.org, r.dimension, r.breakdown)) if r.basis == "ytd" else None
            if twin is not None:
                for field in (N, D):
                    if values[(r.index, field)] == values[(twin.index, field)]:
                        system.add_equal((r.index, field), (twin.index, field))
    return system


class _Basis:
    """An echelon basis, mod PRIME, of relation vectors over the suppressed figures, each remembering which
    relations it combines, so that a figure found to be pinned comes with the relations that pin it."""

    def __init__(self):
        self.rows: dict = {}  # pivot -> (vector with 1 at the pivot, {relation: coefficient})

    def reduce(self, vector: dict, combo: dict) -> tuple[dict, dict]:
        v, c = dict(vector), dict(combo)
        changed = True
        while changed:
            changed = False
            for var in [x for x in v if x in self.rows]:
                k = v.get(var, 0)
                if not k:
                    continue
                basis_vector, basis_combo = self.rows[var]
                for w, b in basis_vector.items():
                    v[w] = (v.get(w, 0) - k * b) % PRIME
                for r, b in basis_combo.items():
                    c[r] = (c.get(r, 0) - k * b) % PRIME
                changed = True
            v = {w: x for w, x in v.items() if x}
        return v, {r: x for r, x in c.items() if x}

    def add(self, vector: dict, relation: int):
        v, c = self.reduce(vector, {relation: 1})
        if v:
            pivot = min(v, key=repr)
            inverse = pow(v[pivot], PRIME - 2, PRIME)
            self.rows[pivot] = (
                {w: x * inverse % PRIME for w, x in v.items()},
                {r: x * inverse % PRIME for r, x in c.items()},
            )

    def certificate(self, vector: dict) -> set | None:
        """The relations whose combination gives `vector`, or None when no combination does."""
        v, c = self.reduce(vector, {})
        return None if v else set(c)


@dataclass(frozen=True)
class Pattern:
    """Which rows of the month are suppressed: `primary` (a count of 1-4 in them) and `secondary` (to
    protect a primary one)."""

    primary: frozenset[int]
    secondary: frozenset[int]

    @property
    def suppressed(self) -> frozenset[int]:
        return self.primary | self.secondary


class _Find:
    """Union-find over variables: the classes of figures known to be equal."""

    def __init__(self):
        self.up: dict = {}

    def __call__(self, x):
        root = x
        while self.up.get(root, root) != root:
            root = self.up[root]
        while x != root:
            self.up[x], x = root, self.up.get(x, x)
        return root

    def union(self, a, b):
        ra, rb = self(a), self(b)
        if ra != rb:
            self.up[max(ra, rb, key=repr)] = min(ra, rb, key=repr)


def _pattern(rows: list[_Row], parent: dict[str, str | None], measures: dict, period: str) -> Pattern:
    system = _relations(rows, parent, measures, period)
    find = _Find()
    for a, b in system.equal:
        find.union(a, b)

    # Figures (classes of equal variables), the rows showing each, and the sums over figures.
    members: dict = defaultdict(set)
    for r in rows:
        for field in (N, D):
            members[find((r.index, field))].add(r.index)
    remainders = {find(v) for v in system.small_remainders}
    sums: list[dict] = []
    for relation in system.sums:
        merged: dict = defaultdict(int)
        for var, c in relation.items():
            merged[find(var)] += c
        merged = {f: c % PRIME for f, c in merged.items() if c}
        if merged:
            sums.append(merged)
    by_figure: dict = defaultdict(list)
    for k, relation in enumerate(sums):
        for figure in relation:
            by_figure[figure].append(k)

    hidden_rows: set[int] = set()
    protect: list[dict] = []  # the quantities that must not be recoverable, over figures
    for r in rows:
        n_count, d_count, complement = counts_in(measures.get(r.kpi))
        quantities = []
        if n_count and _small(r.n):
            quantities.append({find((r.index, N)): 1})
        if d_count and _small(r.d):
            quantities.append({find((r.index, D)): 1})
        if complement and _integral(r.n) and _integral(r.d) and _small(r.d - r.n):
            quantities.append({find((r.index, D)): 1, find((r.index, N)): PRIME - 1})
        if quantities:
            hidden_rows.add(r.index)
            protect.extend(q for q in quantities if len(q) == len(set(q)) and any(q.values()))
    protect.extend({figure: 1} for figure in remainders)
    primary = frozenset(hidden_rows)

    def hidden(figure) -> bool:
        return figure in remainders or members[figure] <= hidden_rows

    # The basis of a component of suppressed figures, kept until the next suppression (most protected
    # quantities share their component with others).
    cache: dict = {}
    state = [0]

    def component_basis(figure) -> _Basis:
        cached = cache.get(figure)
        if cached is not None and cached[0] == state[0]:
            return cached[1]
        seen, stack, relations = {figure}, [figure], set()
        while stack:
            current = stack.pop()
            for k in by_figure.get(current, ()):
                if k not in relations:
                    relations.add(k)
                    for other in sums[k]:
                        if other not in seen and hidden(other):
                            seen.add(other)
                            stack.append(other)
        basis = _Basis()
        for k in sorted(relations):
            basis.add({f: c for f, c in sums[k].items() if hidden(f)}, k)
        for f in seen:
            cache[f] = (state[0], basis)
        return basis

    def pinned_by(quantity: dict) -> set | None:
        """None when the quantity cannot be worked out; else the relations (possibly none: a figure shown
        elsewhere) that give it."""
        unknown = {f: c for f, c in quantity.items() if hidden(f)}
        if not unknown:
            return set()
        # The quantity's figures are in one component (a row's numerator and denominator may not be: then
        # each part must be pinned on its own for the difference to be).
        certificates = set()
        for figure in {next(iter(unknown))} | set(unknown):
            basis = component_basis(figure)
            part = {f: c for f, c in unknown.items() if cache.get(f, (None, None))[1] is basis}
            found = basis.certificate(part)
            if found is None:
                return None
            certificates |= found
            if len(part) == len(unknown):
                break
        return certificates

    depth: dict[str, int] = {}
    for org in {r.org for r in rows}:
        level, up = 0, parent.get(org)
        while up is not None and level < 10:
            level, up = level + 1, parent.get(up)
        depth[org] = level
    by_index = {r.index: r for r in rows}

    def cost(figure):
        # Fewest rows to suppress; a breakdown before a whole (a share's parts repeat its whole); a team
        # before a service before the LA; then the smallest figure; then a fixed order, so the pattern is
        # the same every time.
        shown = sorted(members[figure] - hidden_rows)
        first = by_index[shown[0]]
        size = max((abs(by_index[i].n) for i in shown if by_index[i].n is not None), default=Fraction(0))
        wholes = sum(1 for i in shown if by_index[i].is_whole)
        return (
            len(shown),
            wholes,
            -min(depth[by_index[i].org] for i in shown),
            size,
            repr(figure),
            first.index,
        )

    for quantity in protect:
        while True:
            relations = pinned_by(quantity)
            if relations is None:
                break
            candidates = {f for f in quantity if not hidden(f)}
            candidates |= {f for k in relations for f in sums[k] if not hidden(f)}
            candidates.discard(None)
            candidates = {f for f in candidates if f not in remainders}
            if not candidates:
                break  # nothing left to suppress: cannot happen for relations of two or more figures
            hidden_rows.update(members[min(candidates, key=cost)])
            state[0] += 1
    return Pattern(primary=primary, secondary=frozenset(hidden_rows - primary))


def _internal(rows: list[dict]) -> list[_Row]:
    return [
        _Row(
            index=i,
            kpi=row["kpi"],
            basis=row["basis"],
            org=row["org_unit"],
            dimension=row.get("dimension") or "",
            breakdown=row.get("breakdown") or "",
            n=_frac(row.get("numerator")),
            d=_frac(row.get("denominator")),
        )
        for i, row in enumerate(rows)
    ]


def pattern_of(rows: list[dict], *, parent: dict[str, str | None], measures: dict[str, Measure]) -> Pattern:
    """Which of a month's export-contract rows (every org unit, every measure) are suppressed, by position.
    `parent` maps each org unit code to its parent's (None for the LA)."""
    periods = {row["period"] for row in rows}
    if len(periods) > 1:
        raise ValueError("suppression works on one month at a time")
    return _pattern(_internal(rows), parent, measures, periods.pop() if periods else "")


def suppress_month(
    rows: list[dict], *, parent: dict[str, str | None], measures: dict[str, Measure]
) -> list[dict]:
    """A month's export-contract rows as viewers see them: each row gets `suppressed` (bool); a suppressed
    row's numerator, denominator and value are None. Returns new dicts in the same order."""
    suppressed = pattern_of(rows, parent=parent, measures=measures).suppressed
    out = []
    for i, row in enumerate(rows):
        row = dict(row)
        row["suppressed"] = i in suppressed
        if row["suppressed"]:
            row["numerator"] = row["denominator"] = row["value"] = None
        out.append(row)
    return out
