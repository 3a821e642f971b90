"""Cells for the CSV and Excel files people open in a spreadsheet: the one guard every export uses.

A spreadsheet reads a text cell that starts with `=`, `+`, `-` or `@` as a formula, and evaluates it when the
file is opened (CSV/formula injection: `=HYPERLINK(...)`, `=cmd|...`). Excel and LibreOffice also skip
leading whitespace before deciding, and accept the full-width forms (`＝１+１`), so the check looks at the
text after leading whitespace with compatibility forms folded (NFKC). A cell that starts with a tab or a
carriage return is quoted too: some tools drop those and read what follows. A dangerous cell is written
with a leading apostrophe, which spreadsheets show as text and never evaluate.

Numbers (int, float, Decimal) are never touched, so a negative number stays a number a spreadsheet can add
up; only text is.

`xlsx_cell` adds what openpyxl needs on top: it refuses (IllegalCharacterError) strings holding the C0
control characters XML 1.0 cannot carry, so those are replaced by U+FFFD, which shows that something was
there (removing them could make two different stored IDs look the same).

Ground floor: no other app is imported here.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_CHARS = frozenset("=+-@")
QUOTED_STARTS = ("\t", "\r")
# What openpyxl refuses (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): C0 controls other than tab, LF and CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or hide one behind a leading tab/CR)?"""
    if text.startswith(QUOTED_STARTS):
        return True
    head = text.lstrip()
    if not head:
        return False
    if head[0].isascii():  # the common case: ASCII is unchanged by NFKC
        return head[0] in FORMULA_CHARS
    # Full-width and other compatibility forms (＝ ＋ － ＠ ﹦ ⁼ ...) fold to the ASCII ones; whitespace that only
    # appears after folding is skipped as well.
    return unicodedata.normalize("NFKC", head[:8]).lstrip()[:1] in FORMULA_CHARS


def safe_cell(value):
    """The value as a CSV/Excel cell: text that a spreadsheet would evaluate gets a leading apostrophe;
    anything that is not text (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def xlsx_cell(value):
    """safe_cell, plus the control characters openpyxl cannot write replaced by U+FFFD."""
    value = safe_cell(value)
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return _XML_ILLEGAL.sub(REPLACEMENT, value)
    return value
