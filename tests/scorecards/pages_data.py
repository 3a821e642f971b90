"""Hand-made snapshots for the section pages and charts (the `booklet` fixture in conftest.py stores them): the booklet's March 2018 front door (contacts and
their outcomes for January to March, with the year to date) for the LA, and referrals for every month of
2016/17 and 2017/18."""

from datetime import datetime
from decimal import Decimal

from apps.core.periods import LONDON, Period

FROZEN = datetime(2018, 4, 3, 2, 0, tzinfo=LONDON)

# The booklet's contacts: received, and each outcome (the parts sum to the contacts received).
CONTACTS = {"2018-01": 1396, "2018-02": 1293, "2018-03": 1411}
OUTCOMES = {
    #            csc, early help, information, nfa, signposting, not decided
    "2018-01": (393, 139, 291, 546, 21, 6),
    "2018-02": (311, 113, 215, 640, 3, 11),
    "2018-03": (340, 131, 277, 591, 9, 63),
}
OUTCOMES_YTD = (1851, 664, 1276, 2802, 129, 83)  # sums to 6,805, the year to date received
PARTS = ("csc_referral", "early_help", "information", "nfa", "signposting", "not_decided")
REFERRALS = {str(Period(2016, 4) + i): 300 + i for i in range(12)} | {
    str(Period(2017, 4) + i): 400 + i for i in range(12)
}
REFERRALS["2017-05"] = 3  # small: a viewer gets a gap


def snap(kpi, period, num, den=None, *, unit, basis="month", dim="", part="", value=None):
    from tests.factories import SnapshotFactory

    if value is None:
        value = Decimal(num) if den is None else (Decimal(num) * 100 / Decimal(den) if den else None)
    return SnapshotFactory(
        measure=kpi,
        period=period,
        basis=basis,
        org_unit=unit,
        dimension=dim,
        breakdown=part,
        numerator=Decimal(num),
        denominator=None if den is None else Decimal(den),
        value=value,
    )


def month_held(period, *, frozen=True):
    from apps.kpis.models import PeriodState

    PeriodState.objects.update_or_create(
        period=period, defaults={"last_computed_at": FROZEN, "frozen_at": FROZEN if frozen else None}
    )
