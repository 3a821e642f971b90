"""The Ofsted Annex A workbook (ILACS child-level lists 1-11, the August 2019 template and the 2024 one)
translated into the bundle's record tables.

Which sheet is which list is read from its name ("List 1", "List_1", "List 1 - Contacts"), else from a title
row above the header ("List 3: Referral"). The header row is found by matching known columns (the first of
the top rows holding "Child Unique ID" and two more of the list's columns), so title rows above it do not
matter. Headers are matched ignoring case, spaces, line breaks, quotes (curly or straight) and punctuation;
known variants are accepted ("Age" / "Age of Child (Years)", 2019 and 2024 wordings). Code lists and how a
value is matched: annex_a_codes.py. Dates: Excel date cells, or text DD/MM/YYYY or YYYY-MM-DD.

Annex A carries no record IDs: each record's ID is made from the child ID and the record's own date
(CHILD-<kind>YYYYMMDD, a second record of the same kind, child and date on one list gets -2, -3, ...), so
re-importing a workbook changes nothing and a later one updates the records it shares with it. A table is
declared with the columns its list gives, and a value a workbook does not give (a column it lacks, or, for a
child's details, a blank cell) keeps what is stored.

Mapping (list -> bundle):
  every list but 11   children: Child Unique ID -> child_id, Gender (a/M, b/F, c/U, d) Neither/I) -> sex,
                      Date of Birth (a date after the import day is an unborn child's expected date of
                      birth), Ethnicity, Does the Child have a Disability (lists 4-10) -> disability, the UASC
                      column of lists 8 and 9 -> uasc. A child on several lists is one row: the first value
                      found (in list order) is kept, a different one later is a warning. A child given no
                      gender anywhere keeps the stored one, or is U (unknown).
  1 Contacts          contacts: CHILD-CTdate; Date of Contact -> received_at (midnight), Contact Source -> source
  2 Early help        early_help: CHILD-EHdate; assessment start -> start_date, completion -> completion_date,
                      Organisation completing assessment -> organisation
  3 Referrals         referrals: CHILD-RFdate; Date of Referral, Referral Source, Referral NFA? -> nfa
  4 Assessments       assessments: CHILD-ASdate; Continuous Assessment Start Date, Date of Authorisation ->
                      authorised_date, Child Seen -> child_seen; "assessed as requiring social care support":
                      No -> outcome nfa (the guidance: usually closed RC8), Yes -> continue_cin_cp_cla
  5 S47 enquiries     strategy_discussions: CHILD-SDdate (the strategy discussion initiating the enquiry);
                      s47_enquiries: CHILD-S47date, start_date = that date, ICPC deemed unnecessary ->
                      icpc_not_required, outcome icpc when a conference was needed; conferences: CHILD-ICPCdate
                      (kind initial) from the ICPC date, plan_made from "resulted in a CP plan"
  6 Children in need  referrals (the CIN episode: the CIN census opens one with the referral): CHILD-RFdate
                      from CIN Start Date, the same record as a List 3 referral on that date; Primary Need Code,
                      CIN Closure Date -> closure_date, Reason for Closure; cin_plans: CHILD-CINdate when the
                      Case Status is c) Child in need plan (the list gives no plan start: the episode's start
                      is taken, reported once); visits: Date Child Was Last Seen, kind from the Case Status
                      (a CLA, b CP, c CIN; none for an open assessment or a closed case)
  7 Child protection  cp_plans: CHILD-CPdate; start, end, initial and latest category of abuse; visits: Date of
                      the Last Statutory Visit (kind cp) with Was the Child Seen Alone?; conferences: Date of
                      latest review conference (kind review)
  8 Children in care  care_episodes: the list gives the current period of care (Date Started to be Looked
                      After, Date Ceased, Reason Ceased) and the start of the current legal status and of the
                      latest placement. It is held as the 903 would: one episode from each of those dates
                      (CHILD-YYYYMMDD, the 903's own key), the first RNE S, a later one L (legal status
                      changed), P (placement changed) or T (both); each episode holds the current legal status
                      and placement from the date they began, blank before it (not known), ends where the next
                      begins (REC X1), the last one at Date Ceased with its reason. Category of Need, Placement
                      Type, Provider, postcode, Placement Location (In/Out) -> placement_inside_la. cla_reviews:
                      Date of Latest Statutory Review (CHILD-RYYYYMMDD, as the 903); visits: Date of Last Social
                      Work Visit (kind cla); health_assessments: Date of Last Health Assessment (initial when
                      within 28 days of the period's start: the initial assessment is due within 20 working
                      days of entering care; else review), Date of Last Dental Check (dental). A stored
                      episode in one of the periods that the workbook does not give (an earlier workbook's
                      placement) is kept and reported: an import never deletes.
  9 Care leavers      care_leavers: one status per child at the workbook's date (the latest date in the
                      workbook not after the import day: the lists are drawn up just before the inspection);
                      Eligibility Category, LA in Touch, Latest Date of Contact (2024), Type and Suitability
                      of Accommodation, Activity Status, Latest Pathway Plan Review Date (2024)
  10 Adoption         adoptions: one row per child, every date of the list and the RD reason
  11 Adopters         no place in the record model: counted and reported as a warning, not refused
Not stored (the record model has no field, or needs an ID the list does not give): Age, team and worker
names, numbers of previous referrals/enquiries/plans/placements/missing episodes, the permanence plan, IRO
visit, EPO, URN and LA of placement, return interviews, the personal adviser's name, family identifier.

What is refused (nothing is written): a file that is not an xlsx workbook (an .xls, CSV, XML or any other
content, sniffed from its bytes, not its name), a damaged or truncated zip, a zip that declares more than
ANNEX_A_MAX_UNCOMPRESSED_BYTES or a member compressed more than ANNEX_A_MAX_COMPRESSION_RATIO times (a zip
bomb; checked before openpyxl opens it; Python's zip reader never inflates more than a member declares), a
file over ANNEX_A_MAX_BYTES, a workbook with no Annex A list, a list missing the column it cannot do without
(the child ID and the list's own date), and every error the bundle's validation still finds. Everything else
is a warning: a row left out (its child ID or its date unusable), a value stored blank, a value mapped by a
guess, a child's details that disagree between lists.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from ..bundle.errors import BundleAbort, BundleReport
from ..bundle.spec import BY_NAME, ID_RE, REF_TARGETS
from . import annex_a_codes as C
from .base import Translation

Progress = Callable[
    [str, int, int, int], None
]  # sheet, rows read, bytes read (estimated), bytes in the sheet
PROGRESS_EVERY = 5000
MAX_ID = 40
HEADER_SEARCH_ROWS = 20  # title rows above the header: the header must be among the first rows
MAX_ZIP_MEMBERS = 10_000

# -- the lists ---------------------------------------------------------------------------------------------


def hnorm(text: str) -> str:
    """A header as matched: letters and digits only, lower case ("Date Ceased to be Looked After " and
    "date ceased to be\\nlooked after" are one header; curly and straight apostrophes vanish alike)."""
    return re.sub(r"[^a-z0-9]", "", C.norm(text))


@dataclass(frozen=True)
class Field:
    key: str
    headers: tuple[str, ...]  # the wordings accepted, first = the template's
    kind: str = "text"  # id, date, code, int, text, postcode
    codes: C.Codes | None = None
    stored: bool = True
    max_length: int | None = None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(hnorm(h) for h in self.headers)


def F(key, *headers, kind="text", codes=None, stored=True, max_length=None) -> Field:  # noqa: N802
    return Field(key, headers, kind, codes, stored, max_length)


def NS(key, *headers) -> Field:  # noqa: N802 - a column read past, not stored
    return Field(key, headers, "text", None, False)


CHILD = F("child", "Child Unique ID", "Child ID", "Unique Child ID", "Child Identifier", kind="id")
GENDER = F("gender", "Gender", "Sex", kind="code", codes=C.SEX)
ETHNICITY = F("ethnicity", "Ethnicity", kind="code", codes=C.ETHNICITY)
DOB = F("dob", "Date of Birth", "DOB", kind="date")
AGE = NS("age", "Age of Child (Years)", "Age", "Age of Child", "Age (Years)", "Age in Years")
DISABILITY = F("disability", "Does the Child have a Disability", "Disability", kind="code", codes=C.YES_NO)
TEAM = NS("team", "Allocated Team")
WORKER = NS("worker", "Allocated Worker")
PERSON = (CHILD, GENDER, ETHNICITY, DOB, AGE)


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    fields: tuple[Field, ...]
    needs: tuple[str, ...]  # keys without which the list cannot be read (blocking)
    held: bool = True
    doc: str = ""

    def by_name(self) -> dict[str, Field]:
        return {n: f for f in self.fields for n in f.names}


LISTS: tuple[ListSpec, ...] = (
    ListSpec(
        1,
        "Contacts",
        (
            *PERSON,
            F("date", "Date of Contact", "Contact Date", kind="date"),
            F("source", "Contact Source", "Source of Contact", kind="code", codes=C.SOURCE),
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        2,
        "Early Help",
        (
            *PERSON,
            F("date", "Assessment start date", "Early Help Assessment Start Date", kind="date"),
            F("end", "Assessment completion date", "Early Help Assessment Completion Date", kind="date"),
            F("organisation", "Organisation completing assessment", "Organisation", max_length=200),
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        3,
        "Referrals",
        (
            *PERSON,
            F("date", "Date of Referral", "Referral Date", kind="date"),
            F("source", "Referral Source", "Source of Referral", kind="code", codes=C.SOURCE),
            F("nfa", "Referral NFA?", "Referral NFA", "NFA", kind="code", codes=C.YES_NO),
            NS("count", "Number of Referrals in Last 12 Months"),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        4,
        "Assessments",
        (
            *PERSON,
            DISABILITY,
            F("date", "Continuous Assessment Start Date", "Assessment Start Date", kind="date"),
            F(
                "seen",
                "Child Seen During Continuous Assessment",
                "Child Seen During Assessment",
                kind="code",
                codes=C.YES_NO,
            ),
            F(
                "end",
                "Continuous Assessment Date of Authorisation",
                "Assessment Date of Authorisation",
                "Date of Authorisation",
                kind="date",
            ),
            F(
                "support",
                "Was the child assessed as requiring LA children's social care support?",
                "Was the child assessed as requiring LA children's social care support",
                "Was the child assessed as being in need at assessment?",
                kind="code",
                codes=C.YES_NO,
            ),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        5,
        "Section 47 enquiries and Initial Child Protection Conferences",
        (
            *PERSON,
            DISABILITY,
            F(
                "date",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Section 47 Enquiry Start Date",
                "S47 Start Date",
                kind="date",
            ),
            F(
                "icpc_unnecessary",
                "Was an Initial Child Protection Conference deemed unnecessary?",
                kind="code",
                codes=C.YES_NO,
            ),
            F("icpc", "Date of Initial Child Protection Conference", "ICPC Date", kind="date"),
            F(
                "plan",
                "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                "Did the Initial Child Protection Conference Result in a Child Protection Plan?",
                kind="code",
                codes=C.YES_NO,
            ),
            NS("count", "Number of Section 47 Enquiries in the last 12 months"),
            NS("icpcs", "Number of ICPCs in the last 12 months"),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        6,
        "Children in Need",
        (
            *PERSON,
            DISABILITY,
            F("date", "CIN Start Date", kind="date"),
            F("need", "Primary Need Code", "Primary Need", kind="code", codes=C.PRIMARY_NEED),
            F("seen", "Date Child Was Last Seen", kind="date"),
            F("end", "CIN Closure Date", kind="date"),
            F("reason", "Reason for Closure", kind="code", codes=C.CLOSURE_REASON),
            F("status", "Case Status", kind="code", codes=C.CASE_STATUS),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        7,
        "Child Protection",
        (
            *PERSON,
            DISABILITY,
            F("date", "Child Protection Plan Start Date", "CP Plan Start Date", kind="date"),
            F("initial", "Initial Category of Abuse", kind="code", codes=C.ABUSE),
            F("latest", "Latest Category of Abuse", kind="code", codes=C.ABUSE),
            F("visit", "Date of the Last Statutory Visit", "Date of Last Statutory Visit", kind="date"),
            F("alone", "Was the Child Seen Alone?", kind="code", codes=C.YES_NO),
            F("review", "Date of latest review conference", kind="date"),
            F("end", "Child Protection Plan End Date", "CP Plan End Date", kind="date"),
            NS(
                "epo",
                "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
            ),
            NS("previous", "Number of Previous Child Protection Plans"),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        8,
        "Children in Care",
        (
            *PERSON,
            F(
                "uasc",
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
                "UASC",
                "UASC (Y/N)",
                kind="code",
                codes=C.YES_NO,
            ),
            DISABILITY,
            F(
                "date",
                "Date Started to be Looked After",
                "Date Started to be Looked After (Current Period)",
                kind="date",
            ),
            F("need", "Child's Category of Need", "Category of Need", kind="code", codes=C.CATEGORY_OF_NEED),
            NS(
                "second",
                "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
                "Is this a second or subsequent episode of being a Looked After Child within the last 12 months (Y/N)",
            ),
            F("ls_start", "Start date of current legal status", kind="date"),
            F("ls", "Child's Legal Status", "Legal Status", kind="code", codes=C.LEGAL_STATUS),
            F("review", "Date of Latest Statutory Review", kind="date"),
            F("visit", "Date of Last Social Work Visit", kind="date"),
            NS("permanence", "What is the permanence plan for this child?"),
            NS("iro", "Date of Last IRO Visit / Contact to the Child"),
            F("health", "Date of Last Health Assessment", kind="date"),
            F("dental", "Date of Last Dental Check", kind="date"),
            NS("placements", "Number of Placements in the Last 12 months"),
            F("end", "Date Ceased to be Looked After", kind="date"),
            F("rec", "Reason Ceased to be Looked After", kind="code", codes=C.REASON_CEASED),
            F("pl_start", "Start Date of Most Recent Placement", kind="date"),
            F("place", "Placement Type", kind="code", codes=C.PLACEMENT),
            F("provider", "Placement Provider", kind="code", codes=C.PROVIDER),
            F("postcode", "Placement postcode", kind="postcode"),
            NS("urn", "URN of Placement"),
            F("location", "Placement Location", kind="code", codes=C.LOCATION),
            NS("la", "LA of Placement"),
            NS(
                "missing",
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            ),
            NS(
                "absent",
                "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            ),
            NS(
                "ri_offered",
                "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            ),
            NS(
                "ri_accepted",
                "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            ),
            TEAM,
            WORKER,
        ),
        needs=("child", "date"),
    ),
    ListSpec(
        9,
        "Care Leavers",
        (
            *PERSON,
            F(
                "uasc",
                "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
                "UASC or former UASC",
                "UASC or former UASC (Y/N)",
                "UASC",
                kind="code",
                codes=C.YES_NO,
            ),
            DISABILITY,
            TEAM,
            WORKER,
            NS("pa", "Allocated Personal Advisor", "Allocated Personal Adviser"),
            F("eligibility", "Eligibility Category", kind="code", codes=C.ELIGIBILITY),
            F("pathway", "Latest Pathway Plan Review Date", kind="date"),
            F("in_touch", "LA in Touch", kind="code", codes=C.IN_TOUCH),
            F("contact", "Latest Date of Contact", kind="date"),
            F("accommodation", "Type of Accommodation", kind="code", codes=C.ACCOMMODATION),
            F("suitable", "Suitability of Accommodation", kind="code", codes=C.SUITABILITY),
            F("activity", "Activity Status", kind="code", codes=C.ACTIVITY),
        ),
        needs=("child",),
    ),
    ListSpec(
        10,
        "Adoption",
        (
            CHILD,
            NS("family", "Family identifier"),
            GENDER,
            ETHNICITY,
            DOB,
            AGE,
            DISABILITY,
            F("entered", "Date the Child Entered Care", kind="date"),
            F("decision", "Date of Decision that Child Should be Placed for Adoption", kind="date"),
            F("order", "Date of Placement Order", kind="date"),
            F("matched", "Date of Matching Child and Prospective Adopters", kind="date"),
            F("placed", "Date Placed for Adoption", kind="date"),
            F("adopted", "Date of Adoption Order", kind="date"),
            F(
                "no_longer",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
                kind="date",
            ),
            F(
                "no_longer_reason",
                "Reason Why Child No Longer Placed for Adoption",
                kind="code",
                codes=C.NO_LONGER_PLACED,
            ),
            NS("ffa", "Date the child was placed for fostering in FFA or concurrent planning placement"),
        ),
        needs=("child",),
    ),
    ListSpec(
        11,
        "Adopters",
        (
            F("adopter", "Individual adopter identifier", "Adopter identifier", stored=False),
            *(
                NS(k, h)
                for k, h in (
                    ("family", "Family identifier"),
                    ("gender", "Gender"),
                    ("ethnicity", "Ethnicity"),
                    ("disability", "Disability"),
                    ("ffa", "Is the (prospective) adopter fostering for adoption?"),
                    ("enquiry", "Date enquiry received"),
                    ("s1_start", "Date Stage 1 started"),
                    ("s1_end", "Date Stage 1 ended"),
                    ("s2_start", "Date Stage 2 started"),
                    ("s2_end", "Date Stage 2 ended"),
                    ("applied", "Date application submitted"),
                    ("approved", "Date application approved"),
                    ("matched", "Date adopter matched with child(ren)"),
                    ("placed", "Date child/children placed with adopter(s)"),
                    ("children", "No. of children placed"),
                    ("order", "Date of Adoption Order"),
                    ("left", "Date of leaving adoption process"),
                    ("reason", "Reason for leaving adoption process"),
                )
            ),
        ),
        needs=("adopter",),
        held=False,
        doc="adopters have no place in the record model",
    ),
)
BY_NUMBER = {s.number: s for s in LISTS}
_SHEET_NAME = re.compile(r"^\s*list[\s_.:-]*([0-9]{1,2})(?![0-9])", re.IGNORECASE)


# -- cells -------------------------------------------------------------------------------------------------


class Bad(Exception):
    """A value that cannot be used; the message is the reason."""


EXCEL_ERRORS = frozenset(
    {"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#num!", "#null!", "n/a", "#getting_data"}
)
_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})(?:[ T]00:00(?::00)?)?$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
EXCEL_EPOCH = date(1899, 12, 30)


def _year_ok(d: date) -> date:
    if not 1900 <= d.year <= 2100:
        raise Bad(f"year {d.year} is outside 1900-2100")
    return d


def parse_date(value) -> tuple[date, bool]:
    """A date cell or text; (date, guessed?). A bare number is taken as an Excel day number (a date cell
    that lost its format): a guess."""
    if isinstance(value, datetime):
        return _year_ok(value.date()), False
    if isinstance(value, date):
        return _year_ok(value), False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 73050 and float(value).is_integer():
            return _year_ok(EXCEL_EPOCH + timedelta(days=int(value))), True
        raise Bad("not a date")
    text = str(value).strip()
    if m := _DMY.match(text):
        d, mth, y = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        y, mth, d = (int(g) for g in m.groups())
    else:
        raise Bad("not a date (DD/MM/YYYY)")
    try:
        return _year_ok(date(y, mth, d)), False
    except ValueError:
        raise Bad("not a valid date (DD/MM/YYYY)") from None


def parse_child_id(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > MAX_ID or not ID_RE.match(text):
        raise Bad(f"not a usable child ID (letters, digits, '-', '_', '.'; at most {MAX_ID} characters)")
    return text


_EDGE = frozenset(" \t\r\n\xa0")


def is_blank(value) -> bool:
    """None, spaces, or an Excel error or 'N/A' (a formula that found nothing)."""
    if value is None:
        return True
    if isinstance(value, str):
        if not value:
            return True
        first = value[0]
        # The common case decided without stripping: text that neither starts like an error nor has
        # spaces at an end.
        if first in "#nN" or first in _EDGE or value[-1] in _EDGE:
            s = value.strip()
            return not s or s.casefold() in EXCEL_ERRORS
        return False
    return False


def _shown(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- the workbook file ---------------------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """Why these first bytes are not an xlsx workbook's (None when they are a zip's)."""
    if head.startswith(b"PK\x03\x04"):
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "an Excel 97-2003 workbook (.xls) or another old Office file; save it as .xlsx (Excel Workbook)"
        )
    if head.startswith(b"PK\x05\x06"):
        return "an empty zip, not an xlsx workbook"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        if b"<html" in text or b"<!doctype html" in text:
            return "an HTML page, not an xlsx workbook"
        return "an XML file, not an xlsx workbook (an Annex A is an .xlsx)"
    if text.startswith(b"%pdf"):
        return "a PDF, not an xlsx workbook"
    try:
        head.decode("utf-8")
        is_text = True
    except UnicodeDecodeError:
        is_text = False
    if is_text and (b"," in head or b"\t" in head or b";" in head):
        return "a CSV or text file, not an xlsx workbook (save the lists as one Excel Workbook, .xlsx)"
    if is_text:
        return "a text file, not an xlsx workbook"
    return "not an xlsx workbook (its content is not a zip)"


@dataclass
class Sheet:
    """One Annex A list as read: usable rows (line, typed values) and what came out of the header."""

    spec: ListSpec
    title: str
    headers: dict[str, str] = field(default_factory=dict)  # field key -> the header as written
    rows: list[tuple[int, dict]] = field(default_factory=list)
    seen: int = 0
    left_out: int = 0


@dataclass(slots=True)
class Row:
    """A record being assembled: its bundle values (a column is there when the workbook gives it, blank
    or not; one it lacks is absent and keeps its stored value), where it came from."""

    values: dict[str, str]
    sheet: str
    line: int
    columns: dict[str, str]


@contextmanager
def _bulk():
    """Reading a large workbook makes millions of small objects (rows, cells, values) and no reference
    cycles; the cyclic collector's passes over them cost a seventh of the reading time, so it waits."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _compact(d: date) -> str:
    return d.isoformat().replace("-", "")


class AnnexA:
    """Reads an Annex A workbook and fills a Translation. Problems go to `report`: blocking ones with add(),
    the rest with warn()."""

    format = "annex_a"
    label = "Annex A workbook"

    def __init__(self, report: BundleReport, *, year: int | None = None, progress: Progress | None = None):
        self.report = report
        self.year = year  # not needed: Annex A dates every record itself
        self.progress = progress
        self.sheets: dict[int, Sheet] = {}
        self.workbook = ""
        self.latest: date | None = None  # the latest date in the workbook not after today
        self.today = date.today()  # noqa: DTZ011 - compared with dates in the lists
        self.out: dict[str, dict[str, Row]] = {}
        self._sizes: dict[str, int] = {}

    # == the file ===========================================================================================

    def translate(self, paths: Iterable[str | Path]) -> Translation:
        path = self._path(paths)
        # One open file from the checks to the last row: what was checked is what is read.
        with self._check_file(path) as f, _bulk():
            self._read_workbook(f)
        if not self.sheets and self.report.ok:
            self._abort(
                "no Annex A list in the workbook (no sheet named List 1 .. List 11, or titled so, with a "
                "header row holding Child Unique ID and the list's columns)"
            )
        if not self.report.ok:
            raise BundleAbort("the workbook cannot be read")
        for s in self.sheets.values():
            self.report.count(s.title, rows=s.seen)
        t = Translation()
        with _bulk():
            self._translate(t)
        for s in self.sheets.values():
            self.report.counts[s.title]["left_out"] = s.left_out
        return t

    def _abort(self, reason: str, file: str | None = None) -> None:
        self.report.add(self.workbook if file is None else file, None, "", "", reason)
        raise BundleAbort(reason)

    def _path(self, paths: Iterable[str | Path]) -> Path:
        given = [Path(p) for p in paths]
        if len(given) != 1:
            self.report.add("", None, "", "", f"give one Annex A workbook ({len(given)} paths given)")
            raise BundleAbort("one workbook")
        p = given[0]
        self.workbook = p.name
        if p.is_symlink():
            self._abort("a symbolic link; give the file itself")
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.suffix.lower() == ".xlsx" and c.is_file())
            if len(found) != 1:
                self._abort(f"a folder holding {len(found)} .xlsx files; give the workbook itself")
            p = found[0]
            self.workbook = p.name
        if not p.is_file():
            self._abort("no such file")
        return p

    def _check_file(self, path: Path) -> BinaryIO:
        """The file, open, once it is known to be a safe xlsx: its size, its content, and its zip's own
        claims, all before openpyxl sees it."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:
            self._abort(f"cannot open the file: {e.strerror}")
        f = open(fd, "rb")  # noqa: SIM115 - returned open; the caller closes it
        try:
            self._check_open_file(f)
        except BaseException:
            f.close()
            raise
        return f

    def _check_open_file(self, f: BinaryIO) -> None:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            self._abort("not a regular file; refused")
        limit = settings.ANNEX_A_MAX_BYTES
        if info.st_size > limit:
            self._abort(
                f"the file is {info.st_size:,} bytes, over the limit of {limit:,} (ANNEX_A_MAX_BYTES)"
            )
        if info.st_size == 0:
            self._abort("an empty file, not an xlsx workbook")
        why = sniff(f.read(512))
        if why:
            self._abort(why)
        f.seek(0)
        try:
            with zipfile.ZipFile(f) as z:
                members = z.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
            self._abort(f"a damaged or truncated xlsx (its zip cannot be read: {e})")
        if len(members) > MAX_ZIP_MEMBERS:
            self._abort(f"the zip holds {len(members):,} members; an xlsx holds a few dozen")
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            self._abort("a zip but not an xlsx workbook (no xl/workbook.xml); an Annex A is an .xlsx")
        total = sum(m.file_size for m in members)
        cap = settings.ANNEX_A_MAX_UNCOMPRESSED_BYTES
        if total > cap:
            self._abort(
                f"the workbook would inflate to {total:,} bytes, over the limit of {cap:,} "
                "(ANNEX_A_MAX_UNCOMPRESSED_BYTES); refused before reading"
            )
        ratio_cap = settings.ANNEX_A_MAX_COMPRESSION_RATIO
        for m in members:
            # Small members compress wildly (a run of empty cells); only a large one can be a bomb.
            if m.file_size > 1_000_000 and m.file_size > ratio_cap * max(m.compress_size, 1):
                self._abort(
                    f"zip member {m.filename} is compressed {m.file_size // max(m.compress_size, 1):,} times "
                    f"(over {ratio_cap}, ANNEX_A_MAX_COMPRESSION_RATIO): a zip bomb, refused before reading"
                )
        self._sizes = {m.filename: m.file_size for m in members}
        f.seek(0)

    # == reading ============================================================================================

    def _read_workbook(self, f: BinaryIO) -> None:
        import openpyxl

        try:
            with warnings.catch_warnings():
                # openpyxl warns of workbook features it does not read (data validation, conditional
                # formats); they do not matter to the lists' values.
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(f, read_only=True, data_only=True, keep_links=False)
        except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError, TypeError) as e:
            self._abort(f"the workbook cannot be read: {e}")
        except Exception as e:  # an XML parse error from inside the zip, whichever parser openpyxl uses
            self._abort(f"the workbook cannot be read: {type(e).__name__}: {e}")
        try:
            for ws in wb.worksheets:
                self._read_sheet(ws)
        except BundleAbort:
            raise
        except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError) as e:
            self._abort(f"the workbook is damaged: {e}")
        except Exception as e:
            self._abort(f"the workbook is damaged: {type(e).__name__}: {e}")
        finally:
            wb.close()

    def _identify(self, title: str, top: list[tuple]) -> tuple[ListSpec | None, bool]:
        """The list a sheet holds, and whether its name says so (else a title row above the header does:
        "List 3: Referral" as the first cell of one of the top rows)."""
        if m := _SHEET_NAME.match(title):
            return BY_NUMBER.get(int(m.group(1))), True
        for row in top:
            first = next((v for v in row if not is_blank(v)), None)
            if isinstance(first, str) and (m := _SHEET_NAME.match(first)):
                return BY_NUMBER.get(int(m.group(1))), False
        return None, False

    def _find_header(self, spec: ListSpec, top: list[tuple]) -> int | None:
        """The index (in `top`) of the first row holding the list's identifying column and two more."""
        names = spec.by_name()
        first = spec.needs[0]
        for i, row in enumerate(top):
            keys = {names[h].key for v in row if isinstance(v, str) and (h := hnorm(v)) in names}
            if first in keys and len(keys) >= 3:
                return i
        return None

    def _read_sheet(self, ws) -> None:
        title = ws.title
        declared_rows = ws.max_row or 0
        path = getattr(ws, "_worksheet_path", "")
        size = self._sizes.get(path.lstrip("/"), 0) or self._sizes.get(path, 0)
        # A sheet's stored dimension can be wrong (some writers leave A1): read every cell there is.
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        top: list[tuple] = []
        for row in rows:
            top.append(row)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
        spec, named = self._identify(title, top)
        at = None if spec is None else self._find_header(spec, top)
        if spec is not None and at is None and not named:
            spec = None  # a sheet that only mentions a list (the template's Guidance sheet)
        if spec is None:
            self.report.warn(
                title, None, "", "", "not an Annex A list (not named List 1 .. List 11); not read"
            )
            return
        if spec.number in self.sheets:
            self.report.add(
                title,
                None,
                "",
                "",
                f"a second List {spec.number} (the first is sheet {self.sheets[spec.number].title!r}); "
                "give one sheet per list",
            )
            return
        if at is None:
            self.report.add(
                title,
                None,
                "",
                "",
                f"no header row found in the first {HEADER_SEARCH_ROWS} rows: List {spec.number} "
                f"({spec.title}) needs a row holding {spec.fields[0].headers[0]!r} and its other columns",
            )
            return
        sheet = Sheet(spec, title)
        header_line = at + 1
        plan = self._header(sheet, header_line, top[at])
        if plan is None:
            return
        self.sheets[spec.number] = sheet
        # The rows after the header among those already read, then the rest of the sheet as it streams.
        line = header_line
        for row in top[at + 1 :]:
            line += 1
            self._row(sheet, plan, line, row)
        told = 0
        for row in rows:
            line += 1
            self._row(sheet, plan, line, row)
            if self.progress and sheet.seen - told >= PROGRESS_EVERY:
                told = sheet.seen
                # Rows read of the rows the sheet declares, as a share of its XML: read-only openpyxl does
                # not say how many bytes it has parsed.
                done = int(size * line / declared_rows) if declared_rows else 0
                self.progress(title, sheet.seen, min(done, size), size)
        if self.progress:
            self.progress(title, sheet.seen, size, size)

    def _header(self, sheet: Sheet, line: int, header: tuple) -> list[tuple[int, Field]] | None:
        spec, title = sheet.spec, sheet.title
        names = spec.by_name()
        plan: list[tuple[int, Field]] = []
        unknown: list[str] = []
        seen: dict[str, str] = {}
        for i, v in enumerate(header):
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            text = " ".join(str(v).split())
            f = names.get(hnorm(text))
            if f is None:
                unknown.append(text)
                continue
            if f.key in seen:
                if (f.stored and spec.held) or f.key in spec.needs:
                    self.report.add(title, line, text, text, f"column appears twice (as {seen[f.key]!r} too)")
                else:
                    # Two "Allocated Team" columns: neither is read, so neither is ambiguous.
                    self.report.warn(title, line, text, text, "column appears twice; not stored either way")
                continue
            seen[f.key] = text
            sheet.headers[f.key] = text
            if f.stored and spec.held:
                plan.append((i, f))
            elif f.key in spec.needs:
                plan.append((i, f))
        for key in spec.needs:
            if key not in seen:
                f = next(f for f in spec.fields if f.key == key)
                self.report.add(
                    title, line, f.headers[0], "", f"List {spec.number} ({spec.title}) needs this column"
                )
        if unknown:
            self.report.warn(
                title,
                line,
                unknown[0],
                ", ".join(unknown),
                f"not a column of Annex A List {spec.number}; not read",
            )
        not_stored = [seen[f.key] for f in spec.fields if not f.stored and f.key in seen]
        if spec.held and not_stored:
            self.report.warn(
                title,
                line,
                not_stored[0],
                ", ".join(not_stored),
                "not stored: the record model has no field for these columns",
            )
        if any(e.file == title for e in self.report.errors):
            return None
        return plan

    def _row(self, sheet: Sheet, plan: list[tuple[int, Field]], line: int, values: tuple) -> None:
        n = len(values)
        first = plan[0][0] if plan else 0
        # Nearly every row has its child ID (or the adopter's): only a row without one can be empty.
        if (first >= n or values[first] is None) and all(is_blank(v) for v in values):
            return  # an empty row (a formatted but unused row at the bottom of a sheet)
        sheet.seen += 1
        spec = sheet.spec
        if not spec.held:
            return
        title = sheet.title
        needs = spec.needs
        headers = sheet.headers
        row: dict = {}
        for i, f in plan:
            raw = values[i] if i < n else None
            key = f.key
            if raw is None or (raw.__class__ is str and is_blank(raw)):
                if key in needs:
                    self.report.warn(
                        title,
                        line,
                        headers[key],
                        _shown(raw or ""),
                        "row not imported: required value is blank",
                    )
                    sheet.left_out += 1
                    return
                row[key] = None
                continue
            try:
                row[key] = self._cell(f, raw, title, line, headers[key])
            except Bad as e:
                if key in needs:
                    self.report.warn(title, line, headers[key], _shown(raw), f"row not imported: {e}")
                    sheet.left_out += 1
                    return
                self.report.warn(title, line, headers[key], _shown(raw), f"value stored blank: {e}")
                row[key] = None
        sheet.rows.append((line, row))

    def _cell(self, f: Field, raw, title: str, line: int, header: str):
        kind = f.kind
        if kind == "date":
            d, guessed = parse_date(raw)
            if guessed:
                self.report.warn(
                    title,
                    line,
                    header,
                    _shown(raw),
                    f"value mapped by a guess: an Excel day number, read as {d:%d/%m/%Y}",
                )
            if d <= self.today and (self.latest is None or d > self.latest) and f.key != "dob":
                self.latest = d
            return d
        if kind == "id":
            return parse_child_id(raw)
        text = _shown(raw).strip() if not isinstance(raw, str) else raw.strip()
        if not text.isprintable():
            text = " ".join(text.split())
            if not text.isprintable():
                raise Bad("contains a control character")
        if kind == "code":
            assert f.codes is not None
            try:
                code, guessed = f.codes.lookup(text)
            except C.NotACode as e:
                raise Bad(f"{e}; allowed: {f.codes.allowed()}") from None
            if guessed:
                label = f.codes.labels.get(code, "")
                shown = f"{code} ({label})" if label and label.casefold() != code.casefold() else code
                self.report.warn(
                    title, line, header, text, f"value mapped by a guess to {shown}; use the Annex A code"
                )
            return code or None
        if kind == "postcode":
            pc = " ".join(text.upper().split())
            if not _POSTCODE.match(pc):
                raise Bad("not a UK postcode")
            return pc
        if f.max_length is not None and len(text) > f.max_length:
            raise Bad(f"longer than {f.max_length} characters")
        return text

    # == translation ==========================================================================================

    def _put(
        self, table: str, rid: str, values: dict[str, str], sheet: Sheet, line: int, columns: dict[str, str]
    ):
        """One record; a second with the same ID (two lists giving one record) fills what the first left
        blank."""
        rows = self.out.setdefault(table, {})
        hit = rows.get(rid)
        if hit is None:
            # `values` is the caller's own new dict; `columns` is shared by a list's rows (never changed
            # in place: a merge below copies it first).
            rows[rid] = Row(values, sheet.title, line, columns)
            return
        for k, v in values.items():
            if v and not hit.values.get(k):
                hit.values[k] = v
                if hit.sheet == sheet.title and k in columns and hit.columns.get(k) != columns[k]:
                    hit.columns = {**hit.columns, k: columns[k]}
            elif k not in hit.values:
                hit.values[k] = v  # given blank

    def _cols(self, sheet: Sheet, mapping: dict[str, str]) -> dict[str, str]:
        """bundle column -> the sheet's header it came from (for the report)."""
        return {b: sheet.headers[k] for b, k in mapping.items() if k in sheet.headers}

    def _numbered(self, sheet: Sheet, kind: str):
        """(line, row, ID) for each row, the ID CHILD-<kind>YYYYMMDD, -2, -3 for a second, third record
        of the same child and date on the list."""
        seen: dict[str, int] = {}
        for line, row in sheet.rows:
            base = f"{row['child']}-{kind}{_compact(row['date'])}"
            n = seen.get(base, 0) + 1
            seen[base] = n
            yield line, row, base if n == 1 else f"{base}-{n}"

    def _one_per(self, sheet: Sheet, key, what: str):
        first: dict = {}
        for line, row in sheet.rows:
            k = key(row)
            if k in first:
                self.report.warn(
                    sheet.title,
                    line,
                    sheet.headers["child"],
                    row["child"],
                    f"row not imported: {what} (first on row {first[k]})",
                )
                sheet.left_out += 1
                continue
            first[k] = line
            yield line, row

    def _translate(self, t: Translation) -> None:
        self._children()
        steps = {
            1: self._contacts,
            2: self._early_help,
            3: self._referrals,
            4: self._assessments,
            5: self._s47,
            6: self._cin,
            7: self._cp,
            8: self._care,
            9: self._care_leavers,
            10: self._adoptions,
        }
        for number, sheet in sorted(self.sheets.items()):
            if not sheet.spec.held:
                self.report.warn(
                    sheet.title, None, "", "", f"{sheet.seen} row(s) read and not stored: {sheet.spec.doc}"
                )
                continue
            steps[number](sheet)
            sheet.rows = []  # translated: the typed rows are not needed again
        for name in (f.name for f in BY_NAME.values()):
            rows = self.out.pop(name, None)
            if not rows:
                continue
            columns = [
                c.name
                for c in BY_NAME[name].columns
                # A child always has a sex (required): given, stored, or U (_keep_stored).
                if any(c.name in r.values for r in rows.values()) or (name, c.name) == ("children", "sex")
            ]
            self._keep_stored(name, columns, rows)
            t.table(name, columns)
            for r in rows.values():
                t.add(name, r.values, file=r.sheet, line=r.line, columns=r.columns)
            del rows

    def _keep_stored(self, name: str, columns: list[str], rows: dict[str, Row]) -> None:
        """A declared column a record does not give keeps its stored value (so a later workbook without
        that list, or with the cell blank where blank means 'not given', changes nothing there)."""
        from django.apps import apps

        spec = BY_NAME[name]
        if len(spec.key) != 1 or spec.column(spec.key[0]).kind == "ref":
            return
        key = spec.key[0]
        wanted = [rid for rid, r in rows.items() if any(c not in r.values for c in columns)]
        if not wanted:
            return
        fields = {}
        for c in columns:
            col = spec.column(c)
            if c == key or c == "child_id":
                continue  # every record gives its own ID and its child
            # A reference is read back as the referenced record's own ID (s47_id -> s47__s47_id).
            fields[c] = (
                f"{col.model_field}__{REF_TARGETS[col.ref][1]}" if col.kind == "ref" else col.model_field
            )
        model = apps.get_model(spec.model)
        for i in range(0, len(wanted), 2000):
            chunk = wanted[i : i + 2000]
            for rec in model.objects.filter(**{f"{key}__in": chunk}).values(key, *fields.values()).order_by():
                r = rows[rec[key]]
                for c, fname in fields.items():
                    if c not in r.values:
                        r.values[c] = _text(rec[fname])
        if name == "children":
            for r in rows.values():
                if not r.values.get("sex"):
                    # Never given on any list and not stored: unknown is the model's own word for it.
                    r.values["sex"] = "U"

    # -- children --------------------------------------------------------------------------------------------

    def _children(self) -> None:
        """One children row per child on lists 1-10, details merged across the lists."""
        fields = {
            "gender": "sex",
            "dob": "date_of_birth",
            "ethnicity": "ethnicity",
            "disability": "disability",
            "uasc": "uasc",
        }
        rows = self.out.setdefault("children", {})
        where: dict[str, dict[str, tuple[str, int]]] = {}  # child -> column -> the sheet and row it came from
        for _, sheet in sorted(self.sheets.items()):
            if not sheet.spec.held:
                continue
            for line, row in sheet.rows:
                child = row["child"]
                values = {"child_id": child}
                columns = {"child_id": sheet.headers["child"]}
                for key, col in fields.items():
                    v = row.get(key)
                    if v is None:
                        continue
                    if key == "dob":
                        if v > self.today:
                            col = "expected_date_of_birth"
                        v = v.isoformat()
                    values[col] = v
                    columns[col] = sheet.headers[key]
                hit = rows.get(child)
                if hit is None:
                    rows[child] = Row(values, sheet.title, line, columns)
                    where[child] = dict.fromkeys(values, (sheet.title, line))
                    continue
                given = where[child]
                for col, v in values.items():
                    old = hit.values.get(col)
                    if not old:
                        hit.values[col] = v
                        given[col] = (sheet.title, line)
                        if hit.sheet == sheet.title:
                            hit.columns[col] = columns[col]
                    elif old != v:
                        first_sheet, first_line = given[col]
                        self.report.warn(
                            sheet.title,
                            line,
                            columns[col],
                            _dmy(v),
                            f"differs from {_dmy(old)!r} given for child {child} on {first_sheet} row "
                            f"{first_line}; the first is kept",
                        )

    # -- the lists -------------------------------------------------------------------------------------------

    def _contacts(self, sheet: Sheet) -> None:
        cols = self._cols(
            sheet, {"contact_id": "date", "child_id": "child", "received_at": "date", "source": "source"}
        )
        for line, row, rid in self._numbered(sheet, "CT"):
            values = {
                "contact_id": rid,
                "child_id": row["child"],
                "received_at": f"{row['date'].isoformat()}T00:00:00",
            }
            if "source" in sheet.headers:
                values["source"] = row.get("source") or ""
            self._put("contacts", rid, values, sheet, line, cols)

    def _early_help(self, sheet: Sheet) -> None:
        cols = self._cols(
            sheet,
            {
                "episode_id": "date",
                "child_id": "child",
                "start_date": "date",
                "completion_date": "end",
                "organisation": "organisation",
            },
        )
        for line, row, rid in self._numbered(sheet, "EH"):
            if not self._ordered(sheet, line, row, "end"):
                continue
            values = {"episode_id": rid, "child_id": row["child"], "start_date": row["date"].isoformat()}
            if "end" in sheet.headers:
                values["completion_date"] = _iso(row.get("end"))
            if "organisation" in sheet.headers:
                values["organisation"] = row.get("organisation") or ""
            self._put("early_help", rid, values, sheet, line, cols)

    def _ordered(self, sheet: Sheet, line: int, row: dict, end_key: str, start_key: str = "date") -> bool:
        end, start = row.get(end_key), row.get(start_key)
        if end is not None and start is not None and end < start:
            self.report.warn(
                sheet.title,
                line,
                sheet.headers[end_key],
                f"{end:%d/%m/%Y}",
                f"row not imported: before {sheet.headers[start_key]} ({start:%d/%m/%Y})",
            )
            sheet.left_out += 1
            return False
        return True

    def _referrals(self, sheet: Sheet) -> None:
        cols = self._cols(
            sheet,
            {
                "referral_id": "date",
                "child_id": "child",
                "referral_date": "date",
                "source": "source",
                "nfa": "nfa",
            },
        )
        for line, row, rid in self._numbered(sheet, "RF"):
            values = {"referral_id": rid, "child_id": row["child"], "referral_date": row["date"].isoformat()}
            for col, key in (("source", "source"), ("nfa", "nfa")):
                if key in sheet.headers:
                    values[col] = row.get(key) or ""
            self._put("referrals", rid, values, sheet, line, cols)

    def _assessments(self, sheet: Sheet) -> None:
        cols = self._cols(
            sheet,
            {
                "assessment_id": "date",
                "child_id": "child",
                "start_date": "date",
                "authorised_date": "end",
                "child_seen": "seen",
                "outcome": "support",
            },
        )
        for line, row, rid in self._numbered(sheet, "AS"):
            if not self._ordered(sheet, line, row, "end"):
                continue
            values = {"assessment_id": rid, "child_id": row["child"], "start_date": row["date"].isoformat()}
            if "end" in sheet.headers:
                values["authorised_date"] = _iso(row.get("end"))
            if "seen" in sheet.headers:
                values["child_seen"] = row.get("seen") or ""
            if "support" in sheet.headers:
                support = row.get("support")
                values["outcome"] = {"Y": "continue_cin_cp_cla", "N": "nfa"}.get(support or "", "")
            self._put("assessments", rid, values, sheet, line, cols)

    def _s47(self, sheet: Sheet) -> None:
        sd_cols = self._cols(sheet, {"discussion_id": "date", "child_id": "child", "held_date": "date"})
        s47_cols = self._cols(
            sheet,
            {
                "s47_id": "date",
                "child_id": "child",
                "discussion_id": "date",
                "start_date": "date",
                "icpc_not_required": "icpc_unnecessary",
                "outcome": "icpc_unnecessary",
            },
        )
        conf_cols = self._cols(
            sheet,
            {
                "conference_id": "icpc",
                "child_id": "child",
                "s47_id": "date",
                "held_date": "icpc",
                "plan_made": "plan",
            },
        )
        for line, row, rid in self._numbered(sheet, "S47"):
            child, start = row["child"], row["date"]
            suffix = rid.removeprefix(f"{child}-S47")
            did = f"{child}-SD{suffix}"
            self._put(
                "strategy_discussions",
                did,
                {"discussion_id": did, "child_id": child, "held_date": start.isoformat()},
                sheet,
                line,
                sd_cols,
            )
            values = {"s47_id": rid, "child_id": child, "discussion_id": did, "start_date": start.isoformat()}
            unnecessary = row.get("icpc_unnecessary")
            if "icpc_unnecessary" in sheet.headers:
                values["icpc_not_required"] = unnecessary or ""
                # "No": a conference was deemed necessary, so the enquiry went on to an ICPC.
                values["outcome"] = "icpc" if unnecessary == "N" else ""
            self._put("s47_enquiries", rid, values, sheet, line, s47_cols)
            icpc = row.get("icpc")
            if icpc is not None:
                if icpc < start:
                    self.report.warn(
                        sheet.title,
                        line,
                        sheet.headers["icpc"],
                        f"{icpc:%d/%m/%Y}",
                        "conference not imported: before the strategy discussion that began the enquiry",
                    )
                    continue
                cid = f"{child}-ICPC{_compact(icpc)}"
                conf = {
                    "conference_id": cid,
                    "child_id": child,
                    "s47_id": rid,
                    "kind": "initial",
                    "held_date": icpc.isoformat(),
                }
                if "plan" in sheet.headers:
                    conf["plan_made"] = row.get("plan") or ""
                self._put("conferences", cid, conf, sheet, line, {**conf_cols, "kind": sheet.headers["icpc"]})

    def _cin(self, sheet: Sheet) -> None:
        ref_cols = self._cols(
            sheet,
            {
                "referral_id": "date",
                "child_id": "child",
                "referral_date": "date",
                "primary_need": "need",
                "closure_date": "end",
                "closure_reason": "reason",
            },
        )
        plan_cols = self._cols(
            sheet, {"plan_id": "status", "child_id": "child", "start_date": "date", "end_date": "end"}
        )
        visit_cols = self._cols(
            sheet, {"visit_id": "seen", "child_id": "child", "visit_date": "seen", "kind": "status"}
        )
        plans = 0
        rows = self._one_per(
            sheet,
            lambda r: (r["child"], r["date"]),
            "the child already has a CIN episode starting on this date",
        )
        for line, row in rows:
            if not self._ordered(sheet, line, row, "end"):
                continue
            child, start = row["child"], row["date"]
            rid = f"{child}-RF{_compact(start)}"
            values = {"referral_id": rid, "child_id": child, "referral_date": start.isoformat()}
            for col, key in (("primary_need", "need"), ("closure_reason", "reason")):
                if key in sheet.headers:
                    values[col] = row.get(key) or ""
            if "end" in sheet.headers:
                values["closure_date"] = _iso(row.get("end"))
            if values.get("closure_reason") and not values.get("closure_date"):
                self.report.warn(
                    sheet.title,
                    line,
                    sheet.headers["reason"],
                    values["closure_reason"],
                    "kept as given: a reason for closure on an episode with no CIN Closure Date",
                )
            self._put("referrals", rid, values, sheet, line, ref_cols)
            status = row.get("status")
            if status == "cin":
                pid = f"{child}-CIN{_compact(start)}"
                plan = {
                    "plan_id": pid,
                    "child_id": child,
                    "referral_id": rid,
                    "start_date": start.isoformat(),
                }
                if "end" in sheet.headers:
                    plan["end_date"] = _iso(row.get("end"))
                self._put(
                    "cin_plans", pid, plan, sheet, line, {**plan_cols, "referral_id": sheet.headers["date"]}
                )
                plans += 1
            seen = row.get("seen")
            kind = {"cla": "cla", "cp": "cp", "cin": "cin"}.get(status or "")
            if seen is not None and kind:
                vid = f"{child}-V{kind.upper()}{_compact(seen)}"
                visit = {
                    "visit_id": vid,
                    "child_id": child,
                    "visit_date": seen.isoformat(),
                    "kind": kind,
                    "seen": "Y",
                }
                self._put("visits", vid, visit, sheet, line, {**visit_cols, "seen": sheet.headers["seen"]})
        if plans:
            self.report.warn(
                sheet.title,
                None,
                sheet.headers.get("status", ""),
                "c) Child in need plan",
                f"{plans} CIN plan(s) stored from the Case Status: the list gives no plan start, so each plan "
                "starts on the CIN Start Date of its episode",
            )

    def _cp(self, sheet: Sheet) -> None:
        cols = self._cols(
            sheet,
            {
                "plan_id": "date",
                "child_id": "child",
                "start_date": "date",
                "end_date": "end",
                "initial_category": "initial",
                "latest_category": "latest",
            },
        )
        visit_cols = self._cols(
            sheet, {"visit_id": "visit", "child_id": "child", "visit_date": "visit", "seen_alone": "alone"}
        )
        conf_cols = self._cols(sheet, {"conference_id": "review", "child_id": "child", "held_date": "review"})
        rows = self._one_per(
            sheet, lambda r: (r["child"], r["date"]), "the child already has a CP plan starting on this date"
        )
        for line, row in rows:
            if not self._ordered(sheet, line, row, "end"):
                continue
            child, start = row["child"], row["date"]
            pid = f"{child}-CP{_compact(start)}"
            values = {"plan_id": pid, "child_id": child, "start_date": start.isoformat()}
            if "end" in sheet.headers:
                values["end_date"] = _iso(row.get("end"))
            for col, key in (("initial_category", "initial"), ("latest_category", "latest")):
                if key in sheet.headers:
                    values[col] = row.get(key) or ""
            self._put("cp_plans", pid, values, sheet, line, cols)
            visit = row.get("visit")
            if visit is not None:
                vid = f"{child}-VCP{_compact(visit)}"
                v = {
                    "visit_id": vid,
                    "child_id": child,
                    "visit_date": visit.isoformat(),
                    "kind": "cp",
                    "seen": "Y",
                }
                if "alone" in sheet.headers:
                    v["seen_alone"] = row.get("alone") or ""
                self._put(
                    "visits",
                    vid,
                    v,
                    sheet,
                    line,
                    {**visit_cols, "kind": sheet.headers["visit"], "seen": sheet.headers["visit"]},
                )
            review = row.get("review")
            if review is not None:
                cid = f"{child}-RCPC{_compact(review)}"
                self._put(
                    "conferences",
                    cid,
                    {
                        "conference_id": cid,
                        "child_id": child,
                        "kind": "review",
                        "held_date": review.isoformat(),
                    },
                    sheet,
                    line,
                    {**conf_cols, "kind": sheet.headers["review"]},
                )

    def _care(self, sheet: Sheet) -> None:
        h = sheet.headers
        rows = self._one_per(
            sheet,
            lambda r: (r["child"], r["date"]),
            "the child already has a period of care starting on this date",
        )
        periods: list[tuple[int, dict]] = []
        for line, row in rows:
            if not self._ordered(sheet, line, row, "end"):
                continue
            periods.append((line, row))
            child, start, end = row["child"], row["date"], row.get("end")
            changes: dict[date, set[str]] = {start: set()}
            for key, what in (("ls_start", "L"), ("pl_start", "P")):
                d = row.get(key)
                if d is None or d <= start:
                    continue
                if end is not None and d >= end:
                    self.report.warn(
                        sheet.title,
                        line,
                        h[key],
                        f"{d:%d/%m/%Y}",
                        "not used: on or after Date Ceased to be Looked After",
                    )
                    continue
                changes.setdefault(d, set()).add(what)
            points = sorted(changes)
            for i, d in enumerate(points):
                last = i == len(points) - 1
                what = changes[d]
                if i == 0:
                    rne, blame = "S", "date"
                elif what == {"L", "P"}:
                    rne, blame = "T", "ls_start"
                elif what == {"L"}:
                    rne, blame = "L", "ls_start"
                else:
                    rne, blame = "P", "pl_start"
                eid = f"{child}-{_compact(d)}"
                # The current legal status and placement hold from the day they began; before it they are
                # not known (blank), not the current ones.
                ls_known = (row.get("ls_start") or start) <= d
                pl_known = (row.get("pl_start") or start) <= d
                if last:
                    ends, rec = _iso(end), (row.get("rec") or "") if end else ""
                else:
                    ends, rec = points[i + 1].isoformat(), "X1"
                values = {
                    "episode_id": eid,
                    "child_id": child,
                    "start_date": d.isoformat(),
                    "rne": rne,
                    "end_date": ends,
                    "reason_ceased": rec,
                }
                cols = {
                    "episode_id": h[blame],
                    "child_id": h["child"],
                    "start_date": h[blame],
                    "rne": h[blame],
                }
                cols["end_date"] = h.get("end", "") if last else h[blame]
                cols["reason_ceased"] = h.get("rec", "") if last else h[blame]
                if "need" in h:
                    values["category_of_need"] = row.get("need") or ""
                    cols["category_of_need"] = h["need"]
                if "ls" in h:
                    values["legal_status"] = (row.get("ls") or "") if ls_known else ""
                    cols["legal_status"] = h["ls"]
                for col, key in (
                    ("placement_type", "place"),
                    ("placement_provider", "provider"),
                    ("placement_postcode", "postcode"),
                    ("placement_inside_la", "location"),
                ):
                    if key in h:
                        values[col] = (row.get(key) or "") if pl_known else ""
                        cols[col] = h[key]
                self._put("care_episodes", eid, values, sheet, line, cols)
        self._against_stored(sheet, periods)
        for line, row in periods:
            child, start, end = row["child"], row["date"], row.get("end")
            if row.get("rec") and end is None:
                self.report.warn(
                    sheet.title, line, h["rec"], row["rec"], "not stored: a reason ceased with no Date Ceased"
                )
            if (review := row.get("review")) is not None:
                rid = f"{child}-R{_compact(review)}"
                self._put(
                    "cla_reviews",
                    rid,
                    {"review_id": rid, "child_id": child, "review_date": review.isoformat()},
                    sheet,
                    line,
                    {"review_id": h["review"], "child_id": h["child"], "review_date": h["review"]},
                )
            if (visit := row.get("visit")) is not None:
                vid = f"{child}-VCLA{_compact(visit)}"
                self._put(
                    "visits",
                    vid,
                    {
                        "visit_id": vid,
                        "child_id": child,
                        "visit_date": visit.isoformat(),
                        "kind": "cla",
                        "seen": "Y",
                    },
                    sheet,
                    line,
                    {k: h["visit"] for k in ("visit_id", "visit_date", "kind", "seen")}
                    | {"child_id": h["child"]},
                )
            for key, kind, tag in (("health", None, "HA"), ("dental", "dental", "DC")):
                d = row.get(key)
                if d is None:
                    continue
                if kind is None:
                    # The initial health assessment is due within 20 working days of entering care.
                    kind = "initial" if start <= d <= start + timedelta(days=28) else "review"
                hid = f"{child}-{tag}{_compact(d)}"
                self._put(
                    "health_assessments",
                    hid,
                    {
                        "health_assessment_id": hid,
                        "child_id": child,
                        "kind": kind,
                        "completed_date": d.isoformat(),
                    },
                    sheet,
                    line,
                    {k: h[key] for k in ("health_assessment_id", "kind", "completed_date")}
                    | {"child_id": h["child"]},
                )

    def _against_stored(self, sheet: Sheet, periods: list[tuple[int, dict]]) -> None:
        """Report (not change) a stored episode this workbook does not give that falls in one of its
        periods of care: an upsert never deletes, so an episode from an earlier workbook whose placement
        has since changed stays beside the new ones."""
        from apps.care.models import CareEpisode

        if not periods or not CareEpisode.objects.exists():
            return
        ours = set(self.out.get("care_episodes", {}))
        children = {row["child"] for _, row in periods}
        stored: dict[str, list[tuple[str, date, date | None]]] = {}
        ids = sorted(children)
        for i in range(0, len(ids), 2000):
            rows = CareEpisode.objects.filter(child__child_id__in=ids[i : i + 2000]).order_by()
            for episode_id, child, start, end in rows.values_list(
                "episode_id", "child__child_id", "start_date", "end_date"
            ):
                if episode_id not in ours:
                    stored.setdefault(child, []).append((episode_id, start, end))
        for line, row in periods:
            start, end = row["date"], row.get("end") or date.max
            for episode_id, s_start, s_end in stored.get(row["child"], ()):
                if s_start < end and start < (s_end or date.max):
                    shown = f"{s_start:%d/%m/%Y}-{s_end:%d/%m/%Y}" if s_end else f"{s_start:%d/%m/%Y}, open"
                    self.report.warn(
                        sheet.title,
                        line,
                        sheet.headers["date"],
                        f"{start:%d/%m/%Y}",
                        f"kept as stored: episode {episode_id} ({shown}), from an earlier import and not in "
                        "this workbook, falls in this period of care; an import never deletes, so remove or "
                        "correct it at its source",
                    )

    def _care_leavers(self, sheet: Sheet) -> None:
        h = sheet.headers
        status_date = self.latest or self.today
        rows = self._one_per(sheet, lambda r: r["child"], "the child is on List 9 twice")
        mapping = {
            "eligibility": "eligibility",
            "in_touch": "in_touch",
            "last_contact_date": "contact",
            "activity": "activity",
            "accommodation": "accommodation",
            "accommodation_suitable": "suitable",
            "pathway_plan_review_date": "pathway",
        }
        cols = self._cols(sheet, {"child_id": "child", **mapping})
        cols["status_date"] = h["child"]
        n = 0
        for line, row in rows:
            n += 1
            values = {"child_id": row["child"], "status_date": status_date.isoformat()}
            for col, key in mapping.items():
                if key in h:
                    v = row.get(key)
                    values[col] = _iso(v) if isinstance(v, date) else (v or "")
            self._put("care_leavers", f"{row['child']}@{status_date}", values, sheet, line, cols)
        if not n:
            return
        self.report.warn(
            sheet.title,
            None,
            "",
            status_date.isoformat(),
            f"care leavers' status dated {status_date:%d/%m/%Y}: the latest date in the workbook (Annex A "
            "gives no date for the lists)",
        )

    def _adoptions(self, sheet: Sheet) -> None:
        mapping = {
            "entered_care_date": "entered",
            "decision_date": "decision",
            "placement_order_date": "order",
            "matched_date": "matched",
            "placed_date": "placed",
            "adoption_order_date": "adopted",
            "no_longer_placed_date": "no_longer",
            "no_longer_placed_reason": "no_longer_reason",
        }
        cols = self._cols(sheet, {"child_id": "child", **mapping})
        for line, row in self._one_per(sheet, lambda r: r["child"], "the child is on List 10 twice"):
            if not (
                self._ordered(sheet, line, row, "adopted", "placed")
                and self._ordered(sheet, line, row, "placed", "entered")
            ):
                continue
            values = {"child_id": row["child"]}
            for col, key in mapping.items():
                if key in sheet.headers:
                    v = row.get(key)
                    values[col] = _iso(v) if isinstance(v, date) else (v or "")
            self._put("adoptions", row["child"], values, sheet, line, cols)


def _dmy(text: str) -> str:
    """A bundle value as the lists write it (dates DD/MM/YYYY)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:]}/{text[5:7]}/{text[:4]}"
    return text


def _text(value) -> str:
    """A stored value as the bundle writes it."""
    if value is None:
        return ""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
