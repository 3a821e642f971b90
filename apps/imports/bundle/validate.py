"""Turning bundle text into typed values, and the row-level rules the models enforce as CheckConstraints.

Each spec column gets a ColumnPlan: a parser (text -> typed value, or CellError with a reason a user can act
on), the model field it fills and how to read the same value back from the database as a natural value (a
foreign key as the referenced row's ID, not its pk) so a bundle row and a stored row compare directly.

ROW_RULES repeats the models' end-after-start and range constraints in Python so a bad row gets a row-level
error instead of an IntegrityError at write time; tests/imports/test_bundle_spec.py checks that every
constraint of every bundle model is covered by a parser, the key checks or a rule here.

Every cell is also checked for control characters (one-line columns: none at all; `multiline` free text: tabs
and line breaks only), every ID column against spec.ID_RE (spaces around an ID are refused, never stripped)
and every date of birth against the day of the import: values that would otherwise be stored and break a page,
an export or a URL later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import LONDON, Period

from .spec import ID_RE, ID_RULE, REF_TARGETS, Column, FileSpec


class CellError(Exception):
    """A value that cannot be stored; the message is the reason shown to the user."""


class _Bad:
    """Marks a cell that failed to parse, so rules and key checks skip it."""

    def __repr__(self) -> str:
        return "BAD"


BAD = _Bad()

MIN_YEAR, MAX_YEAR = 1900, 2100
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_DATETIME_RE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)
_BOOLS = {"Y": True, "N": False}
MAX_LISTED_CODES = 40
# C0, DEL and C1 controls, and the Unicode line and paragraph separators; free text may keep tab, LF and CR.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break (LF)", "\r": "a line break (CR)"}
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class ColumnPlan:
    """How one column of one file is read, stored and compared."""

    column: Column
    parse: Callable[[str], Any]  # text -> typed value (None/"" when blank); raises CellError
    field: str  # model field name ("" for teams.csv, which the loader maps by hand)
    lookups: tuple[str, ...]  # values_list lookups giving the stored natural value
    from_db: Callable[..., Any] | None = None  # combines `lookups` into the natural value; None = lookups[0]

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def is_ref(self) -> bool:
        return self.column.kind == "ref"


# -- parsers -------------------------------------------------------------------------------------------------


def _check_year(d: date) -> None:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise CellError(f"year {d.year} is outside {MIN_YEAR}-{MAX_YEAR}")


def parse_date(text: str) -> date:
    if not (len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isascii()):
        raise CellError("not a date (YYYY-MM-DD)")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise CellError("not a valid date (YYYY-MM-DD)") from None
    _check_year(d)
    return d


def parse_datetime(text: str) -> datetime:
    """ISO 8601; naive = Europe/London local time, an offset is honoured. Returns an aware datetime."""
    if not _DATETIME_RE.match(text):
        raise CellError("not a date-time (ISO 8601, e.g. 2018-03-01T09:30:00)")
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise CellError("not a valid date-time (ISO 8601, e.g. 2018-03-01T09:30:00)") from None
    _check_year(dt)
    return dt.replace(tzinfo=LONDON) if dt.tzinfo is None else dt


def parse_bool(text: str) -> bool:
    try:
        return _BOOLS[text.upper()]
    except KeyError:
        raise CellError("not Y or N") from None


def parse_int(text: str) -> int:
    if not (text.isascii() and _INT_RE.match(text)):
        raise CellError("not a whole number")
    n = int(text)
    if not INT_MIN <= n <= INT_MAX:
        raise CellError("number out of range")
    return n


def decimal_parser(max_digits: int | None, decimal_places: int | None) -> Callable[[str], Decimal]:
    def parse(text: str) -> Decimal:
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise CellError("not a number") from None
        if not d.is_finite():
            raise CellError("not a finite number")
        if decimal_places is not None and max_digits is not None:
            exponent = d.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            if -exponent > decimal_places:
                raise CellError(f"more than {decimal_places} decimal places")
            if abs(d) >= Decimal(10) ** (max_digits - decimal_places):
                raise CellError(f"too large (at most {max_digits - decimal_places} digits before the point)")
        return d

    return parse


def parse_period(text: str) -> str:
    try:
        p = Period.parse(text)
    except ValueError:
        raise CellError("not a period (YYYY-MM)") from None
    # entered_measure_period_range
    if not 1990 <= p.year <= 2100:
        raise CellError("period outside 1990-01 to 2100-12")
    return str(p)


def code_parser(choices: type[models.TextChoices]) -> Callable[[str], str]:
    allowed = tuple(choices.values)
    allowed_set = frozenset(allowed)
    upper = {v.upper(): v for v in allowed}
    listed = ", ".join(allowed[:MAX_LISTED_CODES]) + (", …" if len(allowed) > MAX_LISTED_CODES else "")

    def parse(text: str) -> str:
        if text in allowed_set:
            return text
        hint = f" (did you mean {upper[text.upper()]}?)" if text.upper() in upper else ""
        raise CellError(f"unknown code{hint}; allowed: {listed}")

    return parse


def text_parser(max_length: int | None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if max_length is not None and len(text) > max_length:
            raise CellError(f"longer than {max_length} characters ({len(text)})")
        return text

    return parse


def id_parser(max_length: int | None) -> Callable[[str], str]:
    """An ID (spec.ID_RE). Spaces around it are an error, not stripped: " CH1" is not "CH1"."""

    def parse(text: str) -> str:
        if text != text.strip():
            raise CellError(
                "ID has spaces around it; remove them (' C1' and 'C1' would be two different IDs)"
            )
        if max_length is not None and len(text) > max_length:
            raise CellError(f"longer than {max_length} characters ({len(text)})")
        if ID_RE.match(text):
            return text
        if text[0] in "-_.":
            raise CellError(f"not a valid ID: an ID must start with a letter or a digit ({ID_RULE})")
        position, char = next((i, c) for i, c in enumerate(text, 1) if c not in _ID_CHARS)
        shown = "a space" if char == " " else repr(char)
        raise CellError(f"not a valid ID: {shown} at character {position} is not allowed ({ID_RULE})")

    return parse


def today() -> date:
    """The day of the import in Europe/London: no one in a bundle can be born after it."""
    return datetime.now(LONDON).date()


def birth_date_parser(*, unborn_column: bool) -> Callable[[str], date]:
    on = today()
    hint = "; a child not yet born has an expected_date_of_birth instead" if unborn_column else ""

    def parse(text: str) -> date:
        d = parse_date(text)
        if d > on:
            raise CellError(f"date of birth is after the day of the import ({on.isoformat()}){hint}")
        return d

    return parse


def _refusing_controls(parse: Callable[[str], Any], *, multiline: bool) -> Callable[[str], Any]:
    """Wraps a parser with the control-character check, which runs before anything else (a tab is not
    blank, it is refused). isprintable() is the fast path: nearly every cell is printable text."""
    pattern = _CONTROLS_IN_FREE_TEXT if multiline else _CONTROLS
    rest = "" if multiline else "; this column holds one line of text"

    def wrapped(text: str) -> Any:
        if not text.isprintable() and (m := pattern.search(text)):
            char = m.group()
            what = _CONTROL_NAMES.get(char, f"control character U+{ord(char):04X}")
            raise CellError(f"contains {what} at character {m.start() + 1}{rest}; remove it")
        return parse(text)

    return wrapped


def _with_blank(
    parse: Callable[[str], Any], *, required: bool, blank: Any, strip: bool
) -> Callable[[str], Any]:
    """Wraps a parser with the blank/required rule (whitespace-only counts as blank)."""

    def wrapped(text: str) -> Any:
        stripped = text.strip()
        if not stripped:
            if required:
                raise CellError("required value is blank")
            return blank
        return parse(stripped if strip else text)

    return wrapped


# -- column plans --------------------------------------------------------------------------------------------


def _org_unit_from_db(code: str | None, level: str | None) -> str | None:
    """The bundle's org_unit: blank (None) for the LA itself."""
    return None if code is None or level == OrgLevel.LA else code


TEAMS_FIELDS = {"team_code": "code", "team_name": "name", "service_code": "code", "service_name": "name"}


def column_plans(spec: FileSpec) -> dict[str, ColumnPlan]:
    """Every column of a file, by name, in spec order."""
    model = apps.get_model(spec.model)
    plans: dict[str, ColumnPlan] = {}
    has_expected_dob = any(c.name == "expected_date_of_birth" for c in spec.columns)
    for col in spec.columns:
        if spec.name == "teams":
            field = OrgUnit._meta.get_field(TEAMS_FIELDS[col.name])
            text = id_parser(field.max_length) if col.is_id else text_parser(field.max_length)
            parse = _with_blank(text, required=True, blank="", strip=False)
            plans[col.name] = ColumnPlan(col, _refusing_controls(parse, multiline=False), "", ())
            continue
        field = model._meta.get_field(col.model_field)
        from_db = None
        if col.kind == "ref":
            target_field = REF_TARGETS[col.ref][1]
            base: Callable[[str], Any] = id_parser(None)
            blank = None
            if col.ref == "org_units":
                lookups: tuple[str, ...] = (f"{field.name}__code", f"{field.name}__level")
                from_db = _org_unit_from_db
            else:
                lookups = (f"{field.name}__{target_field}",)
        else:
            lookups = (field.name,)
            blank = None if field.null else ""
            base = _base_parser(col, field)
            if col.name == "date_of_birth":
                base = birth_date_parser(unborn_column=has_expected_dob)
        strip = col.kind not in ("str", "ref")
        parse = _with_blank(base, required=col.required, blank=blank, strip=strip)
        parse = _refusing_controls(parse, multiline=col.multiline)
        plans[col.name] = ColumnPlan(col, parse, field.name, lookups, from_db)
    return plans


def _base_parser(col: Column, field: models.Field) -> Callable[[str], Any]:
    kind = col.kind
    if kind == "str":
        limits = [n for n in (col.max_length, getattr(field, "max_length", None)) if n]
        limit = min(limits) if limits else None
        return id_parser(limit) if col.is_id else text_parser(limit)
    if kind == "code":
        assert col.choices is not None
        return code_parser(col.choices)
    if kind == "date":
        return parse_date
    if kind == "datetime":
        return parse_datetime
    if kind == "bool":
        return parse_bool
    if kind == "int":
        return parse_int
    if kind == "decimal":
        return decimal_parser(getattr(field, "max_digits", None), getattr(field, "decimal_places", None))
    if kind == "period":
        return parse_period
    raise ValueError(f"unknown column kind {kind!r} for {col.name}")


# -- row rules (the models' CheckConstraints, in Python) -----------------------------------------------------


@dataclass(frozen=True)
class RowRule:
    constraint: str  # the model constraint it mirrors
    columns: tuple[str, ...]  # the first is the column blamed in the error
    ok: Callable[..., bool]  # called with the typed values of `columns`
    reason: str  # formatted with the values as {0}, {1}, ...


def _ends(end: str, start: str, constraint: str, verb: str = "is before") -> RowRule:
    return RowRule(
        constraint,
        (end, start),
        lambda e, s: e is None or s is None or e >= s,
        f"{end} {{0}} {verb} {start} {{1}}",
    )


def _fte(constraint: str) -> RowRule:
    return RowRule(
        constraint, ("fte",), lambda f: f is None or 0 < f <= 2, "FTE must be more than 0 and at most 2"
    )


ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "workers": (_ends("end_date", "start_date", "worker_end_after_start"), _fte("worker_fte_range")),
    "posts": (_ends("end_date", "start_date", "post_end_after_start"), _fte("post_fte_range")),
    "population": (
        RowRule("population_year_range", ("year",), lambda y: 1990 <= y <= 2100, "year must be 1990-2100"),
        RowRule("population_positive", ("age_0_17",), lambda n: n > 0, "population must be more than 0"),
    ),
    "children": (_ends("uasc_ceased_date", "date_of_birth", "child_uasc_ceased_after_birth"),),
    "allocations": (_ends("end_date", "start_date", "allocation_end_after_start"),),
    "contacts": (_ends("decided_at", "received_at", "contact_decided_after_received"),),
    "referrals": (_ends("closure_date", "referral_date", "referral_closed_after_opened"),),
    "early_help": (_ends("completion_date", "start_date", "early_help_end_after_start"),),
    "assessments": (_ends("authorised_date", "start_date", "assessment_authorised_after_start"),),
    "s47_enquiries": (_ends("completed_date", "start_date", "s47_completed_after_start"),),
    "cin_plans": (_ends("end_date", "start_date", "cin_plan_end_after_start"),),
    "cp_plans": (_ends("end_date", "start_date", "cp_plan_end_after_start"),),
    "care_episodes": (
        _ends("end_date", "start_date", "care_end_after_start"),
        RowRule(
            "care_open_has_no_rec",
            ("reason_ceased", "end_date"),
            lambda rec, end: end is not None or not rec,
            "a reason ceased needs an end date (the episode has none)",
        ),
    ),
    "missing_episodes": (_ends("end_date", "start_date", "missing_end_after_start"),),
    "adoptions": (
        _ends("adoption_order_date", "placed_date", "adoption_order_after_placement"),
        _ends("placed_date", "entered_care_date", "adoption_placed_after_entering_care"),
    ),
    "proceedings": (_ends("end_date", "start_date", "proceeding_end_after_start"),),
    "families": (
        _ends("outcome_met_date", "attached_date", "family_outcome_after_attached"),
        _ends("claimed_date", "attached_date", "family_claim_after_attached"),
    ),
    "life_story_work": (_ends("end_date", "start_date", "life_story_end_after_start"),),
    "entered_measures": (
        RowRule(
            "entered_measure_has_figure",
            ("value", "numerator"),
            lambda v, n: v is not None or n is not None,
            "give a value or a numerator",
        ),
        RowRule(
            "entered_measure_denominator_ok",
            ("denominator",),
            lambda d: d is None or d >= 0,
            "denominator must not be negative",
        ),
    ),
}

# Constraints enforced elsewhere than ROW_RULES: by the teams.csv handling, the key/uniqueness checks or a
# parser. Codes (`*_valid` built with code_in) and non-blank IDs (`*_not_blank`) are covered by the code
# parser and the required check; the spec test recognises those by shape.
CONSTRAINTS_CHECKED_ELSEWHERE = {
    "orgunit_level_valid": "teams.csv sets the level",
    "orgunit_parent_by_level": "teams.csv sets the parent",
    "orgunit_single_la": "the LA comes from ensure_la()",
    "orgunit_code_not_blank": "teams.csv codes are required",
    "entered_measure_period_range": "parse_period",
    "care_one_episode_per_child_start": "loader: care episode (child, start_date) check",
    "care_leaver_one_status_per_date": "file key",
    "family_member_unique": "file key",
    "life_story_one_per_start": "file key",
    "entered_measure_unique": "file key",
}
