"""Reporting periods. A period is a calendar month, half-open: [first day, first day of next month).
Financial years start on 1 April."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD_RE.match(text or "")
        if not m:
            raise ValueError(f"{text!r} is not a period (YYYY-MM)")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def containing(cls, d: date) -> Period:
        return cls(d.year, d.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_start(self) -> date:
        return (self + 1).start

    @property
    def end(self) -> date:
        """The period's last day (stock measures are 'as at' this day)."""
        return self.next_start - timedelta(days=1)

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def next_start_dt(self) -> datetime:
        return datetime.combine(self.next_start, time.min, tzinfo=LONDON)

    @property
    def financial_year(self) -> int:
        """The year the financial year containing this period starts in (April)."""
        return self.year if self.month >= 4 else self.year - 1

    @property
    def fy_start(self) -> date:
        return date(self.financial_year, 4, 1)

    def __add__(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Period:
        return self + (-months)


def period_range(first: Period, last: Period) -> list[Period]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = p + 1
    return out
