"""The SSDA903 return's XML form (`EXPSSDA903/CHILD/HEADER ... EPISODE`) as the rows of the 903's CSV tables.

The XML carries the same fields as the CSV set, grouped by child: HEADER holds the child's header fields and,
inline, its UASC, OC3 and AD1 fields and its repeated AREVIEW, AMISSING and AD_PLACED groups and its OC2 and
PERMANENCE groups; each EPISODE is an episodes row. This module only regroups them into (table, column names,
values) rows, named as the CSV tables name them (CHILDID is CHILD, PL is PLACE), so that Ssda903 reads them
with the very rules it reads the CSV set with: one set of code lists, repairs and warnings.

  HEADER fields CHILDID SEX DOB ETHNIC UPN MOTHER MC_DOB   -> header
  HEADER UASC (1 = was unaccompanied) DUC                  -> uasc, for a child with UASC 1
  HEADER IN_TOUCH ACTIV ACCOM                              -> oc3, when any is given
  HEADER DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR ...     -> ad1, when any is given
  HEADER/AREVIEW, AMISSING, AD_PLACED, OC2, PERMANENCE     -> reviews, missing, placed_for_adoption, oc2,
                                                              previous_permanence: one row each
  EPISODE                                                  -> episodes
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .xml import local

HEADER_FIELDS = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "MOTHER", "MC_DOB")
UASC_FIELDS = ("UASC", "DUC")
OC3_FIELDS = ("IN_TOUCH", "ACTIV", "ACCOM")
AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
GROUPS = {  # a repeated or nested HEADER group -> (903 table, its fields)
    "AREVIEW": ("reviews", ("REVIEW", "REVIEW_CODE")),
    "AMISSING": ("missing", ("MISSING", "MIS_START", "MIS_END")),
    "AD_PLACED": ("placed_for_adoption", ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")),
    "OC2": (
        "oc2",
        (
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
    ),
    "PERMANENCE": ("previous_permanence", ("PREV_PERM", "LA_PERM", "DATE_PERM")),
}
EPISODE_FIELDS = (
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PL",
    "PL_POST",
    "HOME_POST",
    "URN",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
)
CSV_NAME = {"CHILDID": "CHILD", "PL": "PLACE"}  # the XML's names where the CSV tables name a column otherwise
XML_NAME = {v: k for k, v in CSV_NAME.items()}
# Every table the XML form can fill, so that one with no row (no child has an OC3 status) is still known to
# be in the return, as an empty CSV file would be.
ALWAYS = ("header", "uasc", "episodes")


@dataclass(frozen=True)
class XmlRow:
    table: str
    names: list[str]  # CSV column names
    values: list[str]
    line: int | None  # the record element's line in the file
    path: str  # the record element, e.g. CHILD[3]/EPISODE[2]
    child_path: str  # where the child's ID is, e.g. CHILD[3]/HEADER/CHILDID


@dataclass(frozen=True)
class Unread:
    name: str
    line: int | None
    path: str


def _leaves(el) -> dict:
    return {local(c.tag): c for c in el if local(c.tag) and len(c) == 0}


def _text(fields: dict, name: str) -> str:
    el = fields.get(name)
    return (el.text or "") if el is not None else ""


def rows(root) -> Iterator[XmlRow | Unread]:
    """Every row of every table, in document order; an element that is none of the 903's, as Unread."""
    for i, child in enumerate((c for c in root if local(c.tag)), start=1):
        cpath = f"CHILD[{i}]"
        if local(child.tag) != "CHILD":
            yield Unread(local(child.tag), child.sourceline, cpath)
            continue
        header = next((c for c in child if local(c.tag) == "HEADER"), None)
        if header is None:
            yield XmlRow("header", ["CHILD"], [""], child.sourceline, cpath, f"{cpath}/HEADER/CHILDID")
            continue
        hpath = f"{cpath}/HEADER"
        id_path = f"{hpath}/CHILDID"
        leaves = _leaves(header)
        child_id = _text(leaves, "CHILDID")
        dob = _text(leaves, "DOB")
        line = header.sourceline

        def row(table, fields, source, line, path, extra=(), child_id=child_id, dob=dob, id_path=id_path):
            names = ["CHILD", *extra, *(CSV_NAME.get(f, f) for f in fields)]
            values = [child_id, *(dob for _ in extra), *(_text(source, f) for f in fields)]
            return XmlRow(table, names, values, line, path, id_path)

        yield row("header", HEADER_FIELDS[1:], leaves, line, hpath)
        uasc = _text(leaves, "UASC").strip()
        if uasc == "1":
            yield row("uasc", ("DUC",), leaves, line, hpath)
        if any(_text(leaves, f).strip() for f in OC3_FIELDS):
            yield row("oc3", OC3_FIELDS, leaves, line, hpath, extra=("DOB",))
        if any(_text(leaves, f).strip() for f in AD1_FIELDS):
            yield row("ad1", AD1_FIELDS, leaves, line, hpath, extra=("DOB",))
        known = {*HEADER_FIELDS, *UASC_FIELDS, *OC3_FIELDS, *AD1_FIELDS}
        counts: dict[str, int] = {}
        for c in header:
            name = local(c.tag)
            if not name or name in known:
                continue
            if name not in GROUPS:
                yield Unread(name, c.sourceline, f"{hpath}/{name}")
                continue
            counts[name] = counts.get(name, 0) + 1
            table, fields = GROUPS[name]
            gpath = f"{hpath}/{name}[{counts[name]}]"
            sub = _leaves(c)
            for extra in set(sub) - set(fields):
                yield Unread(extra, sub[extra].sourceline, f"{gpath}/{extra}")
            yield row(table, fields, sub, c.sourceline, gpath, extra=("DOB",))
        e = 0
        for c in child:
            name = local(c.tag)
            if name == "EPISODE":
                e += 1
                epath = f"{cpath}/EPISODE[{e}]"
                sub = _leaves(c)
                for extra in set(sub) - set(EPISODE_FIELDS):
                    yield Unread(extra, sub[extra].sourceline, f"{epath}/{extra}")
                yield row("episodes", EPISODE_FIELDS, sub, c.sourceline, epath)
            elif name and name != "HEADER":
                yield Unread(name, c.sourceline, f"{cpath}/{name}")
