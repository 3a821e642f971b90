"""What every statutory format shares: its translation into bundle tables, held in memory, and the map back.

A statutory importer does not load anything itself. It reads the return, checks it against the format's own
code lists, and writes the bundle's record tables (children.csv, care_episodes.csv, ...) as CSV text in
memory; `TranslatedSource` then serves those tables to the bundle's `BundleLoader` exactly as a bundle folder
would, so the return goes through the bundle's validation and its one-transaction upsert: one pipeline.

Every translated cell remembers where it came from (the return's file, line and column), so a problem the
bundle's validation finds is reported against the return, not against a table the user never saw
(`Translation.relocate`).

The translation reports what it did not take as warnings (they never block): a row left out (its ID or a
required value unusable, its child not in the return), a value stored blank (not one of any collection
year's codes), an episode repaired, a column or a table the record model has no place for. What blocks: a
file that cannot be read, a table missing a column it cannot do without, two files for one table, and every
error the bundle's validation still finds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..bundle.errors import BundleAbort, BundleReport
from ..bundle.spec import BY_NAME

# (file, line, column) in the return.
Origin = tuple[str, int | None, str]


@dataclass
class _Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # Per data row: the origin of the row (file, line) and of each translated column.
    origins: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)


class Translation:
    """The bundle tables a return translates into. `add` one row at a time; `source()` serves them."""

    def __init__(self) -> None:
        self.tables: dict[str, _Table] = {}

    def table(self, name: str, columns: list[str]) -> None:
        """Declare a bundle table (spec name) and the columns this return fills: the loader updates only
        these, so a later return keeps what it does not carry."""
        spec = BY_NAME[name]
        unknown = set(columns) - {c.name for c in spec.columns}
        assert not unknown, f"{name}: not bundle columns: {unknown}"
        self.tables[name] = _Table(list(columns))

    def add(
        self, name: str, values: dict[str, str], *, file: str, line: int, columns: dict[str, str]
    ) -> None:
        """One bundle row. `values` are bundle column -> text (the bundle's own formats); `columns` maps a
        bundle column to the return's column it came from (for the report)."""
        t = self.tables[name]
        t.rows.append([values.get(c, "") for c in t.columns])
        t.origins.append((file, line, columns))

    def rows(self, name: str) -> int:
        return len(self.tables[name].rows) if name in self.tables else 0

    def source(self) -> TranslatedSource:
        return TranslatedSource(self)

    def relocate(self, report: BundleReport) -> None:
        """Point every problem the bundle's validation reported on a translated table at the return's file,
        line and column it came from."""
        by_file = {f"{name}.csv": t for name, t in self.tables.items()}
        moved = []
        for e in report.errors:
            t = by_file.get(e.file)
            if t is None or e.row is None or not 2 <= e.row < len(t.origins) + 2:
                moved.append(e)
                continue
            file, line, columns = t.origins[e.row - 2]
            column = columns.get(e.column, "")
            reason = e.reason if not e.column or column else f"{e.reason} (record field {e.column})"
            moved.append(type(e)(file, line, column, e.value, reason))
        report.errors = moved
        report.files_with_errors = {e.file for e in moved}


def list_files(report: BundleReport, paths, suffixes: tuple[str, ...]) -> list[Path]:
    """The files a return's paths name: files as given, and a folder's files with these suffixes (others
    warned about, not read); a symbolic link or a missing path is a blocking error. Stops (BundleAbort) when
    anything blocks."""
    out: list[Path] = []
    kinds = " or ".join(suffixes)
    for raw in paths:
        p = Path(raw)
        if p.is_symlink():
            report.add(p.name, None, "", "", "a symbolic link; give the file itself")
        elif p.is_dir():
            for child in sorted(p.iterdir()):
                if child.is_symlink():
                    report.add(child.name, None, "", "", "a symbolic link; refused")
                elif child.is_file() and child.suffix.lower() in suffixes:
                    out.append(child)
                elif child.is_file():
                    report.warn(child.name, None, "", "", f"not a {kinds} file; not read")
        elif p.is_file():
            out.append(p)
        else:
            report.add(str(p), None, "", "", "no such file or folder")
    if not report.ok:
        raise BundleAbort("unreadable paths")
    return out


class TranslatedSource:
    """Duck-types BundleSource for BundleLoader: `files` and `open(filename)`, served from memory."""

    def __init__(self, translation: Translation) -> None:
        self._data: dict[str, bytes] = {}
        for name, t in translation.tables.items():
            if not t.rows:
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(t.columns)
            writer.writerows(t.rows)
            self._data[f"{name}.csv"] = buffer.getvalue().encode("utf-8")
        self.files = dict.fromkeys(self._data, True)

    @contextmanager
    def open(self, filename: str) -> Iterator[io.BytesIO]:
        yield io.BytesIO(self._data[filename])

    def close(self) -> None:
        pass
