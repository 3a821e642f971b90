"""What an uploaded file is, read from its content, never from its name: a browser sends whatever name and
type the user's machine gives a file, and a return saved as "episodes.xlsx" that is really CSV (or the other
way round) would otherwise reach an importer that fails on it with a far less helpful message.

`sniff(stream)` looks at the first bytes (and, for a zip, its list of entries) and says what the file looks
like; `RULES` says, per import format, what it takes; `refusal(format, name, looks)` is the message for a file
the format does not take. The formats offered are the CSV bundle and every statutory format registered in
`apps.imports.statutory.FORMATS`, so a format added there is offered without touching this module; it is
checked by its rule here, or by `ANY_RETURN` until it has one.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

HEAD_BYTES = 64 * 1024

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of files people upload by mistake, so the message can say what was sent.
MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.xls or .doc; save it as .xlsx or CSV)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)

# An XML document's root: after the declaration, comments, processing instructions and a DOCTYPE.
_XML_PROLOGUE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


@dataclass(frozen=True)
class Looks:
    """What a file's content is. kind: empty, xlsx, office, zip_csv, zip, bad_zip, xml, csv, text, binary."""

    kind: str
    detail: str = ""  # an XML root element, the entry a zip holds that is not CSV, the binary's type

    def describe(self) -> str:
        return {
            "empty": "an empty file",
            "xlsx": "an Excel workbook (.xlsx)",
            "office": "an Office document that is not an Excel workbook",
            "zip_csv": "a .zip of CSV files",
            "zip": f"a .zip holding more than CSV files (such as {self.detail!r})",
            "bad_zip": "a damaged or unreadable .zip",
            "xml": f"an XML document whose root element is <{self.detail}>",
            "csv": "a CSV file with a header row",
            "text": f"text without a CSV header row ({self.detail})",
            "binary": self.detail or "a binary file that is not text, CSV, XML or an Excel workbook",
        }[self.kind]


def sniff(stream: BinaryIO) -> Looks:
    """What the seekable binary `stream` holds, from its content. The stream is left at its start."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        return Looks("empty")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        looks = _zip(stream)
        stream.seek(0)
        return looks
    for magic, what in MAGIC:
        if head.startswith(magic):
            return Looks("binary", what)
    text = _text(head, complete=len(head) < HEAD_BYTES)
    if text is None:
        return Looks("binary")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return Looks("xml", _xml_root(stripped) or "?")
    return _csv(text)


def _zip(stream: BinaryIO) -> Looks:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return Looks("bad_zip")
    if "[Content_Types].xml" in names:
        return Looks("xlsx") if any(n.startswith("xl/") for n in names) else Looks("office")
    # Folders and the metadata a Mac's "Compress" adds are not the user's files.
    files = [n for n in names if not n.startswith("__MACOSX/") and not n.rsplit("/", 1)[-1].startswith(".")]
    other = [n for n in files if not n.lower().endswith(".csv")]
    if files and not other:
        return Looks("zip_csv")
    return Looks("zip", other[0] if other else "nothing")


def _text(head: bytes, *, complete: bool) -> str | None:
    """The head decoded (BOM dropped), or None for bytes that are not text. A multi-byte character cut by
    the end of the head is not an error, unless the head is the whole file."""
    encoding, start = "utf-8", 0
    for bom, name in BOMS:
        if head.startswith(bom):
            encoding, start = name, len(bom)
            break
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head[start:], final=complete)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return text


def _xml_root(text: str) -> str | None:
    position = 0
    while match := _XML_PROLOGUE.match(text, position):
        position = match.end()
    rest = text[position:].lstrip()
    match = _XML_ROOT.match(rest)
    return match.group(2) if match else None


def _csv(text: str) -> Looks:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return Looks("text", "blank lines only")
    # The last line of the head may be cut short: only whole lines are read.
    whole = lines if len(lines) < 2 else lines[:-1]
    try:
        rows = list(csv.reader(whole[:20]))
    except csv.Error:
        return Looks("text", "its first lines are not CSV rows")
    names = [h.strip() for h in rows[0]]
    # A header row names at least two columns, every one of them, and the rows under it (if any) have as
    # many values, at least one of them: a letter's first sentence may hold a comma, its next line will not.
    if len(names) < 2 or not all(names):
        return Looks("text", "its first line does not name two or more columns")
    if len(rows) > 1 and not any(len(row) == len(names) for row in rows[1:]):
        return Looks("text", "no row under its first line has as many values as it names columns")
    return Looks("csv")


# == what each format takes =====================================================================================


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[str]
    wants: str  # what the format takes, for the page and the refusal
    many: bool = False  # several files make one upload (the 903's CSV set)
    roots: frozenset[str] = frozenset()  # for XML: the root elements it takes (empty: any)

    def takes(self, looks: Looks) -> bool:
        if looks.kind not in self.kinds:
            return False
        return not (looks.kind == "xml" and self.roots and looks.detail not in self.roots)


BUNDLE = "bundle"

RULES: dict[str, Rule] = {
    BUNDLE: Rule(
        frozenset({"zip_csv"}), "one .zip holding the bundle's CSV files (children.csv, contacts.csv...)"
    ),
    "ssda903": Rule(
        frozenset({"csv", "xml"}),
        "the return's CSV files (header, episodes, reviews...), one per table, or its XML file",
        True,
        roots=frozenset({"EXPSSDA903"}),
    ),
    "annex_a": Rule(frozenset({"xlsx"}), "the Annex A workbook (.xlsx)"),
    "cin_census": Rule(frozenset({"xml"}), "the CIN census XML file", roots=frozenset({"Message"})),
}

# A statutory format registered without a rule here yet: any of the kinds a return comes as.
ANY_RETURN = Rule(
    frozenset({"csv", "xlsx", "xml", "zip_csv"}), "the return's files (CSV, XML or .xlsx)", True
)


def rule(fmt: str) -> Rule:
    return RULES.get(fmt, ANY_RETURN)


def formats() -> list[tuple[str, str, Rule]]:
    """(code, label, rule) of every format the browser upload offers: the bundle, then FORMATS."""
    from .statutory import FORMATS

    return [(BUNDLE, "CSV bundle (.zip)", RULES[BUNDLE])] + [
        (code, cls.label, rule(code)) for code, cls in sorted(FORMATS.items())
    ]


def refusal(fmt_label: str, name: str, looks: Looks, wanted: Rule) -> str | None:
    """Why the file `name` is not for the format, or None when it is."""
    if wanted.takes(looks):
        return None
    return f"{name}: this looks like {looks.describe()}, but {fmt_label} takes {wanted.wants}."
