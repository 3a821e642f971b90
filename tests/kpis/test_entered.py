"""Section 11: hand-entered measures are declared without a compute function, and a month's entries become
snapshot rows per org unit, as entered (never rolled up)."""

from decimal import Decimal

import pytest

from apps.kpis.measures.entered import ENTERED, entered_rows
from apps.kpis.models import EnteredMeasure
from apps.kpis.registry import load

D = Decimal


def test_entered_measures_declared():
    registry = load()
    for code, *_ in ENTERED:
        m = registry[code]
        assert m.entered and m.compute is None
        assert m.section == "11" and m.bases == ("month",)
        assert m.definition.endswith("Entered by hand.")
    assert registry["yot.reoffending"].unit == "percent"
    assert registry["yot.reoffending"].polarity == "down"
    assert registry["fo.recruitment_enquiries"].polarity == "up"


@pytest.fixture
def entries(org):
    def enter(code, period, org_key, **kw):
        EnteredMeasure.objects.create(kpi_code=code, period=period, org_unit=org[org_key], **kw)

    enter("yot.reoffending", "2018-03", "LA", numerator=211, denominator=500, note="MoJ")
    enter("yot.reoffending", "2018-03", "SVC", value=D("40.5"))  # only the published %
    enter("yot.reoffending", "2018-03", "SV2", value=41, numerator=20, denominator=50)  # the value wins
    enter("yot.reoffending", "2018-03", "T1", numerator=3, denominator=0)  # empty cohort: no value
    enter("yot.reoffending", "2018-02", "LA", value=50)  # another month
    enter("yot.first_time_entrants", "2018-03", "LA", value=12)
    enter("yot.first_time_entrants", "2018-03", "T1", numerator=5)
    enter("tf.national_rank", "2018-03", "LA", value=15, note="MHCLG league table, 142 LAs")
    enter("xx.partner_figure", "2018-03", "LA", numerator=7, denominator=10)  # not declared: a count
    enter("fd.contacts", "2018-03", "LA", value=99)  # a computed measure: ignored
    return {key: o.pk for key, o in org.items()}


def test_entered_rows(entries):
    rows = entered_rows("2018-03")
    assert set(rows) == {
        "yot.reoffending",
        "yot.first_time_entrants",
        "tf.national_rank",
        "xx.partner_figure",
    }
    re = rows["yot.reoffending"]
    # 211 / 500 x 100 = 42.2; nothing rolled up: the LA's figure is the one entered for it, not SVC + SV2 + T1.
    assert re[("month", entries["LA"], "", "")] == (D(211), D(500), D("42.2"))
    assert re[("month", entries["SVC"], "", "")] == (D("40.5"), None, D("40.5"))
    assert re[("month", entries["SV2"], "", "")] == (D(20), D(50), D(41))
    assert re[("month", entries["T1"], "", "")] == (D(3), D(0), None)
    assert set(re) == {("month", entries[k], "", "") for k in ("LA", "SVC", "SV2", "T1")}
    fte = rows["yot.first_time_entrants"]
    assert fte[("month", entries["LA"], "", "")] == (D(12), None, D(12))
    assert fte[("month", entries["T1"], "", "")] == (D(5), None, D(5))  # a count's value is its numerator
    assert rows["tf.national_rank"] == {("month", entries["LA"], "", ""): (D(15), None, D(15))}
    assert rows["xx.partner_figure"] == {("month", entries["LA"], "", ""): (D(7), D(10), D(7))}
    # Quantised like computed snapshots (6 places), so re-storing unchanged figures is a no-op.
    assert re[("month", entries["LA"], "", "")][2].as_tuple().exponent == -6


def test_entered_rows_other_and_empty_months(entries):
    assert entered_rows("2018-02") == {
        "yot.reoffending": {("month", entries["LA"], "", ""): (D(50), None, D(50))}
    }
    assert entered_rows("2018-04") == {}
