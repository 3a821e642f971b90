"""Working days, worked out by hand from the England and Wales bank holiday lists (gov.uk).

A duration A -> B counts the working days d with A < d <= B: the same day is 0, the next working day is 1.
"""

from datetime import date

import pytest

from apps.core.workdays import (
    add_working_days,
    bank_holidays,
    first_working_day_after,
    is_working_day,
    working_days_between,
)

D = date

DURATIONS = [
    # (start, end, expected, why)
    (D(2018, 4, 3), D(2018, 4, 3), 0, "same day"),
    (D(2018, 4, 6), D(2018, 4, 9), 1, "Fri -> Mon: Sat, Sun skipped, Mon counts"),
    (D(2018, 4, 7), D(2018, 4, 9), 1, "Sat -> Mon: Sun skipped, Mon counts"),
    (D(2018, 4, 7), D(2018, 4, 8), 0, "Sat -> Sun: nothing but weekend"),
    (D(2018, 4, 6), D(2018, 4, 13), 5, "Fri -> next Fri: Mon-Fri"),
    (D(2018, 4, 9), D(2018, 4, 6), -1, "backwards: Fri 6 Apr lies one working day before Mon 9 Apr"),
    # Christmas 2018: Tue 25 and Wed 26 Dec are holidays; Mon 24 -> Thu 27 = only the 27th.
    (D(2018, 12, 24), D(2018, 12, 27), 1, "Christmas and Boxing Day on weekdays"),
    # Christmas 2020: Fri 25 is a holiday, Sat 26 Boxing Day -> substitute Mon 28.
    # Thu 24 -> Tue 29: 25 hol, 26-27 weekend, 28 substitute, 29 counts = 1.
    (D(2020, 12, 24), D(2020, 12, 29), 1, "2020: Boxing Day on a Saturday, substitute Mon 28"),
    # Christmas 2021: Sat 25 and Sun 26 -> substitutes Mon 27 and Tue 28.
    # Fri 24 (Christmas Eve is an ordinary day) -> Wed 29: 25-26 weekend, 27-28 substitutes, 29 counts = 1.
    (D(2021, 12, 24), D(2021, 12, 29), 1, "2021: both on a weekend, substitutes Mon 27 and Tue 28"),
    (D(2021, 12, 23), D(2021, 12, 24), 1, "2021: Christmas Eve is a working day"),
    # Christmas 2022: Sun 25 -> substitute Tue 27; Boxing Day Mon 26.
    # Fri 23 -> Wed 28: 24-25 weekend, 26 Boxing Day, 27 substitute, 28 counts = 1.
    (D(2022, 12, 23), D(2022, 12, 28), 1, "2022: Christmas on a Sunday, substitute Tue 27"),
    # New Year 2022: Sat 1 Jan -> substitute Mon 3 Jan. Fri 31 Dec -> Tue 4 Jan: only the 4th = 1.
    (D(2021, 12, 31), D(2022, 1, 4), 1, "New Year's Day on a Saturday, substitute Mon 3 Jan"),
    # Year end 2017/18: Mon 25, Tue 26 Dec and Mon 1 Jan are holidays. Fri 22 Dec -> Tue 2 Jan:
    # 27, 28, 29 Dec (3) + 2 Jan (1) = 4.
    (D(2017, 12, 22), D(2018, 1, 2), 4, "across Christmas and New Year"),
    # Easter 2018: Good Friday 30 Mar, Easter Monday 2 Apr. Thu 29 Mar -> Tue 3 Apr: only the 3rd = 1.
    (D(2018, 3, 29), D(2018, 4, 3), 1, "Good Friday and Easter Monday"),
    # Early May 2018: Mon 7 May. Fri 4 -> Tue 8: only the 8th = 1.
    (D(2018, 5, 4), D(2018, 5, 8), 1, "early May bank holiday"),
    # Early May 2020 moved to Fri 8 May (VE Day). Mon 4 -> Mon 11: 5, 6, 7 (3), 8 hol, 9-10 weekend, 11 (1) = 4.
    (D(2020, 5, 4), D(2020, 5, 11), 4, "2020: early May bank holiday moved to Friday 8 May"),
    (D(2020, 5, 1), D(2020, 5, 4), 1, "2020: Monday 4 May was an ordinary day"),
    # Spring (late May) 2018: Mon 28 May. Fri 25 -> Tue 29 = 1.
    (D(2018, 5, 25), D(2018, 5, 29), 1, "late May bank holiday"),
    # Summer 2018: Mon 27 Aug. Fri 24 -> Tue 28 = 1.
    (D(2018, 8, 24), D(2018, 8, 28), 1, "August bank holiday"),
    # 2022: the spring bank holiday moved from Mon 30 May to Thu 2 June, plus Fri 3 June (Platinum Jubilee).
    # Fri 27 May -> Tue 31 May: Mon 30 is an ordinary day, so 30 and 31 = 2.
    (D(2022, 5, 27), D(2022, 5, 31), 2, "2022: Monday 30 May was not a holiday"),
    # Wed 1 June -> Mon 6 June: 2 (spring), 3 (jubilee), 4-5 weekend, 6 counts = 1.
    (D(2022, 6, 1), D(2022, 6, 6), 1, "2022: spring bank holiday Thu 2 June and Platinum Jubilee Fri 3 June"),
    # State Funeral of Queen Elizabeth II: Mon 19 Sep 2022. Fri 16 -> Tue 20 = 1.
    (D(2022, 9, 16), D(2022, 9, 20), 1, "2022: State Funeral"),
    # Coronation of King Charles III: Mon 8 May 2023, the week after the early May holiday (Mon 1 May).
    # Fri 28 Apr -> Fri 12 May: 1 May hol, 2-5 (4), 8 May hol, 9-12 (4) = 8.
    (D(2023, 4, 28), D(2023, 5, 12), 8, "2023: early May and the coronation"),
    # 45 working days from Tue 3 Apr 2018 (the assessment timescale), counted by hand:
    #   Apr: 4-6 (3), 9-13 (5), 16-20 (5), 23-27 (5), 30 (1)       = 19
    #   May: 1-4 (4), [7 hol] 8-11 (4), 14-18 (5), 21-25 (5),
    #        [28 hol] 29-31 (3)                                     = 21 -> 40
    #   Jun: Fri 1 (1), Mon 4 - Thu 7 (4)                           =  5 -> 45 on Thu 7 June
    (D(2018, 4, 3), D(2018, 6, 7), 45, "45 working days: the 45th is Thu 7 June"),
    (D(2018, 4, 3), D(2018, 6, 6), 44, "one day short of 45"),
    (D(2018, 4, 3), D(2018, 6, 8), 46, "one day over 45"),
]


@pytest.mark.parametrize(("start", "end", "expected", "why"), DURATIONS, ids=[c[3] for c in DURATIONS])
def test_working_days_between(start, end, expected, why):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2018, 4, 3), True),  # an ordinary Tuesday
        (D(2018, 4, 7), False),  # Saturday
        (D(2018, 4, 8), False),  # Sunday
        (D(2018, 3, 30), False),  # Good Friday
        (D(2018, 4, 2), False),  # Easter Monday
        (D(2021, 12, 27), False),  # substitute for Christmas Day
        (D(2021, 12, 28), False),  # substitute for Boxing Day
        (D(2022, 5, 30), True),  # the late May Monday that moved
        (D(2022, 6, 2), False),  # spring bank holiday (moved)
        (D(2022, 6, 3), False),  # Platinum Jubilee
        (D(2022, 9, 19), False),  # State Funeral
        (D(2023, 5, 8), False),  # coronation
        (D(2020, 5, 8), False),  # VE Day 75
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_bank_holidays_2022_include_the_one_off_days():
    # gov.uk's list for England and Wales, 2022 (weekday dates, so 1 Jan and 25 Dec appear as substitutes).
    assert bank_holidays(2022) == [
        D(2022, 1, 3),  # New Year's Day (substitute)
        D(2022, 4, 15),  # Good Friday
        D(2022, 4, 18),  # Easter Monday
        D(2022, 5, 2),  # Early May
        D(2022, 6, 2),  # Spring (moved)
        D(2022, 6, 3),  # Platinum Jubilee
        D(2022, 8, 29),  # Summer
        D(2022, 9, 19),  # State Funeral
        D(2022, 12, 26),  # Boxing Day
        D(2022, 12, 27),  # Christmas Day (substitute)
    ]


def test_bank_holidays_2018():
    assert bank_holidays(2018) == [
        D(2018, 1, 1),
        D(2018, 3, 30),
        D(2018, 4, 2),
        D(2018, 5, 7),
        D(2018, 5, 28),
        D(2018, 8, 27),
        D(2018, 12, 25),
        D(2018, 12, 26),
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2018, 4, 3), 0, D(2018, 4, 3)),  # zero days: the day itself
        (D(2018, 4, 7), 0, D(2018, 4, 7)),  # ... even a Saturday
        (D(2018, 4, 6), 1, D(2018, 4, 9)),  # Fri + 1 = Mon
        (D(2018, 3, 29), 1, D(2018, 4, 3)),  # over Easter
        (D(2021, 12, 24), 1, D(2021, 12, 29)),  # over the 2021 substitute days
        (D(2022, 6, 1), 2, D(2022, 6, 7)),  # Thu 2 and Fri 3 June 2022 off: Mon 6 (1), Tue 7 (2)
        (D(2018, 4, 3), 45, D(2018, 6, 7)),  # the 45-day case above
        (D(2018, 4, 3), 15, D(2018, 4, 24)),  # 4-6 (3), 9-13 (5), 16-20 (5), 23-24 (2) = 15 on Tue 24 Apr
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected
    if n:
        assert working_days_between(start, expected) == n


def test_add_working_days_refuses_negative():
    with pytest.raises(ValueError):
        add_working_days(D(2018, 4, 3), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Month end Sat 31 Mar 2018: Sun 1 Apr, Mon 2 Apr is Easter Monday -> Tue 3 Apr.
        (D(2018, 3, 31), D(2018, 4, 3)),
        # Thu 31 May 2018 -> Fri 1 June.
        (D(2018, 5, 31), D(2018, 6, 1)),
        # Tue 31 May 2022 -> Wed 1 June (Thu 2 and Fri 3 are the holidays).
        (D(2022, 5, 31), D(2022, 6, 1)),
        # Sat 31 Dec 2022: Sun 1 Jan, Mon 2 Jan is the substitute New Year's Day -> Tue 3 Jan 2023.
        (D(2022, 12, 31), D(2023, 1, 3)),
        # Fri 30 Apr 2021 -> Mon 3 May is the early May holiday -> Tue 4 May.
        (D(2021, 4, 30), D(2021, 5, 4)),
    ],
)
def test_first_working_day_after(day, expected):
    assert first_working_day_after(day) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [(D(1969, 12, 31), D(2018, 1, 1)), (D(2018, 1, 1), D(2081, 1, 1)), (D(1900, 1, 1), D(1900, 1, 2))],
)
def test_dates_outside_the_calendar_raise(start, end):
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        working_days_between(start, end)
