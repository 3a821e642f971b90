"""Import of DfE published statistics (Explore Education Statistics LA-level CSV files, the ONS mid-year
population estimates and the statistical neighbour groupings) into Population and Benchmark rows.

Files are recognised by their columns, never by their names (DfE renames files between releases). The whole
import is read and validated first; only then is anything written, in one transaction, and re-running it
changes nothing (upserts keyed as the models' unique constraints).

Choices, documented because the files leave room for them:

* **Year.** A Benchmark/Population year is the year the financial year starts in. The children's social
  care files are "year ending 31 March": EES `time_period` 2018 (or `201718`) is 2017/18 -> year 2017. The
  workforce census (CSWW) is as at 30 September: `time_period` 2018 is 30 Sep 2018, inside 2018/19 -> 2018.
  The ONS mid-year estimate for June Y is the population of financial year Y (April Y - March Y+1). This is
  what DfE itself does: its 2017/18 rates (year ending 31 March 2018) divide by the mid-2017 estimate
  (England: 655,630 referrals / 11,716,740 x 10,000 = 559.6, the published rate; the CLA file's own
  `population_estimate` for 31 March 2025 is the mid-2024 estimate, 12,183,016).
* **Rates per 10,000** the DfE files give only as counts (referrals, S47s, CP plans at 31 March) are
  count / ONS 0-17 population of the same geography and year x 10,000, rounded to 1 dp as DfE publishes
  them. ICPC within 15 working days = (0-10 days + 11-15 days) / ICPCs x 100 (England 2017/18: 76.9%).
  Where DfE publishes the figure itself (re-referral %, CLA rate, NI62/NI63-style %, care leavers %,
  caseload) the published figure is taken as it is.
* **Region.** The LA's region comes from its own rows (`region_code`). London boroughs sit in the
  sub-regions Inner / Outer London; for them the London region (E12000007) is loaded too, each labelled
  with the region's name.
* **Statistical neighbours** = the mean of the neighbours' values that exist for that year (each neighbour's
  value worked out exactly as the LA's own), rounded to 1 dp; `source` records how many and which.
* **Shared services.** A row for several LAs (CSWW `314 / 318`: Kingston and Richmond share one children's
  services provider) counts for each of them unless that LA has a row of its own.
* **Suppressed** values (`c`, `k`, `u`, `x`, `z`, `low`, `:`, blank) are missing: no row, never 0.
* **`cp.lasting_2y`** (catalogue: plans *ending* in the year that lasted 2 years or more; England 3.4%) has
  no equivalent in these files: d5 counts plans *open at 31 March* by duration (England 2017/18 "2 years or
  more" 1.8%), a different population. It is not loaded; that benchmark needs DfE table D4 (plans ceasing
  by duration) or a hand-entered value. d5 gives `cp.open_plans_rate` (`CPP_At31`).
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.core.models import Population
from apps.kpis.models import Benchmark, BenchmarkKind

from .models import ImportKind, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

SUPPRESSED = {"", "c", "k", "u", "x", "z", "low", ":", "..", "-"}
ONE_DP = Decimal("0.1")
TEN_K = Decimal(10000)
HUNDRED = Decimal(100)
LONDON = ("E12000007", "London")
STAT_NEIGHBOURS_LABEL = "Statistical neighbours"
GEO_COLUMNS = ("time_period", "geographic_level", "region_code", "region_name", "old_la_code")
MAX_ERRORS = 200

# geography keys
NATIONAL = ("national", "")


class _Stop(Exception):
    """Nothing more to check: the reason is in the report."""


@dataclass(frozen=True)
class Layout:
    """A DfE file layout, recognised by its `signature` columns. `values` are the measure columns read;
    `dims` the columns that split a row (e.g. `population_type`); `year_offset` turns time_period into the
    year the financial year starts in."""

    key: str
    title: str
    signature: tuple[str, ...]
    values: tuple[str, ...] = ()
    dims: tuple[str, ...] = ()
    year_offset: int = -1
    used: bool = True

    @property
    def required(self) -> tuple[str, ...]:
        return GEO_COLUMNS + self.dims + self.values


LAYOUTS = (
    Layout(
        "population",
        "ONS mid-year population estimates (0-17)",
        ("age_group", "population_estimate"),
        values=("population_estimate",),
        dims=("age_group",),
        year_offset=0,
    ),
    Layout(
        "c1",
        "C1 referrals and re-referrals",
        ("referral_count", "rereferral_percent"),
        values=("referral_count", "rereferral_percent"),
    ),
    Layout(
        "c4",
        "C4 section 47s and ICPCs",
        ("Section47", "ICPC", "Duration_0-10_days"),
        values=("Section47", "ICPC", "Duration_0-10_days", "Duration_11-15_days"),
    ),
    Layout(
        "d3",
        "D3 second or subsequent CP plans",
        ("CPP_subsequent_percent",),
        values=("CPP_subsequent_percent",),
    ),
    Layout("d5", "D5 CP plans at 31 March by duration", ("CPP_At31",), values=("CPP_At31",)),
    Layout(
        "cla",
        "Children looked after: number and rate per 10,000",
        ("population_type", "rate_per_10000"),
        values=("rate_per_10000",),
        dims=("population_type",),
    ),
    Layout(
        "stability",
        "Children looked after: placement stability",
        ("cla_group", "placement_stability", "children_percent"),
        values=("children_percent",),
        dims=("cla_group", "placement_stability"),
    ),
    Layout(
        "care_leavers",
        "Care leavers: activity / accommodation suitability",
        ("care_leaver_age", "breakdown", "care_leaver_percent"),
        values=("care_leaver_percent",),
        dims=("care_leaver_age", "breakdown"),
    ),
    Layout(
        "csww",
        "Children's social work workforce indicators (at 30 September)",
        ("caseload_fte",),
        values=("caseload_fte",),
        year_offset=0,
    ),
    # Read for completeness, no catalogue measure (DfE "children in need" is not the CIN-plan count).
    Layout("b1", "B1 children in need", ("At31_episodes",), used=False),
)
SN_SIGNATURE = ("SN1", "SN10")


def _expected_text() -> str:
    parts = [f"{lay.key} ({', '.join(lay.signature)})" for lay in LAYOUTS]
    parts.append("statistical neighbours (LA number, SN1 ... SN10)")
    return "; ".join(parts)


# --- measures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DfeMeasure:
    code: str
    layout: str
    describe: str
    compute: Callable[[Data, tuple, int], Decimal | None]


def _q(x: Decimal) -> Decimal:
    return x.quantize(ONE_DP, rounding=ROUND_HALF_UP)


def _published(layout: str, column: str, **dims):
    def compute(data: Data, geo, year):
        return data.get(layout, geo, year, column, **dims)

    return compute


def _rate(layout: str, column: str):
    def compute(data: Data, geo, year):
        count = data.get(layout, geo, year, column)
        pop = data.get("population", geo, year, "population_estimate", age_group=None)
        if count is None or not pop:
            return None
        return _q(count / pop * TEN_K)

    return compute


def _icpc_15wd(data: Data, geo, year):
    icpc = data.get("c4", geo, year, "ICPC")
    a = data.get("c4", geo, year, "Duration_0-10_days")
    b = data.get("c4", geo, year, "Duration_11-15_days")
    if icpc is None or a is None or b is None or icpc == 0:
        return None
    return _q((a + b) / icpc * HUNDRED)


MEASURES = (
    DfeMeasure("fd.referral_rate", "c1", "referral_count / ONS 0-17 x 10,000", _rate("c1", "referral_count")),
    DfeMeasure("fd.rereferral_12m", "c1", "rereferral_percent", _published("c1", "rereferral_percent")),
    DfeMeasure("s47.started_rate", "c4", "Section47 / ONS 0-17 x 10,000", _rate("c4", "Section47")),
    DfeMeasure("icpc.within_15wd", "c4", "(Duration_0-10 + Duration_11-15) / ICPC x 100", _icpc_15wd),
    DfeMeasure("cp.open_plans_rate", "d5", "CPP_At31 / ONS 0-17 x 10,000", _rate("d5", "CPP_At31")),
    DfeMeasure("cp.repeat_ever", "d3", "CPP_subsequent_percent", _published("d3", "CPP_subsequent_percent")),
    DfeMeasure(
        "cla.count_rate",
        "cla",
        "rate_per_10000, looked after on 31 March",
        _published("cla", "rate_per_10000", population_type="Children looked after on 31 March each year"),
    ),
    DfeMeasure(
        "cla.ni62",
        "stability",
        "children_percent, CLA on 31 March with 3 or more placements during the year",
        _published(
            "stability",
            "children_percent",
            cla_group="CLA on 31 March",
            placement_stability="With 3 or more placements during the year",
        ),
    ),
    DfeMeasure(
        "cla.ni63",
        "stability",
        "children_percent, under 16 looked after 2.5+ years living with the same carer 2+ years",
        _published(
            "stability",
            "children_percent",
            cla_group="Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
            placement_stability="Living with the same carer for at least 2 years",
        ),
    ),
    DfeMeasure(
        "cl.eet",
        "care_leavers",
        "care_leaver_percent, 19 to 21, total in education, employment or training",
        _published(
            "care_leavers",
            "care_leaver_percent",
            care_leaver_age="19 to 21 years",
            breakdown="Total in education, employment or training",
        ),
    ),
    DfeMeasure(
        "cl.suitable_accommodation",
        "care_leavers",
        "care_leaver_percent, 19 to 21, accommodation considered suitable",
        _published(
            "care_leavers",
            "care_leaver_percent",
            care_leaver_age="19 to 21 years",
            breakdown="Accommodation considered suitable",
        ),
    ),
    DfeMeasure("wf.caseload", "csww", "caseload_fte (30 September)", _published("csww", "caseload_fte")),
)
MEASURE_CODES = tuple(m.code for m in MEASURES)


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class Report:
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    counts: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str, value: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"file": file, "row": row, "column": column, "value": value, "reason": reason})

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class Data:
    """Every value read, keyed (layout, geography, year, dims) -> {column: Decimal | None}, plus the
    geography the LA rows tell (region of each LA, region names, LA names) and the neighbour groupings."""

    def __init__(self):
        self.values: dict[tuple, dict[str, Decimal | None]] = {}
        self.origin: dict[tuple, str] = {}
        self.shared: dict[tuple, dict[str, Decimal | None]] = {}  # rows of several LAs ("314 / 318")
        self.years: dict[str, set[int]] = defaultdict(set)
        self.files: dict[str, list[str]] = defaultdict(list)
        self.region_names: dict[str, str] = {}
        self.la_region: dict[str, tuple[int, str]] = {}  # la code -> (time_period, region code)
        self.la_names: dict[str, str] = {}
        self.neighbours: dict[str, list[str]] = {}
        self.neighbour_file = ""

    def get(self, layout: str, geo: tuple, year: int, column: str, **dims) -> Decimal | None:
        key = (layout, geo, year, tuple(sorted((k, v) for k, v in dims.items() if v is not None)))
        row = self.values.get(key)
        if row is None:
            row = self.shared.get(key)
        return None if row is None else row.get(column)

    def region_of(self, la: str) -> str | None:
        found = self.la_region.get(la)
        return found[1] if found else None


def _dec(raw: str) -> tuple[bool, Decimal | None]:
    """(valid, value): suppressed -> (True, None); a number -> (True, Decimal); else (False, None)."""
    text = (raw or "").strip()
    if text.lower() in SUPPRESSED:
        return True, None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False, None
    if not value.is_finite():
        return False, None
    return True, value


def _year(tp: str, offset: int) -> int | None:
    tp = (tp or "").strip()
    if len(tp) == 6 and tp.isdigit():  # 201718: the financial year itself
        return int(tp[:4])
    if len(tp) == 4 and tp.isdigit():
        return int(tp) + offset
    return None


def _csv_files(paths: list[str | Path], report: Report) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".csv"))
        elif p.is_file():
            out.append(p)
        else:
            report.add(str(p), None, "", "", "no such file or folder")
    unique: dict[Path, Path] = {}
    for p in out:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def _read_neighbours(path: Path, header: list[str], rows: list[list[str]], data: Data, report: Report):
    name = path.name
    la_col = next((i for i, h in enumerate(header) if h.strip().lower() in ("la num", "la number")), None)
    sn_cols = [header.index(f"SN{i}") if f"SN{i}" in header else None for i in range(1, 11)]
    if la_col is None or None in sn_cols:
        report.add(name, 1, "", "", "statistical neighbour file without 'LA num' and SN1 ... SN10 columns")
        return
    if data.neighbour_file:
        report.add(name, None, "", "", f"a second statistical neighbour file (first: {data.neighbour_file})")
        return
    data.neighbour_file = name
    for n, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        code = row[la_col].strip() if la_col < len(row) else ""
        if not code:
            continue  # section headings ("Old SNs:") and spacer rows
        if not code.isdigit():
            report.add(name, n, header[la_col], code, "LA number is not a number")
            continue
        data.neighbours.setdefault(code, [])
        data.neighbours[code] = data.neighbours[code] or [
            row[i].strip() for i in sn_cols if i < len(row) and row[i].strip().isdigit()
        ]


def _read_ees(
    path: Path, layout: Layout, header: list[str], rows: list[list[str]], data: Data, report: Report
):
    name = path.name
    missing = [c for c in layout.required if c not in header]
    if missing:
        report.add(
            name,
            1,
            ", ".join(missing),
            "",
            f"looks like '{layout.title}' but lacks columns {', '.join(missing)}; "
            f"expected {', '.join(layout.required)}",
        )
        return
    wanted = [*layout.required, *(["la_name"] if "la_name" in header else [])]
    idx = {c: header.index(c) for c in wanted}
    data.files[layout.key].append(name)
    count = 0
    for n, row in enumerate(rows, start=2):
        if not "".join(row).strip():
            continue
        count += 1
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        cell = {c: row[i].strip() for c, i in idx.items()}
        level = cell["geographic_level"]
        year = _year(cell["time_period"], layout.year_offset)
        if year is None:
            report.add(name, n, "time_period", cell["time_period"], "not a year (YYYY or YYYYYY)")
            continue
        if level == "National":
            geos = [NATIONAL]
        elif level == "Regional":
            geos = [("region", cell["region_code"])]
            data.region_names[cell["region_code"]] = cell["region_name"]
        elif level == "Local authority":
            codes = [c.strip() for c in cell["old_la_code"].split("/") if c.strip()]
            if not codes or not all(c.isdigit() for c in codes):
                report.add(name, n, "old_la_code", cell["old_la_code"], "not a 3-digit LA code")
                continue
            geos = [("la", c) for c in codes]
            tp = int(cell["time_period"][:4])
            for c in codes:
                if cell["region_code"] and data.la_region.get(c, (0, ""))[0] <= tp:
                    data.la_region[c] = (tp, cell["region_code"])
                if len(codes) == 1 and cell.get("la_name"):
                    data.la_names[c] = cell["la_name"]
            if cell["region_code"]:
                data.region_names.setdefault(cell["region_code"], cell["region_name"])
        else:
            continue  # other geographies (e.g. local authority district) are not used
        if not layout.used:
            continue
        values: dict[str, Decimal | None] = {}
        for col in layout.values:
            ok, value = _dec(cell[col])
            if not ok:
                report.add(name, n, col, cell[col], "not a number or a suppression code")
            values[col] = value
        dims = tuple(sorted((d, cell[d]) for d in layout.dims))
        if layout.key == "population":
            # only the 0-17 rows; the dimension is dropped so lookups need not name it
            if "0 to 17" not in cell["age_group"]:
                continue
            dims = ()
        data.years[layout.key].add(year)
        for geo in geos:
            key = (layout.key, geo, year, dims)
            target = data.shared if len(geos) > 1 else data.values
            previous = target.get(key)
            if previous is not None and previous != values:
                report.add(
                    name,
                    n,
                    "",
                    "",
                    f"conflicting figures for {geo[0]} {geo[1]} {cell['time_period']} "
                    f"(also in {data.origin.get(key, '?')})",
                )
            target[key] = values
            data.origin[key] = f"{name} row {n}"
    report.counts[name] = {"rows": count, "layout": layout.key}


def read_files(paths: list[str | Path], report: Report) -> Data:
    data = Data()
    files = _csv_files(paths, report)
    if not files and report.ok:
        report.add("; ".join(map(str, paths)), None, "", "", "no .csv files found")
    for path in files:
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = [h.strip() for h in next(reader, [])]
                rows = list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            report.add(path.name, None, "", "", f"cannot read the file: {e}")
            continue
        if all(s in header for s in SN_SIGNATURE):
            _read_neighbours(path, header, rows, data, report)
            report.counts[path.name] = {"rows": len(rows), "layout": "stat_neighbours"}
            continue
        layout = next((lay for lay in LAYOUTS if all(s in header for s in lay.signature)), None)
        if layout is None:
            report.add(
                path.name,
                1,
                "",
                ", ".join(header[:12]),
                f"not a recognised DfE statistics file; expected the columns of one of: {_expected_text()}",
            )
            continue
        _read_ees(path, layout, header, rows, data, report)
    return data


# --- building --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    populations: dict[int, tuple[int, str]] = field(default_factory=dict)  # year -> (age_0_17, source)
    benchmarks: dict[tuple, tuple[Decimal, str]] = field(default_factory=dict)  # (measure, year, kind, label)


def _fmt(x: Decimal) -> str:
    return f"{x.normalize():f}"


def build(data: Data, la: str, report: Report) -> Plan:
    plan = Plan()
    la_name = data.la_names.get(la, la)
    # population of the LA
    pop_file = ", ".join(data.files.get("population", []))
    for year in sorted(data.years.get("population", ())):
        value = data.get("population", ("la", la), year, "population_estimate")
        if value is not None and value > 0:
            plan.populations[year] = (
                int(value.to_integral_value(ROUND_HALF_UP)),
                f"ONS mid-{year} estimate, age 0-17, {la} {la_name} (DfE {pop_file})"[:200],
            )
    if plan.populations and la != settings.COUNCIL_CODE:
        report.notes.append(
            f"Population written for LA {la} while this portal serves COUNCIL_CODE {settings.COUNCIL_CODE}"
        )
    if not data.files.get("population"):
        report.notes.append("no ONS population file: Population and rates per 10,000 not loaded")

    region = data.region_of(la)
    regions: list[tuple[str, str]] = []
    if region:
        regions.append((region, data.region_names.get(region, region)))
        if region.startswith("E13") and LONDON[0] in data.region_names:
            regions.append((LONDON[0], data.region_names[LONDON[0]]))
    neighbours = data.neighbours.get(la)
    if data.neighbour_file and neighbours is None:
        report.notes.append(f"LA {la} is not in {data.neighbour_file}: no statistical neighbour averages")

    for m in MEASURES:
        files = data.files.get(m.layout)
        if not files:
            continue
        src = f"DfE {', '.join(files)}: {m.describe}"
        for year in sorted(data.years[m.layout]):
            value = m.compute(data, NATIONAL, year)
            if value is not None:
                plan.benchmarks[(m.code, year, BenchmarkKind.ENGLAND, "")] = (value, src[:300])
            for code, name in regions:
                value = m.compute(data, ("region", code), year)
                if value is not None:
                    plan.benchmarks[(m.code, year, BenchmarkKind.REGION, name)] = (
                        value,
                        f"{src}; {name}"[:300],
                    )
            if neighbours:
                found = [(n, m.compute(data, ("la", n), year)) for n in neighbours]
                found = [(n, v) for n, v in found if v is not None]
                if found:
                    mean = _q(sum(v for _, v in found) / len(found))
                    note = (
                        f"mean of {len(found)} of {len(neighbours)} statistical neighbours of {la} "
                        f"({', '.join(n for n, _ in found)}; {data.neighbour_file})"
                    )
                    plan.benchmarks[(m.code, year, BenchmarkKind.STAT_NEIGHBOURS, STAT_NEIGHBOURS_LABEL)] = (
                        mean,
                        f"{note}; {src}"[:300],
                    )
    return plan


def _write(plan: Plan, report: Report) -> None:
    pop = {"created": 0, "updated": 0, "unchanged": 0}
    bench = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {p.year: p for p in Population.objects.filter(year__in=plan.populations)}
        for year, (value, source) in sorted(plan.populations.items()):
            row = existing.get(year)
            if row is None:
                Population.objects.create(year=year, age_0_17=value, source=source)
                pop["created"] += 1
            elif (row.age_0_17, row.source) != (value, source):
                row.age_0_17, row.source = value, source
                row.save(update_fields=["age_0_17", "source"])
                pop["updated"] += 1
            else:
                pop["unchanged"] += 1
        rows = Benchmark.objects.filter(measure__in=MEASURE_CODES)
        current = {(b.measure, b.year, b.kind, b.label): b for b in rows}
        for key, (value, source) in sorted(plan.benchmarks.items()):
            row = current.get(key)
            if row is None:
                measure, year, kind, label = key
                Benchmark.objects.create(
                    measure=measure, year=year, kind=kind, label=label, value=value, source=source
                )
                bench["created"] += 1
            elif row.value != value or row.source != source:
                row.value, row.source = value, source
                row.save(update_fields=["value", "source"])
                bench["updated"] += 1
            else:
                bench["unchanged"] += 1
    report.counts["population"] = pop
    report.counts["benchmarks"] = bench


def dfe_statistics_import(
    *, la: str, paths: list[str | Path], dry_run: bool = False, user=None, command: str = ""
) -> ImportRun:
    """Read and validate every file, then (unless dry_run, and only if nothing was wrong) upsert the LA's
    Population and the England / region / statistical-neighbour Benchmarks in one transaction. The ImportRun
    is written whatever happens, with counts and every error; any error means nothing is written."""
    run = ImportRun.objects.create(
        kind=ImportKind.DFE_STATISTICS,
        source="; ".join(str(p) for p in paths)[:500],
        dry_run=dry_run,
        started_by=user,
        command=command[:200],
    )
    report = Report()
    la = (la or "").strip()
    try:
        if not (la.isdigit() and len(la) == 3):
            report.add("", None, "la", la, "the LA code must be the 3-digit DfE (old) LA code, e.g. 302")
            raise _Stop
        data = read_files(paths, report)
        if report.ok and la not in data.la_region and la not in data.la_names:
            seen = {geo[1] for (_, geo, _, _) in list(data.values) + list(data.shared) if geo[0] == "la"}
            if la not in seen:
                report.add("", None, "la", la, "LA code not found in the Local authority rows of any file")
        if report.ok:
            plan = build(data, la, report)
            report.counts["la"] = {
                "code": la,
                "name": data.la_names.get(la, ""),
                "region": data.region_names.get(data.region_of(la) or "", ""),
                "population_years": len(plan.populations),
                "benchmarks": len(plan.benchmarks),
                "notes": report.notes,
            }
            if not dry_run:
                _write(plan, report)
    except _Stop:
        pass
    except DatabaseError as e:
        logger.exception("DfE statistics import failed in the database")
        report.add("", None, "", "", f"database error, nothing written: {e}")
    except Exception as e:
        report.add("", None, "", "", f"internal error, nothing written: {e!r}")
        _finish(run, report, dry_run)
        raise
    _finish(run, report, dry_run)
    return run


def _finish(run: ImportRun, report: Report, dry_run: bool) -> None:
    if not report.ok:
        run.status = ImportStatus.FAILED
    else:
        run.status = ImportStatus.VALIDATED if dry_run else ImportStatus.SUCCEEDED
    run.counts = report.counts
    run.errors = report.errors
    run.error_count = report.error_count
    run.finished_at = timezone.now()
    run.save()
