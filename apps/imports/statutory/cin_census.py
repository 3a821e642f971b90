"""The DfE Children in Need census (XML, every collection year 2017-2026) translated into the bundle's records.

The file is read safely (apps/imports/statutory/xml.py: no DOCTYPE, no entity, no network, a size cap) and
checked against the DfE's XSD for its year when one is found in STATUTORY_SCHEMA_DIR (`*CIN_schema_<year>.xsd`):
a file that breaks its year's schema is refused with the schema's reason and line, and nothing is written.
The year is the year of Header/CollectionDetails/ReferenceDate (the census date, 31 March, after which the DfE
names the census and its schema), else Header/CollectionDetails/Year, else `--year`; `--year` overrides both.
With no XSD for the year the import says so (a warning) and goes on with its own checks, which are the code
lists of every year (so a code valid in its year is never refused):
  GenderCurrent 1/2/0/9 (to 2024) and Sex M/F/U (2025 on); yes/no as 0/1 or true/false (both spellings, any
  case); referral source 5D and closure reason RC9 (2024 on); any element the importer does not hold, such as
  2026's PreProceedingsandFGDM, is accepted and reported once per element name as not stored.

The census carries no record IDs. Each record's ID is made from the child's ID and the record's own date,
which the census holds once per child (as the 903's episodes are keyed by CHILD and DECOM), so re-importing
a file changes nothing and a later census updates the records it carries and keeps the others:
  referral  <child>-<CINreferralDate as YYYYMMDD>         assessment     <child>-A<AssessmentActualStartDate>
  CIN plan  <child>-P<CINPlanStartDate>                   S47 enquiry    <child>-S<S47ActualStartDate>
  CP plan   <child>-C<CPPstartDate>                       conferences    <child>-I<ICPC date>, <child>-V<review>
(an ID longer than the record model's 40 characters starts with a hash of the child's ID instead of the ID).

Mapping (census -> bundle):
  Child/ChildIdentifiers, ChildCharacteristics
            children: LAchildID -> child_id; GenderCurrent (1 M, 2 F, 0 U not recorded/unborn, 9 I indeterminate)
            or Sex (M, F, U) -> sex; PersonBirthDate, ExpectedPersonBirthDate, Ethnicity; Disabilities -> disability
            (Y when any Disability other than NONE, N when NONE alone, blank when none is given)
  CINdetails
            referrals: CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate, ReasonForClosure,
            ReferralNFA (0/false N, 1/true Y)
  Assessments
            assessments: AssessmentActualStartDate, AssessmentAuthorisationDate
  CINPlanDates
            cin_plans: CINPlanStartDate, CINPlanEndDate
  Section47
            s47_enquiries: S47ActualStartDate, ICPCnotRequired; with DateOfInitialCPC, an initial conference
            (conferences, kind initial, linked to the enquiry). CINdetails' own DateOfInitialCPC is the same
            conference when an enquiry names that date, else an initial conference of its own (no enquiry).
            An initial conference's plan_made is Y when the child has a CP plan starting on its date, else N.
  ChildProtectionPlans
            cp_plans: CPPstartDate, CPPendDate, InitialCategoryOfAbuse, LatestCategoryOfAbuse;
            Reviews/CPPreviewDate -> conferences (kind review), one per child and date
  Not stored (read, and reported once per element name): UPN, FormerUPN, UPNunknown, PersonDeathDate,
  AssessmentInternalReviewDate, FactorsIdentifiedAtAssessment (the record model has no place for assessment
  factors), InitialCPCtarget, NumberOfPreviousCPP, and any element the importer does not know.

Repairs (each a warning on its element's line), for what the record model cannot hold:
  1. Sex missing or not a code of any year: stored U (unknown), as the child needs a sex.
  2. PersonBirthDate after the day of the import: the child is not yet born; the date is held as the expected
     date of birth (unless one is given) and the date of birth left blank.
  3. A closure or end date before its start (CINclosureDate, AssessmentAuthorisationDate, CINPlanEndDate,
     CPPendDate): stored blank, the record kept.
  4. The same record twice (same child and date): the first is kept, the later left out.
What is left out, each named: a child whose LAchildID is missing or not a usable ID (and its records); a record
whose start date is missing or not a date (and, for a referral, the records under it). A value that is not
one of any year's codes, or not a date, is stored blank.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn

from apps.core.choices import Ethnicity
from apps.frontdoor.choices import ClosureReason, PrimaryNeed, ReferralSource
from apps.plans.choices import AbuseCategory

from ..bundle.errors import BundleAbort, BundleReport
from ..bundle.spec import ID_RE
from ..bundle.validate import today
from .base import Translation, list_files
from .xml import XmlRefused, find_schema, load_schema, local, read_xml, schema_errors

Progress = Callable[[str, int, int, int], None]
PROGRESS_EVERY = 5000
MAX_ID = 40
FIRST_YEAR, LAST_YEAR = 2017, 2026

SEX_CODES = {"1": "M", "2": "F", "0": "U", "9": "I", "M": "M", "F": "F", "U": "U"}
YES_NO = {"0": "N", "1": "Y", "FALSE": "N", "TRUE": "Y"}
DISABILITIES = ("NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")

# Elements the census defines that the record model has no place for: read, reported once per name.
NOT_STORED = {
    "UPN": "the record model holds no UPN",
    "FormerUPN": "the record model holds no UPN",
    "UPNunknown": "the record model holds no UPN",
    "PersonDeathDate": "the record model holds no date of death",
    "AssessmentInternalReviewDate": "the record model has no field for it",
    "FactorsIdentifiedAtAssessment": "the record model has no place for assessment factors",
    "InitialCPCtarget": "the target date is not stored (the conference's own date is)",
    "NumberOfPreviousCPP": "the record model counts previous plans from the plans it holds",
    "PreProceedingsandFGDM": "the 2026 pre-proceedings and family group decision-making module; the record "
    "model's proceedings have no place for its letters, meetings and outcome codes",
}

_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$")


class Bad(Exception):
    """A value that cannot be used; the message is the reason."""


def parse_date(text: str) -> date:
    """An xs:date (YYYY-MM-DD, a time zone allowed and ignored: the census dates are calendar days)."""
    m = _DATE.match(text)
    if not m:
        raise Bad("not a date (YYYY-MM-DD)")
    try:
        value = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Bad("not a valid date (YYYY-MM-DD)") from None
    if not 1900 <= value.year <= 2100:
        raise Bad(f"year {value.year} is outside 1900-2100")
    return value


def record_id(child: str, tag: str, d: date) -> str:
    """The deterministic ID of a child's record of one kind on one date (module docstring)."""
    rid = f"{child}-{tag}{d:%Y%m%d}"
    if len(rid) > MAX_ID:
        digest = hashlib.sha256(child.encode()).hexdigest()[: MAX_ID - len(tag) - 10]
        rid = f"{digest}-{tag}{d:%Y%m%d}"
    return rid


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


@dataclass
class _Unstored:
    count: int
    line: int | None
    path: str
    reason: str


class CinCensus:
    """Reads a CIN census XML file and fills a Translation. Problems go to `report`: blocking ones with add(),
    the rest with warn()."""

    format = "cin_census"
    label = "CIN census XML"

    def __init__(self, report: BundleReport, *, year: int | None = None, progress: Progress | None = None):
        self.report = report
        self.year = year
        self.progress = progress
        self.fn = ""
        self.read = 0
        self.left_out = 0
        self._unstored: dict[str, _Unstored] = {}
        self._today = today()

    # == the file ============================================================================================

    def translate(self, paths: Iterable[str | Path]) -> Translation:
        path = self._file(paths)
        self.fn = fn = path.name
        try:
            tree = read_xml(path)
        except XmlRefused as e:
            self._abort(e.reason, e.line)
        root = tree.getroot()
        name = local(root.tag)
        if name == "EXPSSDA903":
            self._abort("this is an SSDA903 XML return, not a CIN census; import it with --format ssda903", 1)
        children = next((c for c in root if local(c.tag) == "Children"), None)
        if name != "Message" or children is None:
            self._abort(
                f"not a CIN census: the root element is <{name}>, where the census has <Message> holding "
                "<Children>",
                root.sourceline,
            )
        self._validate(tree, root)
        if self.progress:
            size = path.stat().st_size
            self.progress(fn, 0, 0, size)
        t = Translation()
        self._translate(t, children, path)
        self.report.count(fn, rows=self.read)
        self.report.counts[fn]["left_out"] = self.left_out
        for name, u in self._unstored.items():
            self.report.warn(
                fn, u.line, u.path, "", f"{name}: {u.count} element(s) read and not stored: {u.reason}"
            )
        return t

    def _abort(self, reason: str, line: int | None = None) -> NoReturn:
        self.report.add(self.fn, line, "", "", reason)
        raise BundleAbort(reason)

    def _file(self, paths: Iterable[str | Path]) -> Path:
        found = list_files(self.report, paths, (".xml",))
        if not found:
            self._abort("no .xml file to read")
        if len(found) > 1:
            self._abort(
                "a CIN census is one file; give one at a time (found "
                + ", ".join(p.name for p in found)
                + ")"
            )
        return found[0]

    def _collection_year(self, root) -> int | None:
        """The census year (module docstring); a disagreement between Year and ReferenceDate is reported."""
        details = root.find("Header/CollectionDetails")
        named, by_date = None, None
        if details is not None:
            year_el, date_el = details.find("Year"), details.find("ReferenceDate")
            if year_el is not None and (year_el.text or "").strip().isdigit():
                named = int(year_el.text.strip())
            if date_el is not None:
                try:
                    by_date = parse_date((date_el.text or "").strip()).year
                except Bad:
                    pass
            if named and by_date and named != by_date:
                self.report.warn(
                    self.fn,
                    year_el.sourceline,
                    "Year",
                    str(named),
                    f"the Year differs from the ReferenceDate's year ({by_date}); the census is taken to be "
                    f"{self.year or by_date}'s (the reference date names the census and its schema)",
                )
        return self.year or by_date or named

    def _validate(self, tree, root) -> None:
        year = self._collection_year(root)
        if year is None:
            self.report.warn(
                self.fn,
                None,
                "",
                "",
                "the file names no collection year (Header/CollectionDetails); not checked against a schema; "
                "give --year to check it against that year's",
            )
            return
        xsd = find_schema(f"*CIN_schema_{year}.xsd")
        if xsd is None:
            self.report.warn(
                self.fn,
                None,
                "",
                "",
                f"no XSD for the {year} census in STATUTORY_SCHEMA_DIR (a file named *CIN_schema_{year}.xsd); "
                "checked by the importer's own rules only",
            )
            return
        try:
            schema = load_schema(xsd)
        except XmlRefused as e:
            self._abort(e.reason)
        errors = schema_errors(tree, schema)
        for line, path, message in errors:
            self.report.add(
                self.fn, line, path, "", f"breaks the {year} census schema ({xsd.name}): {message}"
            )
        if errors:
            raise BundleAbort("schema-invalid")

    # == reading values ======================================================================================

    def _warn(self, el, column: str, value: str, reason: str) -> None:
        self.report.warn(self.fn, el.sourceline, column, value, reason)

    def _unstored_element(self, el, path: str) -> None:
        name = local(el.tag)
        u = self._unstored.get(name)
        if u is None:
            reason = NOT_STORED.get(
                name,
                "not an element of the CIN census the importer knows; the record model has no place for it",
            )
            self._unstored[name] = _Unstored(1, el.sourceline, f"{path}/{name}", reason)
        else:
            u.count += 1

    def _fields(self, el, path: str, known: set[str], lists: set[str] = frozenset()) -> dict:
        """A record element's children by name: text for leaves in `known`, a list of elements for `lists`;
        anything else is reported (once per name) as not stored."""
        out: dict = {name: [] for name in lists}
        for c in el:
            name = local(c.tag)
            if not name:
                continue
            if name in lists:
                out[name].append(c)
            elif name in known:
                if name in out:
                    self._warn(c, name, (c.text or "").strip(), "given twice; the first is read")
                    continue
                out[name] = c
            else:
                self._unstored_element(c, path)
        return out

    def _text(self, f: dict, name: str) -> str:
        el = f.get(name)
        return (el.text or "").strip() if el is not None else ""

    def _date(self, f: dict, name: str) -> date | None:
        text = self._text(f, name)
        if not text:
            return None
        try:
            return parse_date(text)
        except Bad as e:
            self._warn(f[name], name, text, f"value stored blank: {e}")
            return None

    def _code(self, f: dict, name: str, codes: Iterable[str] | dict) -> str:
        text = self._text(f, name)
        if not text:
            return ""
        if text in codes or text.upper() in codes:
            value = text if text in codes else text.upper()
            return codes[value] if isinstance(codes, dict) else value
        shown = ", ".join(codes)
        self._warn(
            f[name], name, text, f"value stored blank: not a code of any census year; allowed: {shown}"
        )
        return ""

    def _start(self, f: dict, name: str, record: str, el) -> date | None:
        """A record's start date, which its ID is made from: missing or unusable leaves the record out."""
        text = self._text(f, name)
        try:
            d = parse_date(text) if text else None
        except Bad as e:
            self._warn(f[name], name, text, f"{record} not imported: {e}")
            self.left_out += 1
            return None
        if d is None:
            self._warn(el, name, "", f"{record} not imported: no {name}")
            self.left_out += 1
        return d

    def _end(self, f: dict, name: str, start: date, start_name: str) -> date | None:
        end = self._date(f, name)
        if end is not None and end < start:
            self._warn(
                f[name],
                name,
                _iso(end),
                f"repaired: before {start_name} ({_iso(start)}); stored blank, the record is kept",
            )
            return None
        return end

    # == translation ==========================================================================================

    def _translate(self, t: Translation, children_el, path: Path) -> None:
        t.table(
            "children",
            ["child_id", "sex", "date_of_birth", "expected_date_of_birth", "ethnicity", "disability"],
        )
        t.table(
            "referrals",
            [
                "referral_id",
                "child_id",
                "referral_date",
                "source",
                "primary_need",
                "nfa",
                "closure_date",
                "closure_reason",
            ],
        )
        t.table("assessments", ["assessment_id", "child_id", "referral_id", "start_date", "authorised_date"])
        t.table("cin_plans", ["plan_id", "child_id", "referral_id", "start_date", "end_date"])
        t.table("s47_enquiries", ["s47_id", "child_id", "referral_id", "start_date", "icpc_not_required"])
        t.table(
            "cp_plans",
            [
                "plan_id",
                "child_id",
                "referral_id",
                "start_date",
                "end_date",
                "initial_category",
                "latest_category",
            ],
        )
        t.table("conferences", ["conference_id", "child_id", "s47_id", "kind", "held_date", "plan_made"])
        self._seen: dict[tuple[str, str], int] = {}  # (table, ID) -> first line
        self._conferences: list[tuple[dict, int, dict]] = []
        self._by_id: dict[str, int] = {}
        total = path.stat().st_size
        elements = [c for c in children_el if local(c.tag) == "Child"]
        for c in children_el:
            if local(c.tag) not in ("Child", ""):
                self._unstored_element(c, "Children")
        for i, child_el in enumerate(elements, start=1):
            self._child(t, child_el, f"Child[{i}]")
            if self.progress and i % PROGRESS_EVERY == 0:
                self.progress(self.fn, i, total * i // len(elements), total)
        for values, line, columns in self._conferences:
            t.add("conferences", values, file=self.fn, line=line, columns=columns)
        if self.progress:
            self.progress(self.fn, len(elements), total, total)

    def _first(self, table: str, rid: str, el, column: str, what: str, value: str = "") -> bool:
        """Whether this is the first record with this ID (else it is reported and left out)."""
        key = (table, rid)
        if key in self._seen:
            again = "is in the census twice" if table == "children" else "already has one on this date"
            self._warn(
                el, column, value, f"{what} not imported: the child {again} (first on line {self._seen[key]})"
            )
            self.left_out += 1
            return False
        self._seen[key] = el.sourceline
        return True

    def _child(self, t: Translation, el, path: str) -> None:
        self.read += 1
        f = self._fields(el, path, {"ChildIdentifiers", "ChildCharacteristics"}, {"CINdetails"})
        ids = f.get("ChildIdentifiers")
        idf = (
            self._fields(
                ids,
                f"{path}/ChildIdentifiers",
                {
                    "LAchildID",
                    "UPN",
                    "FormerUPN",
                    "UPNunknown",
                    "PersonBirthDate",
                    "ExpectedPersonBirthDate",
                    "GenderCurrent",
                    "Sex",
                    "PersonDeathDate",
                },
            )
            if ids is not None
            else {}
        )
        for name in ("UPN", "FormerUPN", "UPNunknown", "PersonDeathDate"):
            if name in idf:
                self._unstored_element(idf[name], f"{path}/ChildIdentifiers")
        child = self._text(idf, "LAchildID")
        records = 1 + len(f["CINdetails"])
        if not child or len(child) > MAX_ID or not ID_RE.match(child):
            where = idf.get("LAchildID", ids if ids is not None else el)
            reason = (
                "no LAchildID"
                if not child
                else f"not a usable child ID (letters, digits, '-', '_', '.'; at most {MAX_ID} characters)"
            )
            self._warn(
                where, "LAchildID", child, f"child not imported, nor its {records - 1} referral(s): {reason}"
            )
            self.left_out += records
            self.read += len(f["CINdetails"])
            return
        if not self._first("children", child, el, "LAchildID", "child", child):
            self.read += len(f["CINdetails"])
            self.left_out += len(f["CINdetails"])
            return
        values = {"child_id": child, "sex": self._sex(idf, ids if ids is not None else el)}
        dob = self._date(idf, "PersonBirthDate")
        expected = self._date(idf, "ExpectedPersonBirthDate")
        if dob is not None and dob > self._today:
            held = "held as the expected date of birth" if expected is None else "left blank"
            self._warn(
                idf["PersonBirthDate"],
                "PersonBirthDate",
                _iso(dob),
                f"repaired: after the day of the import, so the child is not yet born: {held}",
            )
            expected = expected or dob
            dob = None
        values["date_of_birth"] = _iso(dob)
        values["expected_date_of_birth"] = _iso(expected)
        chars = f.get("ChildCharacteristics")
        cf = (
            self._fields(chars, f"{path}/ChildCharacteristics", {"Ethnicity", "Disabilities"})
            if chars is not None
            else {}
        )
        values["ethnicity"] = self._code(cf, "Ethnicity", Ethnicity.values)
        values["disability"] = self._disability(cf.get("Disabilities"), f"{path}/ChildCharacteristics")
        t.add(
            "children",
            values,
            file=self.fn,
            line=el.sourceline,
            columns={
                "child_id": "LAchildID",
                "sex": "Sex" if "Sex" in idf else "GenderCurrent",
                "date_of_birth": "PersonBirthDate",
                "expected_date_of_birth": "ExpectedPersonBirthDate",
                "ethnicity": "Ethnicity",
                "disability": "Disabilities",
            },
        )
        cp_starts: set[date] = set()
        icpcs: list[tuple[date, str | None, int, str]] = []  # (date, s47 ID, line, element)
        for j, cin in enumerate(f["CINdetails"], start=1):
            self.read += 1
            self._referral(t, child, cin, f"{path}/CINdetails[{j}]", cp_starts, icpcs)
        # Initial conferences, once per date: an enquiry's ICPC wins over the referral's own date.
        icpcs.sort(key=lambda x: x[1] is None)
        for held, s47_id, line, element in icpcs:
            cid = record_id(child, "I", held)
            if cid in self._by_id:
                continue
            self._by_id[cid] = len(self._conferences)
            self._conferences.append(
                (
                    {
                        "conference_id": cid,
                        "child_id": child,
                        "s47_id": s47_id or "",
                        "kind": "initial",
                        "held_date": _iso(held),
                        "plan_made": "Y" if held in cp_starts else "N",
                    },
                    line,
                    {"conference_id": element, "child_id": "LAchildID", "held_date": element},
                )
            )

    def _sex(self, idf: dict, where) -> str:
        given = [n for n in ("Sex", "GenderCurrent") if self._text(idf, n)]
        codes = [SEX_CODES.get(self._text(idf, n).upper()) for n in given]
        for name, code in zip(given, codes, strict=True):
            if code is None:
                self._warn(
                    idf[name],
                    name,
                    self._text(idf, name),
                    "repaired: not a code of any census year (GenderCurrent 1, 2, 0, 9; Sex M, F, U): stored U",
                )
        usable = [c for c in codes if c]
        if len(set(usable)) > 1:
            self._warn(
                idf["Sex"],
                "Sex",
                self._text(idf, "Sex"),
                f"differs from GenderCurrent ({self._text(idf, 'GenderCurrent')}); Sex is stored",
            )
        if usable:
            return usable[0]
        if not given:
            self._warn(where, "Sex", "", "repaired: no Sex or GenderCurrent: stored U (unknown)")
        return "U"

    def _disability(self, el, path: str) -> str:
        if el is None:
            return ""
        codes = []
        for d in el:
            name = local(d.tag)
            if not name:
                continue
            if name != "Disability":
                self._unstored_element(d, f"{path}/Disabilities")
                continue
            text = (d.text or "").strip().upper()
            if text in DISABILITIES:
                codes.append(text)
            else:
                self._warn(
                    d,
                    "Disability",
                    d.text or "",
                    "not read: not a disability code; allowed: " + ", ".join(DISABILITIES),
                )
        if not codes:
            return ""
        return "Y" if any(c != "NONE" for c in codes) else "N"

    def _referral(self, t, child: str, el, path: str, cp_starts: set, icpcs: list) -> None:
        lists = {"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"}
        f = self._fields(
            el,
            path,
            {
                "CINreferralDate",
                "ReferralSource",
                "PrimaryNeedCode",
                "CINclosureDate",
                "ReasonForClosure",
                "DateOfInitialCPC",
                "ReferralNFA",
            },
            lists,
        )
        under = sum(len(f[n]) for n in lists)
        self.read += under
        start = self._start(f, "CINreferralDate", "referral", el)
        if start is None:
            if under:
                self._warn(
                    el, "CINreferralDate", "", f"nor its {under} record(s) (they belong to the referral)"
                )
                self.left_out += under
            return
        rid = record_id(child, "", start)
        if not self._first("referrals", rid, el, "CINreferralDate", "referral", _iso(start)):
            if under:
                self._warn(
                    el, "CINreferralDate", "", f"nor its {under} record(s) (they belong to the referral)"
                )
                self.left_out += under
            return
        t.add(
            "referrals",
            {
                "referral_id": rid,
                "child_id": child,
                "referral_date": _iso(start),
                "source": self._code(f, "ReferralSource", ReferralSource.values),
                "primary_need": self._code(f, "PrimaryNeedCode", PrimaryNeed.values),
                "nfa": self._code(f, "ReferralNFA", YES_NO),
                "closure_date": _iso(self._end(f, "CINclosureDate", start, "CINreferralDate")),
                "closure_reason": self._code(f, "ReasonForClosure", ClosureReason.values),
            },
            file=self.fn,
            line=el.sourceline,
            columns={
                "referral_id": "CINreferralDate",
                "child_id": "LAchildID",
                "referral_date": "CINreferralDate",
                "source": "ReferralSource",
                "primary_need": "PrimaryNeedCode",
                "nfa": "ReferralNFA",
                "closure_date": "CINclosureDate",
                "closure_reason": "ReasonForClosure",
            },
        )
        icpc = self._date(f, "DateOfInitialCPC")
        if icpc is not None:
            icpcs.append((icpc, None, f["DateOfInitialCPC"].sourceline, "DateOfInitialCPC"))
        for k, a in enumerate(f["Assessments"], start=1):
            self._assessment(t, child, rid, a, f"{path}/Assessments[{k}]")
        for k, p in enumerate(f["CINPlanDates"], start=1):
            self._cin_plan(t, child, rid, p, f"{path}/CINPlanDates[{k}]")
        for k, s in enumerate(f["Section47"], start=1):
            self._s47(t, child, rid, s, f"{path}/Section47[{k}]", icpcs)
        for k, p in enumerate(f["ChildProtectionPlans"], start=1):
            self._cp_plan(t, child, rid, p, f"{path}/ChildProtectionPlans[{k}]", cp_starts)

    def _assessment(self, t, child, referral_id, el, path) -> None:
        f = self._fields(
            el,
            path,
            {"AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate"},
            {"FactorsIdentifiedAtAssessment"},
        )
        for factors in f["FactorsIdentifiedAtAssessment"]:
            self._unstored_element(factors, path)
        if "AssessmentInternalReviewDate" in f:
            self._unstored_element(f["AssessmentInternalReviewDate"], path)
        start = self._start(f, "AssessmentActualStartDate", "assessment", el)
        if start is None:
            return
        aid = record_id(child, "A", start)
        if not self._first("assessments", aid, el, "AssessmentActualStartDate", "assessment", _iso(start)):
            return
        end = self._end(f, "AssessmentAuthorisationDate", start, "AssessmentActualStartDate")
        t.add(
            "assessments",
            {
                "assessment_id": aid,
                "child_id": child,
                "referral_id": referral_id,
                "start_date": _iso(start),
                "authorised_date": _iso(end),
            },
            file=self.fn,
            line=el.sourceline,
            columns={
                "assessment_id": "AssessmentActualStartDate",
                "child_id": "LAchildID",
                "referral_id": "CINreferralDate",
                "start_date": "AssessmentActualStartDate",
                "authorised_date": "AssessmentAuthorisationDate",
            },
        )

    def _cin_plan(self, t, child, referral_id, el, path) -> None:
        f = self._fields(el, path, {"CINPlanStartDate", "CINPlanEndDate"})
        start = self._start(f, "CINPlanStartDate", "CIN plan", el)
        if start is None:
            return
        pid = record_id(child, "P", start)
        if not self._first("cin_plans", pid, el, "CINPlanStartDate", "CIN plan", _iso(start)):
            return
        t.add(
            "cin_plans",
            {
                "plan_id": pid,
                "child_id": child,
                "referral_id": referral_id,
                "start_date": _iso(start),
                "end_date": _iso(self._end(f, "CINPlanEndDate", start, "CINPlanStartDate")),
            },
            file=self.fn,
            line=el.sourceline,
            columns={
                "plan_id": "CINPlanStartDate",
                "child_id": "LAchildID",
                "referral_id": "CINreferralDate",
                "start_date": "CINPlanStartDate",
                "end_date": "CINPlanEndDate",
            },
        )

    def _s47(self, t, child, referral_id, el, path, icpcs: list) -> None:
        f = self._fields(
            el, path, {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"}
        )
        if "InitialCPCtarget" in f:
            self._unstored_element(f["InitialCPCtarget"], path)
        start = self._start(f, "S47ActualStartDate", "S47 enquiry", el)
        if start is None:
            return
        sid = record_id(child, "S", start)
        if not self._first("s47_enquiries", sid, el, "S47ActualStartDate", "S47 enquiry", _iso(start)):
            return
        t.add(
            "s47_enquiries",
            {
                "s47_id": sid,
                "child_id": child,
                "referral_id": referral_id,
                "start_date": _iso(start),
                "icpc_not_required": self._code(f, "ICPCnotRequired", YES_NO),
            },
            file=self.fn,
            line=el.sourceline,
            columns={
                "s47_id": "S47ActualStartDate",
                "child_id": "LAchildID",
                "referral_id": "CINreferralDate",
                "start_date": "S47ActualStartDate",
                "icpc_not_required": "ICPCnotRequired",
            },
        )
        icpc = self._date(f, "DateOfInitialCPC")
        if icpc is not None:
            icpcs.append((icpc, sid, f["DateOfInitialCPC"].sourceline, "DateOfInitialCPC"))

    def _cp_plan(self, t, child, referral_id, el, path, cp_starts: set) -> None:
        f = self._fields(
            el,
            path,
            {
                "CPPstartDate",
                "CPPendDate",
                "InitialCategoryOfAbuse",
                "LatestCategoryOfAbuse",
                "NumberOfPreviousCPP",
            },
            {"Reviews"},
        )
        if "NumberOfPreviousCPP" in f:
            self._unstored_element(f["NumberOfPreviousCPP"], path)
        start = self._start(f, "CPPstartDate", "CP plan", el)
        if start is None:
            return
        pid = record_id(child, "C", start)
        if not self._first("cp_plans", pid, el, "CPPstartDate", "CP plan", _iso(start)):
            return
        cp_starts.add(start)
        t.add(
            "cp_plans",
            {
                "plan_id": pid,
                "child_id": child,
                "referral_id": referral_id,
                "start_date": _iso(start),
                "end_date": _iso(self._end(f, "CPPendDate", start, "CPPstartDate")),
                "initial_category": self._code(f, "InitialCategoryOfAbuse", AbuseCategory.values),
                "latest_category": self._code(f, "LatestCategoryOfAbuse", AbuseCategory.values),
            },
            file=self.fn,
            line=el.sourceline,
            columns={
                "plan_id": "CPPstartDate",
                "child_id": "LAchildID",
                "referral_id": "CINreferralDate",
                "start_date": "CPPstartDate",
                "end_date": "CPPendDate",
                "initial_category": "InitialCategoryOfAbuse",
                "latest_category": "LatestCategoryOfAbuse",
            },
        )
        for reviews in f["Reviews"]:
            for r in reviews:
                name = local(r.tag)
                if not name:
                    continue
                if name != "CPPreviewDate":
                    self._unstored_element(r, f"{path}/Reviews")
                    continue
                text = (r.text or "").strip()
                try:
                    held = parse_date(text)
                except Bad as e:
                    self._warn(r, "CPPreviewDate", text, f"review not imported: {e}")
                    self.left_out += 1
                    continue
                cid = record_id(child, "V", held)
                if cid in self._by_id:
                    continue  # one review conference per child and date, whichever plan names it
                self._by_id[cid] = len(self._conferences)
                self._conferences.append(
                    (
                        {
                            "conference_id": cid,
                            "child_id": child,
                            "s47_id": "",
                            "kind": "review",
                            "held_date": _iso(held),
                            "plan_made": "",
                        },
                        r.sourceline,
                        {
                            "conference_id": "CPPreviewDate",
                            "child_id": "LAchildID",
                            "held_date": "CPPreviewDate",
                        },
                    )
                )
