"""The SSDA903 return (children looked after), CSV set, translated into the bundle's record tables.

Which file is which table is read from its header row, not its name (councils' tools name the files in many
ways): each table has a column no other has (episodes DECOM, reviews REVIEW, ...). Dates are DD/MM/YYYY as the
DfE publishes them (YYYY-MM-DD is accepted too). Codes are checked against the union of every collection
year's code list, 2017 to 2026, so a code valid in its year is never refused (header SEX 1/2 before 2025 and
M/F/U after; PLACE H5 and P2 before 2024 and K3, Z11-Z14 after; the 2024 social-worker table).

Mapping (903 -> bundle):
  header           children: CHILD -> child_id, SEX (1/M -> M, 2/F -> F, U) -> sex, DOB, ETHNIC
  uasc             children: uasc = Y for a listed child, N for the others in the header; DUC -> uasc_ceased_date
  episodes         care_episodes: episode_id = CHILD-DECOM (YYYYMMDD), the 903's own key (one episode per child
                   and start date); RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE,
                   PL_POST -> placement_postcode
  reviews          cla_reviews: review_id = CHILD-RYYYYMMDD; REVIEW_CODE -> participation
  missing          missing_episodes: episode_id = CHILD-MYYYYMMDD; MISSING M/A -> missing/absent; from_care Y
  oc3              care_leavers: status_date = the child's birthday in the collection year (OC3 is the status
                   around it); IN_TOUCH, ACTIV, ACCOM (letter -> accommodation, 1/2 -> suitable Y/N, 0 = none)
  ad1, placed_for_adoption
                   adoptions: DATE_INT (else DATE_PLACED) -> decision_date, DATE_MATCH -> matched_date,
                   DATE_PLACED_CEASED -> no_longer_placed_date, REASON_PLACED_CEASED -> no_longer_placed_reason
  oc2, previous_permanence, sw_episodes, DoLo
                   checked against their code lists and reported; the record model has no place for them.

Episode repairs (each reported as a warning on the episode's row), applied per child in DECOM order:
  1. Same child, same DECOM twice: the first row is kept, the later one left out.
  2. An episode with no DEC followed by a later episode: it ends where the next begins (DEC = next DECOM; REC
     X1 if none was given), as the DfE's and regional tools close an episode that is not the child's last.
  3. An episode whose DEC is after the next episode's DECOM (an overlap): DEC = next DECOM.
  4. An open episode (no DEC) with a REC: the REC is dropped (an open episode has no reason it ceased).
A gap between episodes is a period of care ending and a new one beginning, which the record model holds; an
episode ended X1 ("care continues") followed by a gap, or by nothing, is kept as recorded and reported.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings

from apps.assessments.choices import Participation
from apps.care.choices import (
    Accommodation,
    Activity,
    CategoryOfNeed,
    InTouch,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlacementChange,
)
from apps.core.choices import Ethnicity

from ..bundle.errors import BundleAbort, BundleReport
from ..bundle.reader import CsvReadError, _CappedStream, read_csv
from ..bundle.spec import ID_RE
from . import ssda903_xml
from .base import Translation, list_files
from .xml import XmlRefused, find_schema, load_schema, local, looks_like_xml, read_xml, schema_errors

Progress = Callable[[str, int, int, int], None]  # file, rows read, bytes read, bytes in the file
PROGRESS_EVERY = 5000
MAX_ID = 40

# -- the DfE code lists not held elsewhere in the portal (every collection year 2017-2026) ------------------

YES_NO = ("0", "1")
SDQ_REASONS = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
PREV_PERM = ("P1", "P2", "P3", "P4", "Z1")
SEX_ADOPTER = ("M1", "F1", "MM", "FF", "MF")
LS_ADOPTER = ("L0", "L11", "L12", "L2", "L3", "L4")
REASON_PLACED_CEASED = ("RD1", "RD2", "RD3", "RD4")
SW_REASONS = (
    "MANAGE",
    "FCONTA",
    "LEFTRL",
    "ORGRST",
    "TSPROC",
    "ABSENC",
    "CHCHAN",
    "PCCHAN",
    "SWDIED",
    "OTHERS",
)
SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}  # 1/2 to 2024, M/F/U from 2025
MISSING_KINDS = {"M": "missing", "A": "absent"}
ACCOM_SUITABLE = {"1": "Y", "2": "N"}


def _codes(choices) -> tuple[str, ...]:
    return tuple(choices.values)


# -- the tables ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = "text"  # text, id, date, code, int
    codes: tuple[str, ...] = ()
    # The row is left out when this value is unusable (not guessed), or blank when the table `needs` it;
    # any other unusable value is stored blank and reported.
    required: bool = False
    stored: bool = True  # the record model holds it
    max_length: int | None = None


@dataclass(frozen=True)
class Table:
    name: str
    signature: str  # the column that identifies the table from its header
    columns: tuple[Col, ...]
    needs: tuple[str, ...]  # header columns without which the table cannot be read (blocking)
    held: bool = True  # the record model has a place for this table
    doc: str = ""

    def col(self, name: str) -> Col | None:
        return next((c for c in self.columns if c.name == name), None)


CHILD = Col("CHILD", "id", required=True)
DOB_NOT_STORED = Col("DOB", "date", stored=False)  # the header's DOB is the one stored

TABLES: tuple[Table, ...] = (
    Table(
        "header",
        "ETHNIC",
        (
            CHILD,
            Col("SEX", "code", tuple(SEX_CODES), required=True),
            Col("DOB", "date"),
            Col("ETHNIC", "code", _codes(Ethnicity)),
            Col("UPN", stored=False),
            Col("MOTHER", "code", YES_NO, stored=False),
            Col("MC_DOB", "date", stored=False),
        ),
        needs=("CHILD", "SEX"),
    ),
    Table(
        "uasc",
        "DUC",
        (CHILD, Col("SEX", "code", tuple(SEX_CODES), stored=False), DOB_NOT_STORED, Col("DUC", "date")),
        needs=("CHILD",),
    ),
    Table(
        "episodes",
        "DECOM",
        (
            CHILD,
            Col("DECOM", "date", required=True),
            Col("RNE", "code", _codes(ReasonNewEpisode), required=True),
            Col("LS", "code", _codes(LegalStatus)),
            Col("CIN", "code", _codes(CategoryOfNeed)),
            Col("PLACE", "code", _codes(PlacementType)),
            Col("PLACE_PROVIDER", "code", _codes(PlacementProvider)),
            Col("DEC", "date", required=True),  # a bad DEC is not guessed: the episode is left out
            Col("REC", "code", _codes(ReasonCeased)),
            Col("REASON_PLACE_CHANGE", "code", _codes(ReasonPlacementChange)),
            Col("HOME_POST", stored=False),
            Col("PL_POST", max_length=10),
            Col("URN", stored=False),
        ),
        needs=("CHILD", "DECOM", "RNE"),
    ),
    Table(
        "reviews",
        "REVIEW",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("REVIEW", "date", required=True),
            Col("REVIEW_CODE", "code", _codes(Participation)),
        ),
        needs=("CHILD", "REVIEW"),
    ),
    Table(
        "missing",
        "MIS_START",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("MISSING", "code", tuple(MISSING_KINDS), required=True),
            Col("MIS_START", "date", required=True),
            Col("MIS_END", "date", required=True),
        ),
        needs=("CHILD", "MISSING", "MIS_START"),
    ),
    Table(
        "oc3",
        "IN_TOUCH",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("IN_TOUCH", "code", _codes(InTouch)),
            Col("ACTIV", "code", _codes(Activity)),
            Col(
                "ACCOM",
                "code",
                ("0", *(f"{a}{s}" for a in _codes(Accommodation) for s in ACCOM_SUITABLE)),
            ),
        ),
        needs=("CHILD",),
    ),
    Table(
        "ad1",
        "DATE_INT",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("DATE_INT", "date", required=True),
            Col("DATE_MATCH", "date", required=True),
            Col("FOSTER_CARE", "code", YES_NO, stored=False),
            Col("NB_ADOPTR", "int", stored=False),
            Col("SEX_ADOPTR", "code", SEX_ADOPTER, stored=False),
            Col("LS_ADOPTR", "code", LS_ADOPTER, stored=False),
        ),
        needs=("CHILD",),
    ),
    Table(
        "placed_for_adoption",
        "DATE_PLACED",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("DATE_PLACED", "date", required=True),
            Col("DATE_PLACED_CEASED", "date", required=True),
            Col("REASON_PLACED_CEASED", "code", REASON_PLACED_CEASED),
        ),
        needs=("CHILD",),
    ),
    Table(
        "oc2",
        "SDQ_SCORE",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("SDQ_SCORE", "int", stored=False),
            Col("SDQ_REASON", "code", SDQ_REASONS, stored=False),
            *(
                Col(name, "code", YES_NO, stored=False)
                for name in (
                    "CONVICTED",
                    "HEALTH_CHECK",
                    "IMMUNISATIONS",
                    "TEETH_CHECK",
                    "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE",
                    "INTERVENTION_RECEIVED",
                    "INTERVENTION_OFFERED",
                )
            ),
        ),
        needs=("CHILD",),
        held=False,
        doc="OC2 outcomes (SDQ, convictions, health checks, substance misuse): the record model has no "
        "field for them (health_assessments needs a completed date, OC2 gives a yes/no)",
    ),
    Table(
        "previous_permanence",
        "PREV_PERM",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("PREV_PERM", "code", PREV_PERM, stored=False),
            Col("LA_PERM", stored=False),
            Col("DATE_PERM", "date", stored=False),
        ),
        needs=("CHILD",),
        held=False,
        doc="previous permanence: the record model has no field for it",
    ),
    Table(
        "sw_episodes",
        "SW_ID",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("SW_ID", stored=False),
            Col("SW_DECOM", "date", stored=False),
            Col("SW_DEC", "date", stored=False),
            Col("SW_REASON", "code", SW_REASONS, stored=False),
        ),
        needs=("CHILD",),
        held=False,
        doc="social-worker episodes: an allocation needs a team and a worker row (name, team) that the "
        "903 does not give",
    ),
    Table(
        "dolo",
        "DOLO_START",
        (
            CHILD,
            DOB_NOT_STORED,
            Col("DOLO_START", "date", stored=False),
            Col("DOLO_END", "date", stored=False),
        ),
        needs=("CHILD",),
        held=False,
        doc="deprivation of liberty orders: the record model has no field for them",
    ),
)
BY_TABLE = {t.name: t for t in TABLES}


# -- cells -----------------------------------------------------------------------------------------------


class Bad(Exception):
    """A value that cannot be used; the message is the reason."""


_DMY = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_INT = re.compile(r"^[0-9]+$")


def parse_date(text: str) -> date:
    if m := _DMY.match(text):
        d, mth, y = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        y, mth, d = (int(g) for g in m.groups())
    else:
        raise Bad("not a date (DD/MM/YYYY)")
    try:
        value = date(y, mth, d)
    except ValueError:
        raise Bad("not a valid date (DD/MM/YYYY)") from None
    if not 1900 <= value.year <= 2100:
        raise Bad(f"year {value.year} is outside 1900-2100")
    return value


def parse_cell(col: Col, text: str):
    if not text.isprintable():
        raise Bad("contains a control character or a line break")
    if col.kind == "id":
        if len(text) > MAX_ID or not ID_RE.match(text):
            raise Bad(f"not a usable child ID (letters, digits, '-', '_', '.'; at most {MAX_ID} characters)")
        return text
    if col.kind == "date":
        return parse_date(text)
    if col.kind == "code":
        if text in col.codes:
            return text
        if text.upper() in col.codes:
            return text.upper()
        raise Bad("not a code of any collection year 2017-2026; allowed: " + ", ".join(col.codes))
    if col.kind == "int":
        if not _INT.match(text):
            raise Bad("not a whole number")
        return int(text)
    if col.max_length is not None and len(text) > col.max_length:
        raise Bad(f"longer than {col.max_length} characters")
    return text


# -- reading the set ---------------------------------------------------------------------------------------


@dataclass
class Read:
    """One 903 table as read: usable rows (line, typed values) and the rows left out."""

    table: Table
    file: str
    rows: list[tuple[int, dict]] = field(default_factory=list)
    seen: int = 0
    left_out: int = 0
    # The XML form holds every table in one file: its counts are kept per table ("file.xml: episodes").
    label: str = ""

    @property
    def counted_as(self) -> str:
        return self.label or self.file


def collection_year_end(d: date) -> date:
    """The 31 March ending the collection year that holds D."""
    return date(d.year if (d.month, d.day) <= (3, 31) else d.year + 1, 3, 31)


def birthday_in_year(dob: date, year_end: date) -> date:
    """The child's birthday in the collection year ending on year_end (29 February -> 28 February)."""
    y = year_end.year - 1 if (dob.month, dob.day) >= (4, 1) else year_end.year
    try:
        return dob.replace(year=y)
    except ValueError:
        return date(y, 2, 28)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _compact(d: date) -> str:
    return d.strftime("%Y%m%d")


class Ssda903:
    """Reads an SSDA903 CSV set and fills a Translation. Problems go to `report`: blocking ones with add(),
    the rest with warn()."""

    format = "ssda903"
    label = "SSDA903 return"

    def __init__(self, report: BundleReport, *, year: int | None = None, progress: Progress | None = None):
        self.report = report
        self.year_end = date(year, 3, 31) if year else None
        self.progress = progress
        self.reads: dict[str, Read] = {}
        self._db_children: set[str] | None = None
        # The XML form: a row's "line" is its record's number; where each record is (line, path, child path).
        self._places: dict[str, list[tuple[int | None, str, str]]] = {}

    # == files ===============================================================================================

    def translate(self, paths: Iterable[str | Path]) -> Translation:
        files = self._files(paths)
        for path in files:
            if looks_like_xml(path):
                self._read_xml(path)
            else:
                self._read_file(path)
        if not self.reads and not self.report.ok:
            raise BundleAbort("the return cannot be read")
        if not self.reads:
            self._abort(
                "none of the files is an SSDA903 table (no header row with CHILD and DECOM, ETHNIC, ...)"
            )
        if not self.report.ok:
            raise BundleAbort("the return cannot be read")
        for r in self.reads.values():
            self.report.count(r.counted_as, rows=r.seen)
            if not r.table.held:
                self.report.warn(
                    r.file, None, "", "", f"{r.seen} row(s) checked and not stored: {r.table.doc}"
                )
        t = Translation()
        self._translate(t)
        for r in self.reads.values():
            self.report.counts[r.counted_as]["left_out"] = r.left_out
        self._place_xml_records(t)
        return t

    def _abort(self, reason: str) -> None:
        self.report.add("", None, "", "", reason)
        raise BundleAbort(reason)

    def _files(self, paths: Iterable[str | Path]) -> list[Path]:
        out = list_files(self.report, paths, (".csv", ".xml"))
        if not out:
            self._abort("no .csv or .xml files to read")
        return out

    def _read_file(self, path: Path) -> None:
        fn = path.name
        limit = settings.BUNDLE_MAX_ENTRY_BYTES
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:
            self.report.add(fn, None, "", "", f"cannot open the file: {e.strerror}")
            return
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            self.report.add(fn, None, "", "", "not a regular file; refused")
            return
        total = info.st_size
        raw = open(fd, "rb")  # noqa: SIM115 - closed with the buffered stream
        capped = _CappedStream(raw, limit, fn)
        read: Read | None = None
        try:
            with io.BufferedReader(capped, buffer_size=256 * 1024) as stream:
                rows = read_csv(stream)
                first = next(rows, None)
                if first is None:
                    self.report.warn(fn, None, "", "", "empty file; not read")
                    return
                line, header = first
                read = self._header(fn, line, header)
                if read is None:
                    return
                names = [h.strip().upper() for h in header]
                for line, values in rows:
                    read.seen += 1
                    self._row(read, names, line, values)
                    if self.progress and read.seen % PROGRESS_EVERY == 0:
                        self.progress(fn, read.seen, capped.count, total)
        except CsvReadError as e:
            self.report.add(fn, e.line, "", "", e.reason)
            return
        except OSError as e:
            self.report.add(fn, None, "", "", f"cannot read the file: {e}")
            return
        if self.progress and read is not None:
            self.progress(fn, read.seen, total, total)

    def _header(self, fn: str, line: int, header: list[str]) -> Read | None:
        names = [h.strip().upper() for h in header]
        matches = [t for t in TABLES if t.signature in names]
        if not matches:
            self.report.add(
                fn,
                line,
                "",
                "",
                "not an SSDA903 table: its header has none of the tables' columns ("
                + ", ".join(f"{t.signature} for {t.name}" for t in TABLES)
                + ")",
            )
            return None
        if len(matches) > 1:
            self.report.add(
                fn, line, "", "", "the header mixes tables: " + ", ".join(t.name for t in matches)
            )
            return None
        table = matches[0]
        if table.name in self.reads:
            self.report.add(
                fn,
                line,
                "",
                "",
                f"a second {table.name} table (the first is {self.reads[table.name].file}); give one file per table",
            )
            return None
        for name in table.needs:
            if name not in names:
                self.report.add(fn, line, name, "", f"the {table.name} table needs this column")
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            self.report.add(fn, line, twice[0], twice[0], "column appears twice in the header")
        self._column_warnings(fn, line, table, names)
        if not self.report.ok and any(e.file == fn for e in self.report.errors):
            return None
        read = Read(table, fn)
        self.reads[table.name] = read
        return read

    def _column_warnings(self, fn: str, line: int | None, table: Table, names: list[str]) -> None:
        unknown = [h for h in names if table.col(h) is None]
        if unknown:
            self.report.warn(
                fn,
                line,
                unknown[0],
                ", ".join(unknown),
                f"not a column of the 903 {table.name} table; not read",
            )
        not_stored = [c.name for c in table.columns if not c.stored and c.name in names]
        if table.held and not_stored:
            self.report.warn(
                fn,
                line,
                not_stored[0],
                ", ".join(not_stored),
                "checked and not stored: the record model has no field for these columns",
            )

    # == the XML form ========================================================================================

    def _read_xml(self, path: Path) -> None:
        """The XML form, checked against the 903 XSD when STATUTORY_SCHEMA_DIR has one, regrouped into the CSV
        tables' rows (ssda903_xml) and read by the same `_row` as a CSV file."""
        fn = path.name
        try:
            tree = read_xml(path)
        except XmlRefused as e:
            self.report.add(fn, e.line, "", "", e.reason)
            return
        root = tree.getroot()
        name = local(root.tag)
        if name == "Message":
            self.report.add(
                fn,
                1,
                "",
                "",
                "this is a CIN census XML, not an SSDA903 return; import it with --format cin_census",
            )
            return
        if name != "EXPSSDA903":
            self.report.add(
                fn,
                root.sourceline,
                "",
                "",
                f"not an SSDA903 XML return: the root element is <{name}>, not <EXPSSDA903>",
            )
            return
        xsd = find_schema("*CLA.xsd")
        if xsd is None:
            self.report.warn(
                fn,
                None,
                "",
                "",
                "no SSDA903 XSD in STATUTORY_SCHEMA_DIR (a file named *CLA.xsd); checked by the importer's own "
                "rules only",
            )
        else:
            try:
                errors = schema_errors(tree, load_schema(xsd))
            except XmlRefused as e:
                self.report.add(fn, None, "", "", e.reason)
                return
            for line, where, message in errors:
                self.report.add(fn, line, where, "", f"breaks the SSDA903 schema ({xsd.name}): {message}")
            if errors:
                return
        if self.progress:
            self.progress(fn, 0, 0, path.stat().st_size)
        reads: dict[str, Read] = {}
        names_of: dict[str, list[str]] = {}
        for table in ssda903_xml.ALWAYS:
            reads[table] = Read(BY_TABLE[table], fn, label=f"{fn}: {table}")
        places = self._places.setdefault(fn, [])
        unread: dict[str, ssda903_xml.Unread] = {}
        counted: dict[str, int] = {}
        children = 0
        for row in ssda903_xml.rows(root):
            if isinstance(row, ssda903_xml.Unread):
                if row.name not in unread:
                    unread[row.name] = row
                counted[row.name] = counted.get(row.name, 0) + 1
                continue
            read = reads.get(row.table)
            if read is None:
                read = reads[row.table] = Read(BY_TABLE[row.table], fn, label=f"{fn}: {row.table}")
            names_of.setdefault(row.table, row.names)
            places.append((row.line, row.path, row.child_path))
            read.seen += 1
            children += row.table == "header"
            self._row(read, row.names, len(places), row.values)
        for table, read in reads.items():
            if table in self.reads:
                self.report.add(
                    fn,
                    None,
                    "",
                    "",
                    f"a second {table} table (the first is {self.reads[table].file}); give the return once",
                )
                continue
            self.reads[table] = read
            # The header's DOB is copied into the tables that carry one in the CSV set: not the XML's own.
            names = [n for n in names_of.get(table, ()) if table == "header" or n != "DOB"]
            self._column_warnings(fn, None, read.table, names)
        for name, u in unread.items():
            self.report.warn(
                fn,
                u.line,
                u.path,
                "",
                f"{name}: {counted[name]} element(s) not read: not an element of the 903",
            )
        if self.progress:
            size = path.stat().st_size
            self.progress(fn, children, size, size)

    def _place(self, fn: str, line: int) -> str:
        """Where a row is, for a message: its line in a CSV file, its element in the XML form."""
        places = self._places.get(fn)
        if places is None:
            return f"line {line}"
        at, path, _ = places[line - 1]
        return f"{path} (line {at})"

    def _place_xml_records(self, t: Translation) -> None:
        """Point every warning and error on the XML form's records, and every translated row's origin, at the
        record's line and the element's path (CHILD[3]/EPISODE[2]/DEC) instead of the record's number."""
        if not self._places:
            return

        def where(fn: str, row: int | None, column: str) -> tuple[int | None, str]:
            places = self._places.get(fn)
            if places is None or row is None or not 1 <= row <= len(places):
                return row, column
            at, path, child_path = places[row - 1]
            if column == "CHILD":
                return at, child_path
            return at, f"{path}/{ssda903_xml.XML_NAME.get(column, column)}" if column else path

        def moved(problems):
            out = []
            for e in problems:
                line, column = where(e.file, e.row, e.column)
                out.append(type(e)(e.file, line, column, e.value, e.reason))
            return out

        self.report.warnings = moved(self.report.warnings)
        self.report.errors = moved(self.report.errors)
        for table in t.tables.values():
            for i, (fn, row, columns) in enumerate(table.origins):
                if fn in self._places:
                    line, _ = where(fn, row, "")
                    table.origins[i] = (fn, line, {k: where(fn, row, v)[1] for k, v in columns.items()})

    def _row(self, read: Read, names: list[str], line: int, values: list[str]) -> None:
        table, fn = read.table, read.file
        if len(values) != len(names):
            self.report.warn(
                fn, line, "", "", f"row not imported: {len(values)} values but the header has {len(names)}"
            )
            read.left_out += 1
            return
        row: dict = {}
        for name, text in zip(names, values, strict=True):
            col = table.col(name)
            if col is None:
                continue
            text = text.strip()
            if not text:
                if col.required and col.name in table.needs:
                    self.report.warn(fn, line, name, "", "row not imported: required value is blank")
                    read.left_out += 1
                    return
                row[name] = None
                continue
            try:
                row[name] = parse_cell(col, text)
            except Bad as e:
                if col.required:
                    self.report.warn(fn, line, name, text, f"row not imported: {e}")
                    read.left_out += 1
                    return
                what = "stored blank" if (col.stored and table.held) else "not stored"
                self.report.warn(fn, line, name, text, f"value {what}: {e}")
                row[name] = None
        read.rows.append((line, row))

    # == translation ==========================================================================================

    def _known_children(self, ids: Iterable[str]) -> set[str]:
        if self._db_children is None:
            from apps.people.models import Child

            self._db_children = set(Child.objects.values_list("child_id", flat=True))
        return self._db_children & set(ids)

    def _for_known_children(self, name: str, children: set[str]) -> list[tuple[int, dict]]:
        """The table's rows whose child is in the return's header or already in the database."""
        r = self.reads[name]
        wanted = {row["CHILD"] for _, row in r.rows} - children
        known = children | self._known_children(wanted)
        kept = []
        for line, row in r.rows:
            if row["CHILD"] in known:
                kept.append((line, row))
            else:
                self.report.warn(
                    r.file,
                    line,
                    "CHILD",
                    row["CHILD"],
                    "row not imported: no such child in the header table or the database",
                )
                r.left_out += 1
        return kept

    def _translate(self, t: Translation) -> None:
        children = self._children(t)
        for r in self.reads.values():
            if not r.table.held:
                self._for_known_children(r.table.name, children)  # reported; nothing is stored
        if "episodes" in self.reads:
            self._episodes(t, children)
        if "reviews" in self.reads:
            self._reviews(t, children)
        if "missing" in self.reads:
            self._missing(t, children)
        if "oc3" in self.reads:
            self._care_leavers(t, children)
        if "ad1" in self.reads or "placed_for_adoption" in self.reads:
            self._adoptions(t, children)

    def _dedupe(self, r: Read, rows, key: Callable[[dict], tuple], what: str):
        first: dict[tuple, int] = {}
        out = []
        for line, row in rows:
            k = key(row)
            if k in first:
                self.report.warn(
                    r.file,
                    line,
                    "CHILD",
                    row["CHILD"],
                    f"row not imported: {what} (first on {self._place(r.file, first[k])})",
                )
                r.left_out += 1
                continue
            first[k] = line
            out.append((line, row))
        return out

    def _children(self, t: Translation) -> set[str]:
        if "header" not in self.reads:
            if "uasc" in self.reads:
                u = self.reads["uasc"]
                self.report.warn(
                    u.file,
                    None,
                    "",
                    "",
                    "table not imported: UASC status is stored on the children of the "
                    "header table, and the return has none",
                )
                u.left_out += len(u.rows)
            return set()
        r = self.reads["header"]
        rows = self._dedupe(r, r.rows, lambda row: (row["CHILD"],), "the child is in the header twice")
        uasc: dict[str, tuple[int, dict]] = {}
        columns = ["child_id", "sex", "date_of_birth", "ethnicity"]
        if "uasc" in self.reads:
            u = self.reads["uasc"]
            header_ids = {row["CHILD"] for _, row in rows}
            for line, row in self._for_known_children("uasc", header_ids):
                if row["CHILD"] in uasc:
                    self.report.warn(
                        u.file, line, "CHILD", row["CHILD"], "row not imported: the child is listed twice"
                    )
                    u.left_out += 1
                    continue
                uasc[row["CHILD"]] = (line, row)
            columns += ["uasc", "uasc_ceased_date"]
            outside = sorted(set(uasc) - header_ids)
            for child in outside:
                line, _ = uasc[child]
                self.report.warn(
                    u.file,
                    line,
                    "CHILD",
                    child,
                    "row not imported: the child is not in this return's header (stored children keep "
                    "their UASC status)",
                )
                u.left_out += 1
        t.table("children", columns)
        origin = {"child_id": "CHILD", "sex": "SEX", "date_of_birth": "DOB", "ethnicity": "ETHNIC"}
        for line, row in rows:
            values = {
                "child_id": row["CHILD"],
                "sex": SEX_CODES[row["SEX"]],
                "date_of_birth": _iso(row.get("DOB")),
                "ethnicity": row.get("ETHNIC") or "",
            }
            if "uasc" in self.reads:
                hit = uasc.get(row["CHILD"])
                values["uasc"] = "Y" if hit else "N"
                values["uasc_ceased_date"] = _iso(hit[1].get("DUC")) if hit else ""
            t.add("children", values, file=r.file, line=line, columns=origin)
        return {row["CHILD"] for _, row in rows}

    def _episodes(self, t: Translation, children: set[str]) -> None:
        r = self.reads["episodes"]
        rows = self._for_known_children("episodes", children)
        rows = self._dedupe(
            r,
            rows,
            lambda row: (row["CHILD"], row["DECOM"]),
            "the child already has an episode with this DECOM",
        )
        by_child: dict[str, list[tuple[int, dict]]] = {}
        for line, row in rows:
            if row.get("DEC") and row["DEC"] < row["DECOM"]:
                self.report.warn(
                    r.file, line, "DEC", _iso(row["DEC"]), "row not imported: DEC is before DECOM"
                )
                r.left_out += 1
                continue
            by_child.setdefault(row["CHILD"], []).append((line, dict(row)))
        t.table(
            "care_episodes",
            [
                "episode_id",
                "child_id",
                "start_date",
                "rne",
                "legal_status",
                "category_of_need",
                "placement_type",
                "placement_provider",
                "placement_postcode",
                "end_date",
                "reason_ceased",
                "reason_placement_change",
            ],
        )
        origin = {
            "episode_id": "DECOM",
            "child_id": "CHILD",
            "start_date": "DECOM",
            "rne": "RNE",
            "legal_status": "LS",
            "category_of_need": "CIN",
            "placement_type": "PLACE",
            "placement_provider": "PLACE_PROVIDER",
            "placement_postcode": "PL_POST",
            "end_date": "DEC",
            "reason_ceased": "REC",
            "reason_placement_change": "REASON_PLACE_CHANGE",
        }
        out = []
        for episodes in by_child.values():
            episodes.sort(key=lambda e: e[1]["DECOM"])
            for i, (line, ep) in enumerate(episodes):
                self._repair(r.file, line, ep, episodes[i + 1][1] if i + 1 < len(episodes) else None)
                out.append((line, ep))
        out.sort(key=lambda e: e[0])  # the file's order, so the report and the loader read alike
        self._against_stored(r.file, out)
        for line, ep in out:
            t.add(
                "care_episodes",
                {
                    "episode_id": f"{ep['CHILD']}-{_compact(ep['DECOM'])}",
                    "child_id": ep["CHILD"],
                    "start_date": _iso(ep["DECOM"]),
                    "rne": ep["RNE"],
                    "legal_status": ep.get("LS") or "",
                    "category_of_need": ep.get("CIN") or "",
                    "placement_type": ep.get("PLACE") or "",
                    "placement_provider": ep.get("PLACE_PROVIDER") or "",
                    "placement_postcode": ep.get("PL_POST") or "",
                    "end_date": _iso(ep.get("DEC")),
                    "reason_ceased": ep.get("REC") or "",
                    "reason_placement_change": ep.get("REASON_PLACE_CHANGE") or "",
                },
                file=r.file,
                line=line,
                columns=origin,
            )

    def _against_stored(self, fn: str, episodes: list[tuple[int, dict]]) -> None:
        """Report (not change) a stored episode that this return does not carry and that overlaps one it does:
        an upsert never deletes, so an episode whose DECOM a later return corrected stays beside the new one."""
        from apps.care.models import CareEpisode

        if not episodes or not CareEpisode.objects.exists():
            return
        ours = {f"{ep['CHILD']}-{_compact(ep['DECOM'])}" for _, ep in episodes}
        stored: dict[str, list[tuple[str, date, date | None]]] = {}
        rows = CareEpisode.objects.filter(child__child_id__in={ep["CHILD"] for _, ep in episodes})
        for episode_id, child, start, end in rows.values_list(
            "episode_id", "child__child_id", "start_date", "end_date"
        ).order_by():
            if episode_id not in ours:
                stored.setdefault(child, []).append((episode_id, start, end))
        for line, ep in episodes:
            end = ep.get("DEC") or date.max
            for episode_id, s_start, s_end in stored.get(ep["CHILD"], ()):
                if s_start < end and ep["DECOM"] < (s_end or date.max):
                    shown = f"{s_start:%d/%m/%Y}-{s_end:%d/%m/%Y}" if s_end else f"{s_start:%d/%m/%Y}, open"
                    self.report.warn(
                        fn,
                        line,
                        "DECOM",
                        f"{ep['DECOM']:%d/%m/%Y}",
                        f"kept as stored: episode {episode_id} ({shown}), from an earlier import and not in "
                        "this return, overlaps this episode; an import never deletes, so remove or correct "
                        "it at its source",
                    )

    def _repair(self, fn: str, line: int, ep: dict, following: dict | None) -> None:
        """The documented episode repairs (module docstring), in place, each reported."""
        dec = ep.get("DEC")
        if following is not None:
            nxt = following["DECOM"]
            if dec is None:
                ep["DEC"] = nxt
                added = "" if ep.get("REC") else " and REC X1 (care continues)"
                ep["REC"] = ep.get("REC") or "X1"
                self.report.warn(
                    fn,
                    line,
                    "DEC",
                    "",
                    f"repaired: an open episode followed by a later one (DECOM {nxt:%d/%m/%Y}) ends where that "
                    f"one begins: DEC set to {nxt:%d/%m/%Y}{added}",
                )
            elif dec > nxt:
                ep["DEC"] = nxt
                self.report.warn(
                    fn,
                    line,
                    "DEC",
                    f"{dec:%d/%m/%Y}",
                    f"repaired: overlaps the next episode (DECOM {nxt:%d/%m/%Y}): DEC set to {nxt:%d/%m/%Y}",
                )
            end = ep.get("DEC")
            if end is not None and end < nxt and ep.get("REC") == "X1":
                self.report.warn(
                    fn,
                    line,
                    "REC",
                    "X1",
                    f"kept as recorded: ended X1 (care continues) on {end:%d/%m/%Y} but the next episode starts "
                    f"on {nxt:%d/%m/%Y}; held as a period of care ending on DEC and a new one beginning",
                )
        if ep.get("DEC") is None and ep.get("REC"):
            self.report.warn(
                fn,
                line,
                "REC",
                ep["REC"],
                "repaired: an open episode (no DEC) has no reason it ceased: REC dropped",
            )
            ep["REC"] = None
        if following is None and ep.get("DEC") is not None and ep.get("REC") == "X1":
            self.report.warn(
                fn,
                line,
                "REC",
                "X1",
                "kept as recorded: the child's last episode ended with X1 (care continues) and no episode "
                "follows in this return; the child is not looked after from DEC",
            )

    def _reviews(self, t: Translation, children: set[str]) -> None:
        r = self.reads["reviews"]
        rows = self._for_known_children("reviews", children)
        rows = self._dedupe(
            r, rows, lambda row: (row["CHILD"], row["REVIEW"]), "the child already has a review on this date"
        )
        t.table("cla_reviews", ["review_id", "child_id", "review_date", "participation"])
        origin = {
            "review_id": "REVIEW",
            "child_id": "CHILD",
            "review_date": "REVIEW",
            "participation": "REVIEW_CODE",
        }
        for line, row in rows:
            t.add(
                "cla_reviews",
                {
                    "review_id": f"{row['CHILD']}-R{_compact(row['REVIEW'])}",
                    "child_id": row["CHILD"],
                    "review_date": _iso(row["REVIEW"]),
                    "participation": row.get("REVIEW_CODE") or "",
                },
                file=r.file,
                line=line,
                columns=origin,
            )

    def _missing(self, t: Translation, children: set[str]) -> None:
        r = self.reads["missing"]
        rows = self._for_known_children("missing", children)
        rows = self._dedupe(
            r,
            rows,
            lambda row: (row["CHILD"], row["MIS_START"]),
            "the child already has a missing episode starting on this date",
        )
        t.table("missing_episodes", ["episode_id", "child_id", "kind", "start_date", "end_date", "from_care"])
        origin = {
            "episode_id": "MIS_START",
            "child_id": "CHILD",
            "kind": "MISSING",
            "start_date": "MIS_START",
            "end_date": "MIS_END",
            "from_care": "CHILD",
        }
        for line, row in rows:
            if row.get("MIS_END") and row["MIS_END"] < row["MIS_START"]:
                self.report.warn(
                    r.file,
                    line,
                    "MIS_END",
                    _iso(row["MIS_END"]),
                    "row not imported: MIS_END is before MIS_START",
                )
                r.left_out += 1
                continue
            t.add(
                "missing_episodes",
                {
                    "episode_id": f"{row['CHILD']}-M{_compact(row['MIS_START'])}",
                    "child_id": row["CHILD"],
                    "kind": MISSING_KINDS[row["MISSING"]],
                    "start_date": _iso(row["MIS_START"]),
                    "end_date": _iso(row.get("MIS_END")),
                    # The 903 records missing episodes of looked-after children only.
                    "from_care": "Y",
                },
                file=r.file,
                line=line,
                columns=origin,
            )

    def _year_end(self) -> date | None:
        if self.year_end is None and "episodes" in self.reads:
            starts = [row["DECOM"] for _, row in self.reads["episodes"].rows]
            if starts:
                self.year_end = collection_year_end(max(starts))
        return self.year_end

    def _care_leavers(self, t: Translation, children: set[str]) -> None:
        r = self.reads["oc3"]
        year_end = self._year_end()
        if year_end is None:
            self.report.warn(
                r.file,
                None,
                "",
                "",
                "table not imported: the collection year is not known (no episodes); give --year",
            )
            r.left_out += len(r.rows)
            return
        dobs = {}
        if "header" in self.reads:
            dobs = {row["CHILD"]: row.get("DOB") for _, row in self.reads["header"].rows}
        rows = self._for_known_children("oc3", children)
        rows = self._dedupe(r, rows, lambda row: (row["CHILD"],), "the child is in OC3 twice")
        t.table(
            "care_leavers",
            ["child_id", "status_date", "in_touch", "activity", "accommodation", "accommodation_suitable"],
        )
        origin = {
            "child_id": "CHILD",
            "status_date": "DOB",
            "in_touch": "IN_TOUCH",
            "activity": "ACTIV",
            "accommodation": "ACCOM",
            "accommodation_suitable": "ACCOM",
        }
        for line, row in rows:
            dob = dobs.get(row["CHILD"]) or row.get("DOB")
            if dob is None:
                self.report.warn(
                    r.file, line, "DOB", "", "row not imported: no date of birth to date the status by"
                )
                r.left_out += 1
                continue
            accom = row.get("ACCOM") or "0"
            t.add(
                "care_leavers",
                {
                    "child_id": row["CHILD"],
                    "status_date": _iso(birthday_in_year(dob, year_end)),
                    "in_touch": row.get("IN_TOUCH") or "",
                    "activity": row.get("ACTIV") or "",
                    "accommodation": "" if accom == "0" else accom[0],
                    "accommodation_suitable": "" if accom == "0" else ACCOM_SUITABLE[accom[1]],
                },
                file=r.file,
                line=line,
                columns=origin,
            )

    def _adoptions(self, t: Translation, children: set[str]) -> None:
        merged: dict[str, dict] = {}
        origins: dict[str, tuple[str, int, dict]] = {}
        columns: list[str] = ["child_id"]
        if "ad1" in self.reads:
            r = self.reads["ad1"]
            rows = self._dedupe(
                r,
                self._for_known_children("ad1", children),
                lambda row: (row["CHILD"],),
                "the child is in AD1 twice",
            )
            columns += ["decision_date", "matched_date"]
            for line, row in rows:
                merged[row["CHILD"]] = {
                    "child_id": row["CHILD"],
                    "decision_date": _iso(row.get("DATE_INT")),
                    "matched_date": _iso(row.get("DATE_MATCH")),
                }
                origins[row["CHILD"]] = (
                    r.file,
                    line,
                    {"child_id": "CHILD", "decision_date": "DATE_INT", "matched_date": "DATE_MATCH"},
                )
        if "placed_for_adoption" in self.reads:
            r = self.reads["placed_for_adoption"]
            rows = self._dedupe(
                r,
                self._for_known_children("placed_for_adoption", children),
                lambda row: (row["CHILD"],),
                "the child is in this table twice",
            )
            if "decision_date" not in columns:
                columns.append("decision_date")
            columns += ["no_longer_placed_date", "no_longer_placed_reason"]
            for line, row in rows:
                entry = merged.setdefault(row["CHILD"], {"child_id": row["CHILD"]})
                placed = _iso(row.get("DATE_PLACED"))
                if entry.get("decision_date") and placed and entry["decision_date"] != placed:
                    self.report.warn(
                        r.file,
                        line,
                        "DATE_PLACED",
                        f"{row['DATE_PLACED']:%d/%m/%Y}",
                        "differs from AD1's DATE_INT; AD1's date is stored as the decision date",
                    )
                if not entry.get("decision_date"):
                    entry["decision_date"] = placed
                entry["no_longer_placed_date"] = _iso(row.get("DATE_PLACED_CEASED"))
                entry["no_longer_placed_reason"] = row.get("REASON_PLACED_CEASED") or ""
                if row["CHILD"] not in origins:
                    origins[row["CHILD"]] = (
                        r.file,
                        line,
                        {"child_id": "CHILD", "decision_date": "DATE_PLACED"},
                    )
                file, _, cols = origins[row["CHILD"]]
                if file == r.file:
                    cols.update(
                        no_longer_placed_date="DATE_PLACED_CEASED",
                        no_longer_placed_reason="REASON_PLACED_CEASED",
                    )
        t.table("adoptions", columns)
        for child, values in merged.items():
            file, line, cols = origins[child]
            t.add("adoptions", values, file=file, line=line, columns=cols)
