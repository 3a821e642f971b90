"""A precomputed working-day table for the generator's hot loops: date -> working-day ordinal and back, in
O(1), built once from apps.core.workdays so it agrees with the measures' definition (A < d <= B)."""

from __future__ import annotations

from datetime import date, timedelta

from apps.core.workdays import set_of_holidays, working_day_ordinal


class WorkCalendar:
    def __init__(self, first: date, last: date):
        holidays = set_of_holidays()
        self.base = first.toordinal()
        self.k0 = working_day_ordinal(first - timedelta(days=1))
        self.ords: list[int] = []
        self.days: list[date] = []  # the working day with ordinal k is days[k - k0 - 1]
        k = self.k0
        d = first
        one = timedelta(days=1)
        while d <= last:
            if d.weekday() < 5 and d not in holidays:
                k += 1
                self.days.append(d)
            self.ords.append(k)
            d += one

    def ordinal(self, d: date) -> int:
        return self.ords[d.toordinal() - self.base]

    def between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b."""
        return self.ords[b.toordinal() - self.base] - self.ords[a.toordinal() - self.base]

    def add(self, d: date, n: int) -> date:
        """The date n working days after d (d itself when n is 0)."""
        if n <= 0:
            return d
        return self.days[self.ords[d.toordinal() - self.base] + n - self.k0 - 1]
