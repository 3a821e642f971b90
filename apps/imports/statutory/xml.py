"""Reading a statutory return's XML (CIN census, SSDA903 XML) so that no document can reach outside itself,
and checking it against the DfE's published XSD for its year.

Safety, in two layers:
  1. Before any tree is built, the document's prolog (what comes before the root element) is read token by
     token: an XML declaration, comments and processing instructions are passed over; a DOCTYPE refuses the
     file. Entity declarations can only live in a DOCTYPE, so a billion-laughs file or an external entity
     (`<!ENTITY x SYSTEM "file:///etc/passwd">`) is refused before the parser sees it. A statutory return
     never has a DOCTYPE: the DfE defines the formats by XSD.
  2. The parser itself resolves no entity, loads no DTD, validates against none, never touches the network
     and keeps libxml2's limits on huge documents (`huge_tree=False`), so even a document that slipped past
     the first layer could not be expanded or fetch anything.
A file larger than STATUTORY_XML_MAX_BYTES is refused before it is read (it is parsed whole), as is a file
that is not XML at all or not well formed (with the parser's line and reason).

The XSDs are not part of the repository (the DfE publishes them, and each collection year has its own): they
are read from the folders in STATUTORY_SCHEMA_DIR, chosen by file name (`*CIN_schema_2024.xsd`, `*CLA.xsd`).
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from lxml import etree

# Every parse of a return or a schema goes through this configuration; see the module docstring.
SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
MAX_SCHEMA_ERRORS = 50


def safe_parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers keep state (their error log) and are not thread-safe.
    return etree.XMLParser(**SAFE_PARSER_OPTIONS)


class XmlRefused(Exception):
    """A document that is not read; `reason` says why, `line` where (None for the whole file)."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


_BOMS = (
    (b"\x00\x00\xfe\xff", None),
    (b"\xff\xfe\x00\x00", None),
    (b"\xef\xbb\xbf", "latin-1"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
PROLOG_SCAN_BYTES = 1024 * 1024


def _prolog_text(data: bytes) -> str:
    """The start of the document as text good enough to find markup in: an ASCII-compatible encoding read as
    Latin-1 (every byte is a character, and markup is ASCII), UTF-16 by its byte-order mark or first bytes."""
    head = data[:PROLOG_SCAN_BYTES]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            if codec is None:
                raise XmlRefused("UTF-32 is not read; save the return as UTF-8")
            start = len(bom) if bom[0] != ord("<") and bom[1] != ord("<") else 0
            return head[start:].decode(codec, errors="replace")
    return head.decode("latin-1")


def check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE (and so every entity declaration) before the document is parsed; refuse a file whose
    first markup is not XML."""
    text = _prolog_text(data)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            raise XmlRefused("not an XML document: no root element")
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                raise XmlRefused("not an XML document: an unterminated '<?'")
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                raise XmlRefused("not an XML document: an unterminated comment")
            i = end + 3
        elif text.startswith("<!", i):
            line = text.count("\n", 0, i) + 1
            what = "a DOCTYPE" if text.startswith("<!DOCTYPE", i) else "a markup declaration"
            raise XmlRefused(
                f"the document declares {what}: a statutory return has none, and a document with one is "
                "refused unread so that no entity in it can be expanded or fetched",
                line,
            )
        elif text.startswith("<", i):
            return  # the root element: the prolog is over
        else:
            raise XmlRefused("not an XML document (it does not start with '<')")


def looks_like_xml(path: Path) -> bool:
    """Whether a file's content (not its name) is XML: its first non-blank character is '<'."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    try:
        text = _prolog_text(head)
    except XmlRefused:
        return True  # XML in an encoding we refuse; reading it says so
    return text.lstrip(" \t\r\n\ufeff").startswith("<")


def read_xml(path: Path) -> etree._ElementTree:
    """The parsed document, or XmlRefused (too large, not a regular file, a DOCTYPE, not well formed)."""
    limit = settings.STATUTORY_XML_MAX_BYTES
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise XmlRefused(f"cannot open the file: {e.strerror}") from None
    with open(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise XmlRefused("not a regular file; refused")
        if info.st_size > limit:
            raise XmlRefused(
                f"the file is {info.st_size:,} bytes, over the limit of {limit:,} (STATUTORY_XML_MAX_BYTES)"
            )
        data = f.read(limit + 1)
    if len(data) > limit:
        raise XmlRefused(f"the file grew past the limit of {limit:,} bytes while being read")
    check_prolog(data)
    parser = safe_parser()
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as e:
        raise XmlRefused(f"not well-formed XML: {e.msg}", e.lineno) from None
    if tree.docinfo.doctype:  # cannot happen after check_prolog; kept so the two layers stay independent
        raise XmlRefused("the document declares a DOCTYPE; refused")
    return tree


def local(tag) -> str:
    """An element's name without its namespace (comments and processing instructions have none)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


# -- schemas ------------------------------------------------------------------------------------------------


def schema_dirs() -> list[Path]:
    return [Path(p) for p in str(settings.STATUTORY_SCHEMA_DIR or "").split(os.pathsep) if p]


def find_schema(pattern: str) -> Path | None:
    """The first XSD matching `pattern` (a glob on the file name) in the schema folders, in order."""
    for folder in schema_dirs():
        if folder.is_dir():
            matches = sorted(p for p in folder.glob(pattern) if p.is_file())
            if matches:
                return matches[0]
    return None


@lru_cache(maxsize=16)
def _load_schema(path: str, mtime: float) -> etree.XMLSchema:
    data = Path(path).read_bytes()
    check_prolog(data)
    # base_url: an xs:include or xs:import beside the XSD is found there (never over the network).
    return etree.XMLSchema(etree.fromstring(data, safe_parser(), base_url=path))


def load_schema(path: Path) -> etree.XMLSchema:
    """The compiled XSD (cached while the file is unchanged); XmlRefused when it cannot be read."""
    try:
        return _load_schema(str(path), path.stat().st_mtime)
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError, XmlRefused) as e:
        raise XmlRefused(f"the schema {path.name} cannot be read: {e}") from None


def schema_errors(tree: etree._ElementTree, schema: etree.XMLSchema) -> list[tuple[int | None, str, str]]:
    """(line, element path, message) for each way the document breaks the schema (the first few)."""
    if schema.validate(tree):
        return []
    return [(e.line or None, e.path or "", e.message) for e in list(schema.error_log)[:MAX_SCHEMA_ERRORS]]
