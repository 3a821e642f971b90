"""Validating a bundle and writing it, in two passes, so memory stays bounded.

Pass 1 (`validate`) streams every file in spec order, parses each cell, checks keys, references and row rules
and keeps only the key sets later files refer to, and the parsed rows in a temporary file (_Spill). Nothing
is written. Pass 2 (`apply`) reads those parsed rows back in batches (the file itself is not read or parsed
again: what is written is what was checked), compares every row with the stored one (by natural values: a
foreign key as the referenced row's ID) and counts created/updated/unchanged; with write=True it also
bulk-creates the new rows and bulk-updates the changed ones. The caller runs pass 2 inside one transaction.

References are resolved against the bundle first and the database second; the database side is loaded
lazily (one values_list query per target) only when some reference is not in the bundle, so importing into
an empty database never reads the existing keys.
"""

from __future__ import annotations

import pickle
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router

from apps.core.models import OrgLevel, OrgUnit

from .bulk import copy_rows
from .errors import BundleAbort, BundleReport
from .reader import BundleSource, CsvReadError, read_csv
from .spec import FILES, REF_TARGETS, FileSpec
from .validate import BAD, ROW_RULES, CellError, ColumnPlan, column_plans

BATCH = 2000
UPDATE_BATCH = 500
# Refresh every child's derived fields (one pass, no IN lists) when more than this share changed.
REFRESH_ALL_SHARE = 0.5

_TARGET_LABELS = {
    "children": "child",
    "teams": "team",
    "org_units": "team or service",
    "workers": "worker",
    "contacts": "contact",
    "referrals": "referral",
    "strategy_discussions": "strategy discussion",
    "s47_enquiries": "S47 enquiry",
    "families": "family",
}


ABSENT = -1  # the header position of an optional key column the file leaves out


@dataclass
class FilePlan:
    """A file's header resolved against its spec."""

    spec: FileSpec
    model: type[models.Model]
    columns: list[ColumnPlan]  # the spec columns present in the header, spec order
    index: dict[str, int]  # header position of each present column
    width: int
    header: list[str]  # every header name, x_ and unknown ones included, to name a column by position
    has_key: bool  # every key column is present

    def __post_init__(self):
        # (name, header position, parser) per present column: the per-row loop touches nothing else.
        self.cells = [(cp.name, self.index[cp.name], cp.parse) for cp in self.columns]

    @property
    def filename(self) -> str:
        return self.spec.filename


def _adapter(field: models.Field, connection):
    """The database adaptation of an already-typed value: None where the value goes in as is, else the
    backend's adapt_* function (what get_db_prep_save ends in, minus the re-validation of a value the
    parser has already typed)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v, f=field: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    if isinstance(field, models.CharField | models.TextField | models.BooleanField | models.IntegerField):
        return None
    if isinstance(field, models.ForeignKey) and isinstance(
        field.target_field, models.AutoField | models.BigAutoField
    ):
        return None
    return lambda v, f=field: f.get_db_prep_save(v, connection)


def _blank(cp: ColumnPlan) -> Any:
    try:
        return cp.parse("")
    except CellError:
        return BAD


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while batch := list(islice(it, size)):
        yield batch


# How often (in rows) the check pass tells its progress; the progress itself writes a line every few seconds.
PROGRESS_EVERY = 5_000


class _Spill:
    """One file's parsed rows, written by pass 1 as it checks them and read back by pass 2, so a file is read
    and every cell parsed once (the second parse was a third of a large first load's time). The rows go to an
    anonymous temporary file in batches of BATCH, pickled (values the parsers made: text, numbers, dates,
    None), so memory stays bounded by a batch; the file is gone when closed. Only this process reads it."""

    def __init__(self, name: str):
        self.name = name
        self._file = tempfile.TemporaryFile(prefix=f"bundle-{name}-")
        self._keys: list[str] | None = None
        self._batch: list[tuple] = []

    def add(self, row: dict[str, Any]) -> None:
        if self._keys is None:
            self._keys = list(row)
        self._batch.append(tuple(row.values()))
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def close(self) -> None:
        """Pass 1 is done with the file: what is left of the last batch is written."""
        self._flush()

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        self._file.seek(0)
        keys = self._keys or []
        while True:
            try:
                rows = pickle.load(self._file)  # noqa: S301 - this process's own file, written just now
            except EOFError:
                return
            yield [dict(zip(keys, values, strict=True)) for values in rows]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


class BundleLoader:
    def __init__(self, source: BundleSource, report: BundleReport, *, progress=None):
        self.source = source
        self.report = report
        # progress(phase, file, rows): told of the rows checked (phase "check") and written ("write").
        self.progress = progress or (lambda phase, filename, rows: None)
        self.plans = {spec.name: column_plans(spec) for spec in FILES if spec.filename in source.files}
        self.bundle_keys: dict[str, set] = {}  # ref target -> IDs declared in the bundle
        self.broken: set[str] = set()  # targets whose file could not be read whole: refs to them not checked
        self._db_keys: dict[str, set] = {}
        self._pk_maps: dict[str, dict] = {}
        self._episodes: dict[tuple, tuple[str, int]] = {}  # (child_id, start_date) -> (episode_id, line)
        self.affected_children: set[str] = set()
        # Pass 1's parsed rows, kept on disk for pass 2 (see _Spill): file name -> (spill, the file's plan).
        self._spills: dict[str, tuple[_Spill, FilePlan]] = {}

    @property
    def present(self) -> list[FileSpec]:
        return [spec for spec in FILES if spec.name in self.plans]

    def models_written(self) -> list[type[models.Model]]:
        """The record tables this source writes (the org structure aside: teams are synced, not loaded)."""
        return [apps.get_model(spec.model) for spec in self.present if spec.name != "teams"]

    # == pass 1: validate =====================================================================================

    def validate(self) -> None:
        for spec in self.present:
            plan = None
            try:
                with self.source.open(spec.filename) as stream:
                    rows = read_csv(stream)
                    plan = self._header(spec, rows)
                    if plan is None:
                        self._mark_broken(spec)
                    elif spec.name == "teams":
                        self._validate_teams(plan, rows)
                    else:
                        self._validate_rows(plan, rows)
            except CsvReadError as e:
                column = ""
                if plan is not None and e.position is not None and e.position < len(plan.header):
                    column = plan.header[e.position]
                self.report.add(spec.filename, e.line, column, "", e.reason)
                self._mark_broken(spec)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
                self.report.add(spec.filename, None, "", "", f"cannot read the file: {e}")
                self._mark_broken(spec)

    def _mark_broken(self, spec: FileSpec) -> None:
        self.broken.add(spec.name)
        if spec.name == "teams":
            self.broken.add("org_units")

    def _header(self, spec: FileSpec, rows: Iterator[tuple[int, list[str]]], *, report: bool = True):
        fn = spec.filename
        try:
            line, header = next(rows)
        except StopIteration:
            if report:
                self.report.add(fn, None, "", "", "empty file: no header row")
            return None
        names = [h.strip() for h in header]
        plans = self.plans[spec.name]
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in index:
                if report:
                    self.report.add(fn, line, name, name, "column appears twice in the header")
                continue
            index[name] = i
            if name not in plans and not name.startswith("x_") and report:
                self.report.add(
                    fn,
                    line,
                    name,
                    name,
                    "unknown column (extra columns must start with x_); expected: " + ", ".join(plans),
                )
        for name in spec.required:
            if name not in index and report:
                self.report.add(fn, line, name, "", "required column is missing from the header")
        # An optional column that is part of the row's identity (entered_measures' org_unit: blank = the LA)
        # may be left out of the header: it is read as blank on every row (position -1), so the row still
        # has its whole key.
        for name in spec.key:
            if name not in index and name not in spec.required and name in plans:
                index[name] = ABSENT
        columns = [p for name, p in plans.items() if name in index]
        return FilePlan(
            spec=spec,
            model=apps.get_model(spec.model),
            columns=columns,
            index={p.name: index[p.name] for p in columns},
            width=len(names),
            header=names,
            has_key=all(k in index for k in spec.key),
        )

    def _parse(self, plan: FilePlan, line: int, values: list[str]) -> tuple[dict[str, Any], bool]:
        row: dict[str, Any] = {}
        ok = True
        for name, position, parse in plan.cells:
            text = values[position] if position != ABSENT else ""
            try:
                row[name] = parse(text)
            except CellError as e:
                self.report.add(plan.filename, line, name, text, str(e))
                row[name] = BAD
                ok = False
        return row, ok

    def _check_width(self, plan: FilePlan, line: int, values: list[str]) -> bool:
        if len(values) == plan.width:
            return True
        self.report.add(
            plan.filename, line, "", "", f"{len(values)} values but the header has {plan.width} columns"
        )
        return False

    def _validate_rows(self, plan: FilePlan, rows: Iterator[tuple[int, list[str]]]) -> None:
        spec, fn = plan.spec, plan.filename
        seen: dict[tuple, int] = {}
        refs = [cp for cp in plan.columns if cp.is_ref]
        rules = ROW_RULES.get(spec.name, ())
        # Columns absent from the header are blank on a new row; a required one is already an error.
        absent = {name: _blank(cp) for name, cp in self.plans[spec.name].items() if name not in plan.index}
        key_label = ", ".join(spec.key)
        spill = _Spill(spec.name)
        self._spills[spec.name] = (spill, plan)
        n = 0
        for line, values in rows:
            n += 1
            if n % PROGRESS_EVERY == 0:
                self.progress("check", fn, PROGRESS_EVERY)
            if not self._check_width(plan, line, values):
                continue
            row, _ = self._parse(plan, line, values)
            if self.report.ok:
                spill.add(row)
            if plan.has_key:
                key = tuple(row[k] for k in spec.key)
                if BAD not in key:
                    first = seen.setdefault(key, line)
                    if first != line:
                        shown = "/".join("" if k is None else str(k) for k in key)
                        self.report.add(
                            fn, line, spec.key[0], shown, f"duplicate {key_label} (first on line {first})"
                        )
            for cp in refs:
                value = row[cp.name]
                if value is None or value is BAD:
                    continue
                target = cp.column.ref
                assert target is not None
                if not self._ref_exists(target, value):
                    self.report.add(
                        fn,
                        line,
                        cp.name,
                        value,
                        f"no {_TARGET_LABELS[target]} {value!r} in {self._target_file(target)} or the database",
                    )
            for rule in rules:
                args = [row[c] if c in row else absent[c] for c in rule.columns]
                if BAD in args:
                    continue
                if not rule.ok(*args):
                    texts = [
                        values[plan.index[c]] if plan.index.get(c, ABSENT) != ABSENT else ""
                        for c in rule.columns
                    ]
                    self.report.add(fn, line, rule.columns[0], texts[0], rule.reason.format(*texts))
            if spec.name == "care_episodes":
                self._track_episode(row, line)
        spill.close()
        self.report.count(fn, rows=n)
        self.progress("check", fn, n % PROGRESS_EVERY)
        if spec.name in REF_TARGETS:
            if not plan.has_key:
                self.broken.add(spec.name)
            self.bundle_keys[spec.name] = {k[0] for k in seen}
        if spec.name == "care_episodes" and plan.has_key:
            self._check_episodes_against_db({k[0] for k in seen})

    @staticmethod
    def _target_file(target: str) -> str:
        return "teams.csv" if target == "org_units" else f"{target}.csv"

    def _ref_exists(self, target: str, value: str) -> bool:
        if target in self.broken or value in self.bundle_keys.get(target, ()):
            return True
        return value in self._db_key_set(target)

    def _db_key_set(self, target: str) -> set:
        if target not in self._db_keys:
            if target == "teams":
                qs = OrgUnit.objects.filter(level=OrgLevel.TEAM).values_list("code", flat=True)
            elif target == "org_units":
                qs = OrgUnit.objects.filter(level__in=[OrgLevel.TEAM, OrgLevel.SERVICE]).values_list(
                    "code", flat=True
                )
            else:
                model, field = REF_TARGETS[target]
                qs = apps.get_model(model).objects.values_list(field, flat=True)
            self._db_keys[target] = set(qs)
        return self._db_keys[target]

    def _track_episode(self, row: dict[str, Any], line: int) -> None:
        episode_id, child, start = row.get("episode_id"), row.get("child_id"), row.get("start_date")
        if BAD in (episode_id, child, start) or None in (episode_id, child, start):
            return
        first = self._episodes.setdefault((child, start), (episode_id, line))
        if first[0] != episode_id:
            self.report.add(
                "care_episodes.csv",
                line,
                "start_date",
                start.isoformat(),
                f"child {child} already has episode {first[0]} starting on this date (line {first[1]}); "
                "a child has one episode per start date",
            )

    def _check_episodes_against_db(self, bundle_ids: set[str]) -> None:
        from apps.care.models import CareEpisode

        stored = CareEpisode.objects.values_list("episode_id", "child__child_id", "start_date")
        for episode_id, child, start in stored.iterator(chunk_size=BATCH):
            if episode_id in bundle_ids:
                continue  # the bundle row replaces it
            hit = self._episodes.get((child, start))
            if hit is not None:
                self.report.add(
                    "care_episodes.csv",
                    hit[1],
                    "start_date",
                    start.isoformat(),
                    f"child {child} already has episode {episode_id} starting on this date in the database",
                )

    def _validate_teams(self, plan: FilePlan, rows: Iterator[tuple[int, list[str]]]) -> None:
        fn = plan.filename
        teams: dict[str, int] = {}
        services: dict[str, tuple[str, int]] = {}
        n = 0
        for line, values in rows:
            n += 1
            if n % PROGRESS_EVERY == 0:
                self.progress("check", fn, PROGRESS_EVERY)
            if not self._check_width(plan, line, values):
                continue
            row, _ = self._parse(plan, line, values)
            team, service, service_name = (
                row.get("team_code"),
                row.get("service_code"),
                row.get("service_name"),
            )
            if team not in (None, BAD):
                first = teams.setdefault(team, line)
                if first != line:
                    self.report.add(
                        fn, line, "team_code", team, f"duplicate team_code (first on line {first})"
                    )
            if service not in (None, BAD) and service_name is not BAD:
                seen = services.setdefault(service, (service_name, line))
                if seen[0] != service_name and service_name is not None:
                    self.report.add(
                        fn,
                        line,
                        "service_name",
                        service_name,
                        f"service {service} is named {seen[0]!r} on line {seen[1]}; one name per service",
                    )
        self.report.count(fn, rows=n)
        self.progress("check", fn, n % PROGRESS_EVERY)
        la_codes = {
            settings.COUNCIL_CODE,
            *OrgUnit.objects.filter(level=OrgLevel.LA).values_list("code", flat=True),
        }
        stored = dict(OrgUnit.objects.filter(code__in=[*teams, *services]).values_list("code", "level"))
        for code, line in teams.items():
            if code in services:
                self.report.add(
                    fn, line, "team_code", code, "also used as a service_code; codes must be unique"
                )
            elif code in la_codes:
                self.report.add(fn, line, "team_code", code, "is the council's own code (COUNCIL_CODE)")
            elif stored.get(code, OrgLevel.TEAM) != OrgLevel.TEAM:
                self.report.add(
                    fn, line, "team_code", code, f"already exists as a {stored[code]}, not a team"
                )
        for code, (_, line) in services.items():
            if code in la_codes:
                self.report.add(fn, line, "service_code", code, "is the council's own code (COUNCIL_CODE)")
            elif code not in teams and stored.get(code, OrgLevel.SERVICE) != OrgLevel.SERVICE:
                self.report.add(
                    fn, line, "service_code", code, f"already exists as a {stored[code]}, not a service"
                )
        if not plan.has_key:
            self._mark_broken(plan.spec)
        self.bundle_keys["teams"] = set(teams)
        self.bundle_keys["org_units"] = set(teams) | set(services)

    # == pass 2: compare and (optionally) write ==============================================================

    def apply(self, *, write: bool) -> None:
        """Counts created/updated/unchanged per file; with write=True also writes. Run inside a transaction."""
        present = self.present
        self._validation_state_done()
        for i, spec in enumerate(present):
            try:
                if spec.name in self._spills:
                    # The rows pass 1 checked, as it parsed them: not read and parsed a second time.
                    spill, plan = self._spills.pop(spec.name)
                    with spill:
                        self._apply_rows(plan, spill.batches(), write=write)
                else:
                    self._apply_file(spec, write=write)
            except CsvReadError as e:
                self.report.add(spec.filename, e.line, "", "", e.reason)
                raise BundleAbort(e.reason) from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
                self.report.add(spec.filename, None, "", "", f"cannot read the file: {e}")
                raise BundleAbort(str(e)) from None
            if write:
                # A later file refers to this one by ID: its pk map must include the rows just written.
                self._pk_maps.pop(spec.name, None)
                if spec.name == "teams":
                    self._pk_maps.pop("org_units", None)
                # Drop the ID -> pk maps no later file needs (the contacts map alone can be 600k entries).
                later = {c.ref for s in present[i + 1 :] for c in s.columns if c.kind == "ref"}
                for target in [t for t in self._pk_maps if t not in later]:
                    del self._pk_maps[target]

    def _apply_file(self, spec: FileSpec, *, write: bool) -> None:
        """Pass 2 over a file read again: the teams (whose rows sync the org structure), or a file pass 1 kept
        no rows of."""
        with self.source.open(spec.filename) as stream:
            rows = read_csv(stream)
            plan = self._header(spec, rows, report=False)
            if plan is None:  # validated, so only if the file changed under us
                raise BundleAbort(f"{spec.filename} changed during the import")
            if spec.name == "teams":
                self._apply_teams(plan, rows, write=write)
                return
            batches = (
                [self._parse_clean(plan, line, values) for line, values in batch]
                for batch in _batched(rows, BATCH)
            )
            self._apply_rows(plan, batches, write=write)

    def _validation_state_done(self) -> None:
        """Pass 1's key sets are not needed once pass 2 starts."""
        self.bundle_keys.clear()
        self._db_keys.clear()
        self._episodes.clear()

    def _parse_clean(self, plan: FilePlan, line: int, values: list[str]) -> dict[str, Any]:
        if len(values) != plan.width:
            self._check_width(plan, line, values)
            raise BundleAbort(f"{plan.filename} changed during the import")
        row, ok = self._parse(plan, line, values)
        if not ok:
            raise BundleAbort(f"{plan.filename} changed during the import")
        return row

    def _stored(self, plan: FilePlan, keys: list[tuple]) -> dict[tuple, tuple[int, tuple]]:
        """Stored rows with these keys: key -> (pk, natural values of the present columns)."""
        columns = plan.columns
        lookups = [lk for cp in columns for lk in cp.lookups]
        first_lookup = next(cp.lookups[0] for cp in columns if cp.name == plan.spec.key[0])
        qs = plan.model.objects.filter(**{f"{first_lookup}__in": {k[0] for k in keys}}).values_list(
            "pk", *lookups
        )
        key_pos = [next(i for i, cp in enumerate(columns) if cp.name == k) for k in plan.spec.key]
        out: dict[tuple, tuple[int, tuple]] = {}
        for pk, *flat in qs.order_by():
            natural = []
            i = 0
            for cp in columns:
                width = len(cp.lookups)
                chunk = flat[i : i + width]
                i += width
                natural.append(cp.from_db(*chunk) if cp.from_db else chunk[0])
            out[tuple(natural[p] for p in key_pos)] = (pk, tuple(natural))
        return out

    def _apply_rows(self, plan: FilePlan, batches: Iterable[list[dict[str, Any]]], *, write: bool) -> None:
        spec, model = plan.spec, plan.model
        names = [cp.name for cp in plan.columns]
        fields = [cp.field for cp in plan.columns]
        tracks_children = "child_id" in plan.index
        table_empty = not model.objects.exists()
        created = updated = unchanged = 0
        for parsed in batches:
            self.progress("write", plan.filename, len(parsed))
            keys = [tuple(row[k] for k in spec.key) for row in parsed]
            stored = {} if table_empty else self._stored(plan, keys)
            new: list[dict] = []
            changed: list[tuple[int, dict]] = []
            for key, row in zip(keys, parsed, strict=True):
                hit = stored.get(key)
                if hit is None:
                    new.append(row)
                elif hit[1] == tuple(row[n] for n in names):
                    unchanged += 1
                else:
                    changed.append((hit[0], row))
            created += len(new)
            updated += len(changed)
            if tracks_children:
                self.affected_children.update(r["child_id"] for r in new if r["child_id"])
                self.affected_children.update(r["child_id"] for _, r in changed if r["child_id"])
            if write:
                if new:
                    self._insert(plan, new)
                if changed:
                    objs = [self._instance(plan, row, pk=pk) for pk, row in changed]
                    model.objects.bulk_update(objs, fields, batch_size=UPDATE_BATCH)
        self.report.count(plan.filename, created=created, updated=updated, unchanged=unchanged)

    def _insert(self, plan: FilePlan, rows: list[dict[str, Any]]) -> None:
        """INSERT new rows with executemany (COPY on PostgreSQL). Equivalent to bulk_create (every concrete field, values adapted
        by the field's own get_db_prep_save, defaults for fields the bundle does not carry) without building
        a model instance and compiling SQL per row, which is most of the time of a large import."""
        model = plan.model
        connection = connections[router.db_for_write(model)]
        by_field = {cp.field: cp for cp in plan.columns}
        fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
        getters = []
        for f in fields:
            cp = by_field.get(f.name)
            if cp is None:
                default = f.get_default()
                getters.append(lambda row, d=default: d)
            elif cp.is_ref:
                assert cp.column.ref is not None
                pk_of = self._pk_map(cp.column.ref)
                blank_is_la = cp.column.ref == "org_units"
                name = cp.name
                getters.append(
                    lambda row, m=pk_of, n=name, la=blank_is_la: (
                        m[row[n]] if row[n] is not None or la else None
                    )
                )
            else:
                getters.append(lambda row, n=cp.name: row[n])
        pairs = [(_adapter(f, connection), get) for f, get in zip(fields, getters, strict=True)]
        params = [[adapt(get(row)) if adapt else get(row) for adapt, get in pairs] for row in rows]
        if connection.vendor == "postgresql":
            copy_rows(connection, model._meta.db_table, [f.column for f in fields], params)
            return
        qn = connection.ops.quote_name
        # Table and column names come from model metadata, quoted; values are bound parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            qn(model._meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def _instance(self, plan: FilePlan, row: dict[str, Any], pk: int | None = None) -> models.Model:
        kwargs: dict[str, Any] = {}
        for cp in plan.columns:
            value = row[cp.name]
            if cp.is_ref:
                assert cp.column.ref is not None
                # A blank org_unit is the LA (the org_units map has it under None); other blank refs stay null.
                if value is None and cp.column.ref != "org_units":
                    kwargs[f"{cp.field}_id"] = None
                else:
                    kwargs[f"{cp.field}_id"] = self._pk_map(cp.column.ref)[value]
            else:
                kwargs[cp.field] = value
        if pk is not None:
            kwargs["pk"] = pk
        return plan.model(**kwargs)

    def _pk_map(self, target: str) -> dict:
        if target not in self._pk_maps:
            if target == "teams":
                pairs = OrgUnit.objects.filter(level=OrgLevel.TEAM).values_list("code", "pk")
                self._pk_maps[target] = dict(pairs)
            elif target == "org_units":
                rows = OrgUnit.objects.values_list("code", "level", "pk")
                self._pk_maps[target] = {
                    (None if level == OrgLevel.LA else code): pk for code, level, pk in rows
                }
            else:
                model, field = REF_TARGETS[target]
                self._pk_maps[target] = dict(
                    apps.get_model(model).objects.values_list(field, "pk").order_by()
                )
        return self._pk_maps[target]

    def _apply_teams(self, plan: FilePlan, rows: Iterator[tuple[int, list[str]]], *, write: bool) -> None:
        from apps.core.services import ensure_la

        teams: dict[str, tuple[str, str]] = {}  # team code -> (name, service code)
        services: dict[str, str] = {}  # service code -> name
        n = 0
        for line, values in rows:
            n += 1
            row = self._parse_clean(plan, line, values)
            teams[row["team_code"]] = (row["team_name"], row["service_code"])
            services.setdefault(row["service_code"], row["service_name"])
        self.progress("write", plan.filename, n)
        la = ensure_la() if write else OrgUnit.objects.filter(level=OrgLevel.LA).first()
        la_code = la.code if la else settings.COUNCIL_CODE
        stored = {
            code: (pk, name, parent)
            for code, pk, name, parent in OrgUnit.objects.filter(code__in=[*teams, *services]).values_list(
                "code", "pk", "name", "parent__code"
            )
        }

        def sync(wanted: dict[str, tuple[str, str]], level: str) -> dict[str, int]:
            """wanted: code -> (name, parent code). Returns the counts."""
            counts = {"created": 0, "updated": 0, "unchanged": 0}
            new, changed = [], []
            for code, (name, parent) in wanted.items():
                hit = stored.get(code)
                if hit is None:
                    counts["created"] += 1
                    new.append((code, name, parent))
                elif (hit[1], hit[2]) == (name, parent):
                    counts["unchanged"] += 1
                else:
                    counts["updated"] += 1
                    changed.append((hit[0], code, name, parent))
            if write:
                parents = dict(
                    OrgUnit.objects.filter(code__in={p for *_, p in new + changed}).values_list("code", "pk")
                )
                OrgUnit.objects.bulk_create(
                    [OrgUnit(code=c, name=n, level=level, parent_id=parents[p]) for c, n, p in new]
                )
                OrgUnit.objects.bulk_update(
                    [
                        OrgUnit(pk=pk, code=c, name=n, level=level, parent_id=parents[p])
                        for pk, c, n, p in changed
                    ],
                    ["name", "level", "parent"],
                )
            return counts

        service_counts = sync({code: (name, la_code) for code, name in services.items()}, OrgLevel.SERVICE)
        team_counts = sync(teams, OrgLevel.TEAM)
        self.report.count(plan.filename, **team_counts)
        self.report.counts[plan.filename]["services"] = service_counts

    def affected_child_pks(self) -> list[int] | None:
        """The pks of children whose records changed, or None when refreshing everyone is cheaper."""
        if not self.affected_children:
            return []
        from apps.people.models import Child

        pk_of = self._pk_map("children")
        pks = [pk_of[c] for c in self.affected_children if c in pk_of]
        if len(pks) > REFRESH_ALL_SHARE * Child.objects.count():
            return None
        return pks
