"""Writing the whole database out as a bundle: every file of the spec in spec order (a file with no rows is
just its header), rows ordered by the file's key so two exports of the same data are byte-identical, values
formatted by writer.format_value (date-times in Europe/London local time without offset)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db.models import Case, F, Value, When

from apps.core.models import OrgLevel, OrgUnit

from .spec import FILES, FileSpec
from .validate import column_plans
from .writer import BundleWriter

CHUNK = 2000


def _team_rows() -> Iterator[dict[str, Any]]:
    qs = (
        OrgUnit.objects.filter(level=OrgLevel.TEAM)
        .order_by("code")
        .values_list("code", "name", "parent__code", "parent__name")
    )
    for code, name, service_code, service_name in qs.iterator(chunk_size=CHUNK):
        yield {
            "team_code": code,
            "team_name": name,
            "service_code": service_code,
            "service_name": service_name,
        }


def _rows(spec: FileSpec) -> Iterator[dict[str, Any]]:
    if spec.name == "teams":
        yield from _team_rows()
        return
    yield from rows_of(spec)


def rows_of(spec: FileSpec, queryset=None) -> Iterator[dict[str, Any]]:
    """The rows of a record type as its bundle file holds them (column -> value), from `queryset` (of the
    spec's model; default all), in the file's key order. The API's record reads use it, so a record reads
    back in the bundle's own form."""
    plans = list(column_plans(spec).values())
    lookups = [lk for cp in plans for lk in cp.lookups]
    order = []
    for key in spec.key:
        cp = next(p for p in plans if p.name == key)
        if cp.column.ref == "org_units":
            # The LA is written blank, so it sorts first.
            order.append(Case(When(**{cp.lookups[1]: OrgLevel.LA}, then=Value("")), default=F(cp.lookups[0])))
        else:
            order.append(cp.lookups[0])
    qs = apps.get_model(spec.model).objects.all() if queryset is None else queryset
    qs = qs.order_by(*order, "pk").values_list(*lookups)
    for flat in qs.iterator(chunk_size=CHUNK):
        row: dict[str, Any] = {}
        i = 0
        for cp in plans:
            chunk = flat[i : i + len(cp.lookups)]
            i += len(cp.lookups)
            row[cp.name] = cp.from_db(*chunk) if cp.from_db else chunk[0]
        yield row


def export_folder(folder: str | Path) -> dict[str, int]:
    """Writes every bundle file into `folder`; returns rows written per file name."""
    with BundleWriter(folder, always=tuple(spec.name for spec in FILES)) as writer:
        for spec in FILES:
            for row in _rows(spec):
                writer.write(spec.name, row)
        return {BY_FILENAME[name]: n for name, n in writer.counts.items()}


def export_zip(path: str | Path) -> dict[str, int]:
    """The same files in a .zip (fixed timestamps, spec order, so the zip is reproducible too)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        counts = export_folder(tmp)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for spec in FILES:
                info = zipfile.ZipInfo(spec.filename, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(Path(tmp) / spec.filename, "rb") as src, zf.open(info, "w") as dst:
                    while chunk := src.read(1024 * 1024):
                        dst.write(chunk)
    return counts


BY_FILENAME = {spec.name: spec.filename for spec in FILES}
