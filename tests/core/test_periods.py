from datetime import UTC, date, timedelta

import pytest

from apps.core.periods import LONDON, Period, period_range


def test_parse_and_str_round_trip():
    assert Period.parse("2018-04") == Period(2018, 4)
    assert str(Period(2018, 4)) == "2018-04"
    assert str(Period.parse("0999-01")) == "0999-01"


@pytest.mark.parametrize(
    "text", ["", None, "2018-4", "2018/04", "201804", "2018-13", "2018-00", " 2018-04", "18-04"]
)
def test_parse_rejects(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_month_must_be_1_to_12():
    with pytest.raises(ValueError):
        Period(2018, 0)
    with pytest.raises(ValueError):
        Period(2018, 13)


def test_containing():
    assert Period.containing(date(2018, 3, 31)) == Period(2018, 3)
    assert Period.containing(date(2018, 4, 1)) == Period(2018, 4)


@pytest.mark.parametrize(
    ("period", "start", "end", "next_start"),
    [
        (Period(2018, 4), date(2018, 4, 1), date(2018, 4, 30), date(2018, 5, 1)),
        (Period(2018, 12), date(2018, 12, 1), date(2018, 12, 31), date(2019, 1, 1)),
        (Period(2019, 2), date(2019, 2, 1), date(2019, 2, 28), date(2019, 3, 1)),
        (Period(2020, 2), date(2020, 2, 1), date(2020, 2, 29), date(2020, 3, 1)),  # leap year
    ],
)
def test_boundaries_are_half_open(period, start, end, next_start):
    assert period.start == start
    assert period.end == end
    assert period.next_start == next_start
    assert period.end + timedelta(days=1) == period.next_start


def test_datetime_boundaries_are_london_local_midnight():
    # April is in British Summer Time (UTC+1); January is GMT.
    april = Period(2018, 4)
    assert april.start_dt.tzinfo == LONDON
    assert april.start_dt.utcoffset() == timedelta(hours=1)
    assert april.start_dt.isoformat() == "2018-04-01T00:00:00+01:00"
    assert april.next_start_dt.isoformat() == "2018-05-01T00:00:00+01:00"
    assert Period(2018, 1).start_dt.isoformat() == "2018-01-01T00:00:00+00:00"
    # March contains the clock change: it starts in GMT and ends (1 April) in BST.
    march = Period(2018, 3)
    assert march.start_dt.utcoffset() == timedelta(0)
    assert march.next_start_dt.utcoffset() == timedelta(hours=1)
    # Python subtracts datetimes of one zone as wall time; in UTC the month is an hour short.
    utc_length = march.next_start_dt.astimezone(UTC) - march.start_dt.astimezone(UTC)
    assert utc_length == timedelta(days=31) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("period", "fy"),
    [(Period(2018, 3), 2017), (Period(2018, 4), 2018), (Period(2018, 12), 2018), (Period(2019, 1), 2018)],
)
def test_financial_year_starts_in_april(period, fy):
    assert period.financial_year == fy
    assert period.fy_start == date(fy, 4, 1)


def test_arithmetic_across_years():
    assert Period(2018, 12) + 1 == Period(2019, 1)
    assert Period(2018, 1) - 1 == Period(2017, 12)
    assert Period(2018, 4) + 12 == Period(2019, 4)
    assert Period(2018, 4) - 25 == Period(2016, 3)
    assert Period(2018, 4) + 0 == Period(2018, 4)


def test_ordering_and_hashing():
    assert Period(2017, 12) < Period(2018, 1) < Period(2018, 2)
    assert sorted([Period(2019, 1), Period(2018, 12)]) == [Period(2018, 12), Period(2019, 1)]
    assert len({Period(2018, 4), Period.parse("2018-04")}) == 1
    with pytest.raises(AttributeError):
        Period(2018, 4).month = 5  # frozen


def test_period_range_is_inclusive():
    assert period_range(Period(2018, 11), Period(2019, 2)) == [
        Period(2018, 11),
        Period(2018, 12),
        Period(2019, 1),
        Period(2019, 2),
    ]
    assert period_range(Period(2018, 4), Period(2018, 4)) == [Period(2018, 4)]
    assert period_range(Period(2018, 5), Period(2018, 4)) == []
    assert len(period_range(Period(2017, 4), Period(2018, 3))) == 12
