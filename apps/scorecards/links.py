"""Where a figure leads: the drill-down to the records behind its numerator or denominator. One place builds
the link, so the scorecard, the section pages and the charts' tables all link the same way."""

from __future__ import annotations

from urllib.parse import urlencode

NUMERATOR, DENOMINATOR = "numerator", "denominator"


def drill_url(
    kpi: str,
    *,
    period: str,
    org_unit: str,
    basis: str,
    dimension: str = "",
    breakdown: str = "",
    part: str = NUMERATOR,
) -> str:
    """/drill/<kpi>/?period=…&org_unit=…&basis=…[&dimension=…&breakdown=…]&part=numerator|denominator"""
    query = {"period": period, "org_unit": org_unit, "basis": basis}
    if dimension:
        query |= {"dimension": dimension, "breakdown": breakdown}
    query["part"] = part
    return f"/drill/{kpi}/?{urlencode(query)}"
