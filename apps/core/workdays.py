"""Working days in England: Monday to Friday less the bank holidays of England and Wales, one-off holidays
included (2022 jubilee and state funeral, 2023 coronation), from the `holidays` package, never a hand list.

Durations are counted as the catalogue defines them: the number of working days d with A < d <= B, so the
same day is 0 and the next working day is 1. Each date gets an ordinal (working days from a fixed Monday up
to and including it) and a duration is a difference of ordinals, which makes every call O(log n).
"""

from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

_EPOCH = date(1900, 1, 1)  # a Monday
_FIRST_YEAR, _LAST_YEAR = 1970, 2080


@lru_cache(maxsize=1)
def _holiday_weekdays() -> tuple[date, ...]:
    calendar = holidays.UK(subdiv="ENG", years=range(_FIRST_YEAR, _LAST_YEAR + 1))
    return tuple(sorted(d for d in calendar if d.weekday() < 5))


def bank_holidays(year: int) -> list[date]:
    """Bank holidays of England in a year that fall on a weekday (substitute days included)."""
    return [d for d in _holiday_weekdays() if d.year == year]


def _check_range(d: date) -> None:
    if not (_FIRST_YEAR <= d.year <= _LAST_YEAR):
        raise ValueError(f"{d.isoformat()} is outside the working-day calendar ({_FIRST_YEAR}-{_LAST_YEAR})")


def working_day_ordinal(d: date) -> int:
    """Working days in [1900-01-01, d]."""
    _check_range(d)
    weeks, rest = divmod((d - _EPOCH).days + 1, 7)
    weekdays = weeks * 5 + min(rest, 5)
    return weekdays - bisect_right(_holiday_weekdays(), d)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in set_of_holidays()


@lru_cache(maxsize=1)
def set_of_holidays() -> frozenset[date]:
    return frozenset(_holiday_weekdays())


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (negative when end is before start)."""
    return working_day_ordinal(end) - working_day_ordinal(start)


def add_working_days(start: date, n: int) -> date:
    """The date that lies n working days after start (n >= 0); add_working_days(d, 0) is d itself."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = start
    while n:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def first_working_day_after(d: date) -> date:
    """The first working day strictly after d (e.g. the freeze day after a month's last day)."""
    return add_working_days(d, 1)


def years_before(d: date, years: int) -> date:
    """The same calendar date `years` earlier; 29 February falls back to 28 February."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)
