"""Section 11: measures entered by hand. Booklet figures from partners or systems the portal does not hold
(the Youth Offending Team, Ministry of Justice youth justice data, the Troubled Families national league
table, the fostering recruitment campaign): an admin or lead manager enters the month's figure per org unit
(apps.kpis.models.EnteredMeasure, or entered_measures.csv) with its source in the note. They are declared
here (entered=True, no compute function) so they carry a label, unit, polarity, targets and history like any
other measure; `entered_rows` turns a month's entries into snapshot rows.
"""

from __future__ import annotations

from decimal import Decimal

from ..registry import Basis, Measure, Unit, register

S = "11"
Q6 = Decimal("0.000001")

ENTERED = [
    (
        "yot.cohort",
        "Young people open to the Youth Offending Team",
        Unit.COUNT,
        "none",
        "Young people open to the Youth Offending Team at period end, entered from the YOT case system.",
    ),
    (
        "yot.first_time_entrants",
        "First-time entrants to the youth justice system",
        Unit.COUNT,
        "down",
        "Young people aged 10-17 receiving their first youth caution or conviction, as published by the "
        "Ministry of Justice / Youth Justice Board for the LA (entered).",
    ),
    (
        "yot.reoffending",
        "Proven reoffending",
        Unit.PERCENT,
        "down",
        "Young people in the YOT reoffending cohort who proved to reoffend / the cohort (MoJ proven "
        "reoffending measure; entered as numerator and denominator, or as the published %).",
    ),
    (
        "yot.custody",
        "Custodial sentences",
        Unit.COUNT,
        "down",
        "Children sentenced to immediate custody in the period (entered from youth justice data).",
    ),
    (
        "tf.national_rank",
        "Families First national rank",
        Unit.COUNT,
        "down",
        "The LA's rank among upper-tier LAs on the Troubled Families programme for families turned around "
        "(1 = best; entered from the MHCLG league table).",
    ),
    (
        "tf.london_rank",
        "Families First London rank",
        Unit.COUNT,
        "down",
        "The LA's rank among London boroughs on the Troubled Families programme for families turned around "
        "(1 = best; entered from the MHCLG league table).",
    ),
    (
        "fo.recruitment_enquiries",
        "Fostering recruitment enquiries",
        Unit.COUNT,
        "up",
        "Enquiries from prospective foster carers received in the period through the recruitment campaign "
        "(entered by the fostering service).",
    ),
    (
        "fo.recruitment_assessments",
        "Prospective foster carer assessments started",
        Unit.COUNT,
        "up",
        "Assessments of prospective in-house foster carers started in the period (entered by the fostering "
        "service).",
    ),
]

for _code, _label, _unit, _polarity, _definition in ENTERED:
    register(
        Measure(
            _code,
            _label,
            S,
            _unit,
            _polarity,
            (Basis.MONTH,),
            compute=None,
            definition=_definition + " Entered by hand.",
            entered=True,
        )
    )


def _dec(x) -> Decimal | None:
    return None if x is None else Decimal(x).quantize(Q6)


def entered_rows(period: str) -> dict[str, dict[tuple, tuple]]:
    """{kpi_code: {("month", org_unit_id, "", ""): (numerator, denominator, value)}} for the figures entered
    for `period` (YYYY-MM), per org unit as entered: nothing is rolled up (a service's or the LA's figure is
    what was entered for it). The value is the one entered, else computed from numerator/denominator by the
    measure's unit (a zero or missing denominator gives no value); when only a value is entered it is also
    the numerator. A code the registry does not know is treated as a count. Figures entered for a measure
    the portal computes are ignored: they would overwrite its computed snapshots."""
    from apps.kpis.models import EnteredMeasure

    from ..registry import load

    registry = load()
    out: dict[str, dict[tuple, tuple]] = {}
    rows = EnteredMeasure.objects.filter(period=period).values_list(
        "kpi_code", "org_unit_id", "numerator", "denominator", "value"
    )
    for code, org, num, den, value in rows:
        m = registry.get(code)
        if m is not None and m.compute is not None:
            continue
        if num is None:
            num = value
        if value is None:
            value = m.value_of(num, den) if m is not None else num
        out.setdefault(code, {})[(Basis.MONTH, org, "", "")] = (_dec(num), _dec(den), _dec(value))
    return out
