"""What a bundle import found: every error (file, line, column, value, reason) and per-file counts.

Plain Python, no Django: the reader, validator and loader fill a BundleReport; the service stores it on the
ImportRun and the command prints it. Row numbers are physical line numbers in the file, the header being
line 1, so a user can open the CSV in an editor and go straight to the line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MAX_STORED_ERRORS = 1000
# A statutory return can carry a warning per row (a repaired episode, a value stored blank); all are kept up
# to this many so every row the report names can be found.
MAX_STORED_WARNINGS = 20000
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class BundleError:
    """One problem. `file` is blank for the bundle itself (e.g. a corrupt zip); `row` is the line number in
    the file (header = 1), None for a whole-file problem; `column` is blank when no single column is at
    fault."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file or "bundle"
        if self.row is not None:
            where += f" line {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = f" value {self.value!r}:" if self.value else ""
        return f"{where}:{value} {self.reason}"


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text[:MAX_VALUE_CHARS] + "…" if len(text) > MAX_VALUE_CHARS else text


class BundleAbort(Exception):
    """Stop reading the bundle; the reason is already in the report."""


@dataclass
class BundleReport:
    """Every error found (the first MAX_STORED_ERRORS kept, error_count exact) and per-file counts:
    {"contacts.csv": {"rows": 10, "created": 8, "updated": 1, "unchanged": 1}}.

    Warnings do not block: a bundle never has any; a statutory return's translation reports a row it left
    out, a value it could not store or an episode it repaired as one (apps.imports.statutory)."""

    errors: list[BundleError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, dict] = field(default_factory=dict)
    files_with_errors: set[str] = field(default_factory=set)
    warnings: list[BundleError] = field(default_factory=list)
    warning_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, file: str, row: int | None, column: str, value: object, reason: str) -> None:
        self.error_count += 1
        self.files_with_errors.add(file)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(BundleError(file, row, column, _shown(value), reason))

    def warn(self, file: str, row: int | None, column: str, value: object, reason: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_STORED_WARNINGS:
            self.warnings.append(BundleError(file, row, column, _shown(value), reason))

    def count(self, file: str, **numbers: int) -> None:
        entry = self.counts.setdefault(file, {})
        for key, n in numbers.items():
            entry[key] = entry.get(key, 0) + n


def format_report(
    *,
    counts: dict,
    errors: list[dict],
    error_count: int,
    dry_run: bool,
    status: str,
    source: str = "",
    warnings: list[dict] = (),
    warning_count: int = 0,
    title: str = "Bundle import",
) -> str:
    """The human report the command prints: one line per file, then every stored error, then every stored
    warning."""
    lines = [f"{title} of {source}: {status}" + (" (dry run: nothing written)" if dry_run else "")]
    for name, c in counts.items():
        parts = [f"{c.get('rows', 0)} rows"]
        for key in ("created", "updated", "unchanged"):
            if key in c:
                verb = f"would be {key}" if dry_run and key != "unchanged" else key
                parts.append(f"{c[key]} {verb}")
        # A statutory return's own files: rows read and rows the translation left out.
        if "left_out" in c:
            parts.append(f"{c['left_out']} left out")
        if isinstance(c.get("services"), dict):
            s = c["services"]
            parts.append(
                "services: "
                + ", ".join(
                    f"{s.get(k, 0)} {'would be ' if dry_run and k != 'unchanged' else ''}{k}"
                    for k in ("created", "updated", "unchanged")
                )
            )
        lines.append(f"  {name}: " + ", ".join(parts))
    if error_count:
        lines.append(
            f"{error_count} error(s); nothing was written. Rows are line numbers, the header is line 1."
        )
        lines.extend(f"  {BundleError(**_fields(e))}" for e in errors)
        if error_count > len(errors):
            lines.append(f"  … and {error_count - len(errors)} more")
    if warning_count:
        lines.append(f"{warning_count} warning(s) (not blocking):")
        lines.extend(f"  warning: {BundleError(**_fields(w))}" for w in warnings)
        if warning_count > len(warnings):
            lines.append(f"  … and {warning_count - len(warnings)} more")
    return "\n".join(lines)


def _fields(stored: dict) -> dict:
    return {k: stored[k] for k in ("file", "row", "column", "value", "reason")}
