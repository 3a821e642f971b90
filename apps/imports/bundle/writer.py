"""Writing CSV bundle files from typed values. Used by the exporter and by the demo generator, so both
produce byte-identical text for the same values (a round trip compares files).

Deliberately not passed through the spreadsheet guard (apps.core.spreadsheets.safe_cell) that the list
exports use: a bundle is data for the importer, and an export followed by an import must give back exactly
the stored values. An apostrophe added to `=SUM(1)` would be imported as part of the name. IDs cannot start
with a formula character anyway (spec.ID_RULE); a person who opens a bundle in a spreadsheet should import
it as text, as with any system extract."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from apps.core.periods import LONDON

from .spec import BY_NAME, Column, FileSpec


def format_value(column: Column, value: Any) -> str:
    """The bundle text of a typed value (None -> blank)."""
    if value is None or value == "":
        return ""
    kind = column.kind
    if kind == "bool":
        return "Y" if value else "N"
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "datetime":
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(LONDON).replace(tzinfo=None)
            return value.isoformat(timespec="seconds")
        return str(value)
    if kind == "decimal":
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        # Fixed-point, no trailing zeros, no exponent: 12.5000 -> "12.5", 3E+1 -> "30".
        text = format(d.normalize(), "f")
        return "0" if text in ("-0", "") else text
    return str(value)


class BundleWriter:
    """Streams rows into <folder>/<file>.csv, opening each file on its first row. Header = every column of
    the file's spec, in spec order. Use as a context manager."""

    def __init__(self, folder: str | Path, *, always: tuple[str, ...] = ()):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, tuple[Any, Any, FileSpec]] = {}
        self.counts: dict[str, int] = {}
        for name in always:
            self._open(name)

    def _open(self, name: str):
        if name not in self._files:
            spec = BY_NAME[name]
            fh = open(self.folder / spec.filename, "w", newline="", encoding="utf-8")  # noqa: SIM115
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([c.name for c in spec.columns])
            self._files[name] = (fh, writer, spec)
            self.counts[name] = 0
        return self._files[name]

    def write(self, name: str, row: Mapping[str, Any]) -> None:
        _, writer, spec = self._open(name)
        writer.writerow([format_value(c, row.get(c.name)) for c in spec.columns])
        self.counts[name] += 1

    def close(self) -> None:
        for fh, _, _ in self._files.values():
            fh.close()
        self._files.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
