"""Storing snapshots: open months are replaced in place, frozen months get new versions (restatements), an
unchanged recompute writes nothing, and export_snapshots prints the contract."""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from apps.core.periods import Period
from apps.frontdoor.models import Contact
from apps.kpis.models import PeriodState, Snapshot
from apps.kpis.selectors import export_rows
from apps.kpis.services import is_frozen, snapshot_period_compute
from apps.people.models import Child

LDN = ZoneInfo("Europe/London")
MARCH = Period(2018, 3)


@pytest.fixture
def data(org):
    child = Child.objects.create(child_id="K1", sex="F", date_of_birth=date(2010, 1, 1))
    for i, day in enumerate((1, 2, 31)):
        Contact.objects.create(
            contact_id=f"c{i}",
            child=child,
            received_at=datetime(2018, 3, day, 9, tzinfo=LDN),
            team=org["T1"],
            outcome="nfa",
            decided_at=datetime(2018, 3, day, 10, tzinfo=LDN),  # decided in March: counts as nfa
        )
    return child


def test_freeze_rule():
    # 2018-03-31 is a Saturday and 2 April is Easter Monday: March freezes on Tuesday 3 April.
    assert not is_frozen(MARCH, date(2018, 4, 2))
    assert is_frozen(MARCH, date(2018, 4, 3))


def contacts_la(version=None):
    qs = Snapshot.objects.filter(measure="fd.contacts", period="2018-03", basis="month", org_unit__level="la")
    if version:
        qs = qs.filter(version=version)
    return list(qs.values_list("version", "numerator"))


def test_open_month_replaced_in_place_and_unchanged_recompute_writes_nothing(data, org):
    run = snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 3, 31))
    assert run.rows_written > 0 and run.status == "succeeded"
    assert contacts_la() == [(1, 3)]
    again = snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 3, 31))
    assert again.rows_written == 0 and again.rows_unchanged == run.rows_written
    Contact.objects.filter(contact_id="c2").delete()
    third = snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 4, 2))
    assert contacts_la() == [(1, 2)]  # still open on Easter Monday: version 1 replaced
    assert third.restated == []
    assert PeriodState.objects.get(period="2018-03").frozen_at is None


def test_frozen_month_restated_as_new_version(data, org):
    snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 4, 3))
    assert PeriodState.objects.get(period="2018-03").frozen_at is not None
    unchanged = snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 5, 1))
    assert unchanged.rows_written == 0
    Contact.objects.create(
        contact_id="late", child=data, received_at=datetime(2018, 3, 20, 9, tzinfo=LDN), team=org["T2"]
    )
    run = snapshot_period_compute(period=MARCH, codes=["fd.contacts"], today=date(2018, 5, 1))
    assert run.restated == ["fd.contacts"]
    assert sorted(contacts_la()) == [(1, 3), (2, 4)]  # the published figure stays readable
    newest = {
        (r["org_unit"], r["basis"]): r for r in export_rows(period="2018-03") if r["kpi"] == "fd.contacts"
    }
    assert newest[(org["LA"].code, "month")]["numerator"] == 4
    assert newest[(org["LA"].code, "month")]["version"] == 2


def test_export_snapshots_json_and_csv(data, org):
    call_command(
        "snapshot",
        "--period",
        "2018-03",
        "--measure",
        "fd.contacts",
        "--measure",
        "fd.contact_outcome",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("export_snapshots", "--period", "2018-03", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    la_month = [
        r
        for r in rows
        if r["kpi"] == "fd.contacts" and r["org_unit"] == org["LA"].code and r["basis"] == "month"
    ]
    assert la_month == [
        {
            "kpi": "fd.contacts",
            "period": "2018-03",
            "org_unit": org["LA"].code,
            "dimension": None,
            "breakdown": None,
            "basis": "month",
            "numerator": 3,
            "denominator": None,
            "value": 3,
            "version": 1,
        }
    ]
    nfa_t1 = [
        r
        for r in rows
        if r["kpi"] == "fd.contact_outcome"
        and r["org_unit"] == "T1"
        and r["breakdown"] == "nfa"
        and r["basis"] == "month"
    ]
    assert nfa_t1[0]["numerator"] == 3 and nfa_t1[0]["denominator"] == 3 and nfa_t1[0]["value"] == 100
    out = StringIO()
    call_command("export_snapshots", "--period", "2018-03", "--org-unit", "T1", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "kpi,period,org_unit,dimension,breakdown,basis,numerator,denominator,value,version"
    assert all(",T1," in line for line in lines[1:])
    assert "fd.contacts,2018-03,T1,,,month,3,,3,1" in lines
