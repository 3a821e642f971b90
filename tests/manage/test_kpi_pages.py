"""Targets, benchmarks, entered measures, baseline and measure settings: validation, and one audit event per
change with the values before and after."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEvent
from apps.kpis.models import Baseline, Benchmark, EnteredMeasure, MeasureSetting, Target
from tests.factories import BaselineFactory, BenchmarkFactory, EnteredMeasureFactory, TargetFactory

pytestmark = pytest.mark.django_db


def _target_data(la, **kw):
    data = {
        "measure": "cin.visits_in_time",
        "financial_year": 2024,
        "org_unit": la.pk,
        "basis": "",
        "value": "85",
        "amber_tolerance": "5",
        "tolerance_kind": "absolute",
    }
    data.update(kw)
    return data


def test_target_create_edit_delete_audited(admin_client, la, admin_user):
    assert admin_client.post(reverse("manage:target_new"), _target_data(la)).status_code == 302
    target = Target.objects.get()
    assert target.value == Decimal(85)
    admin_client.post(reverse("manage:target_edit", args=[target.pk]), _target_data(la, value="90"))
    target.refresh_from_db()
    assert target.value == Decimal(90)
    admin_client.post(reverse("manage:target_delete", args=[target.pk]))
    assert not Target.objects.exists()

    created, updated, deleted = AuditEvent.objects.filter(object_type="kpis.target").order_by("pk")
    assert (
        created.action == "create" and created.after["value"] == "85" and created.after["org_unit"] == la.pk
    )
    assert updated.before["value"] == "85" and updated.after["value"] == "90"
    assert deleted.action == "delete" and deleted.before["value"] == "90" and deleted.after is None
    assert {e.actor for e in (created, updated, deleted)} == {admin_user}
    assert created.object_id == updated.object_id == deleted.object_id == str(target.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measure": "no.such_measure"}, "measure"),
        ({"basis": "r36"}, "basis"),  # not a basis cin.visits_in_time is stored on
        ({"financial_year": "1066"}, "financial_year"),
        ({"amber_tolerance": "-1"}, None),
        ({"value": "lots"}, "value"),
    ],
)
def test_target_validation(admin_client, la, overrides, field):
    response = admin_client.post(reverse("manage:target_new"), _target_data(la, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and (field is None or field in errors)
    assert not Target.objects.exists() and not AuditEvent.objects.exists()


def test_target_duplicate_refused(admin_client, la):
    TargetFactory(measure="cin.visits_in_time", financial_year=2024, org_unit=la, basis="")
    response = admin_client.post(reverse("manage:target_new"), _target_data(la))
    assert response.status_code == 200 and response.context["form"].errors
    assert Target.objects.count() == 1


def test_la_only_measure_target_on_a_team_refused(admin_client, world):
    from apps.kpis.registry import load

    code = next(m.code for m in load().values() if m.la_only)
    response = admin_client.post(
        reverse("manage:target_new"),
        _target_data(world["teams"]["A1"], measure=code, basis=""),
    )
    assert "org_unit" in response.context["form"].errors


def test_benchmark_create_and_edit_imported(admin_client, admin_user):
    imported = BenchmarkFactory(measure="cin.visits_in_time", source="DfE CIN census", value=Decimal("80"))
    response = admin_client.post(
        reverse("manage:benchmark_edit", args=[imported.pk]),
        {
            "measure": "cin.visits_in_time",
            "year": imported.year,
            "kind": "england",
            "label": "",
            "value": "81.5",
            "source": "DfE CIN census (corrected)",
        },
    )
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.value == Decimal("81.5")
    [event] = AuditEvent.objects.filter(object_type="kpis.benchmark")
    assert event.before["value"] == "80" and event.after["value"] == "81.5"
    response = admin_client.post(
        reverse("manage:benchmark_new"),
        {"measure": "no.such", "year": 2024, "kind": "england", "value": "1"},
    )
    assert "measure" in response.context["form"].errors
    assert Benchmark.objects.count() == 1


def _entered(la, **kw):
    data = {
        "kpi_code": "yot.custody",
        "period": "2024-05",
        "org_unit": la.pk,
        "value": "3",
        "note": "YOT return",
    }
    data.update(kw)
    return data


def test_entered_measure_create_and_edit(admin_client, la, admin_user):
    assert admin_client.post(reverse("manage:entered_new"), _entered(la)).status_code == 302
    row = EnteredMeasure.objects.get()
    admin_client.post(reverse("manage:entered_edit", args=[row.pk]), _entered(la, value="4"))
    row.refresh_from_db()
    assert row.value == Decimal(4)
    created, updated = AuditEvent.objects.filter(object_type="kpis.enteredmeasure").order_by("pk")
    assert created.after["period"] == "2024-05" and created.after["value"] == "3"
    assert updated.before["value"] == "3" and updated.after["value"] == "4"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period": "2024-13"}, "period"),
        ({"period": "May 2024"}, "period"),
        ({"period": "1899-01"}, "period"),
        ({"kpi_code": "cin.visits_in_time"}, "kpi_code"),  # computed, not entered
        ({"value": ""}, "__all__"),
        ({"value": "", "denominator": "5"}, "numerator"),
        ({"value": "", "numerator": "2", "denominator": "-1"}, "denominator"),
    ],
)
def test_entered_measure_validation(admin_client, la, overrides, field):
    response = admin_client.post(reverse("manage:entered_new"), _entered(la, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EnteredMeasure.objects.exists()


def test_entered_measure_duplicate_refused(admin_client, la):
    EnteredMeasureFactory(kpi_code="yot.custody", period="2024-05", org_unit=la)
    response = admin_client.post(reverse("manage:entered_new"), _entered(la))
    assert response.status_code == 200 and response.context["form"].errors
    assert EnteredMeasure.objects.count() == 1


def test_baseline_set_keeps_history(admin_client, admin_user):
    old = BaselineFactory(period="2019-06", active=True, label="Ofsted 2019")
    response = admin_client.post(reverse("manage:baseline"), {"period": "2023-02", "label": "Ofsted 2023"})
    assert response.status_code == 302
    active = Baseline.objects.get(active=True)
    assert (active.period, active.label) == ("2023-02", "Ofsted 2023")
    old.refresh_from_db()
    assert not old.active
    events = AuditEvent.objects.filter(object_type="kpis.baseline").order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [("update", str(old.pk)), ("create", str(active.pk))]
    assert events[0].before["active"] is True and events[0].after["active"] is False


def test_baseline_bad_period(admin_client):
    response = admin_client.post(reverse("manage:baseline"), {"period": "2023-2", "label": "x"})
    assert "period" in response.context["form"].errors
    assert not Baseline.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"visit_standard_wd": 15, "colour": "red"}', "Unknown parameter(s): colour"),
        ('{"visit_standard_wd": "soon"}', "must be a whole number"),
        ('{"visit_standard_wd": -3}', "cannot be negative"),
        ('{"visit_standard_wd": 15', "Not valid JSON"),
        ("[1, 2]", "Enter a JSON object"),
    ],
)
def test_measure_setting_json_validated(admin_client, text, message):
    response = admin_client.post(
        reverse("manage:measure_edit", args=["cin.visits_in_time"]), {"polarity": "", "parameters": text}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["parameters"])
    assert not MeasureSetting.objects.exists()


def test_measure_setting_saved_and_cleared(admin_client, admin_user):
    from apps.kpis.measures.common import parameter

    url = reverse("manage:measure_edit", args=["cin.visits_in_time"])
    admin_client.post(url, {"polarity": "up", "parameters": '{"visit_standard_wd": 15}'})
    setting = MeasureSetting.objects.get(measure="cin.visits_in_time")
    assert setting.parameters == {"visit_standard_wd": 15} and setting.polarity == "up"
    assert parameter("cin.visits_in_time", "visit_standard_wd") == 15
    admin_client.post(url, {"polarity": "", "parameters": ""})
    assert not MeasureSetting.objects.exists()
    created, deleted = AuditEvent.objects.filter(object_type="kpis.measuresetting").order_by("pk")
    assert created.after["parameters"] == {"visit_standard_wd": 15}
    assert deleted.action == "delete" and deleted.before["polarity"] == "up"


def test_measure_setting_unknown_measure_404(admin_client):
    assert admin_client.get(reverse("manage:measure_edit", args=["no.such"])).status_code == 404


def test_target_and_entered_list_filters(admin_client, world, la):
    TargetFactory(measure="cin.visits_in_time", financial_year=2023, org_unit=la)
    TargetFactory(measure="cp.visits_in_time", financial_year=2024, org_unit=world["teams"]["A1"])
    EnteredMeasureFactory(kpi_code="yot.custody", period="2024-01", org_unit=la)
    EnteredMeasureFactory(kpi_code="yot.custody", period="2024-06", org_unit=la)

    def rows(name, params):
        return [r.record for r in admin_client.get(reverse(name), params).context["table"].rows]

    assert [t.measure for t in rows("manage:targets", {"financial_year": 2024})] == ["cp.visits_in_time"]
    assert [t.measure for t in rows("manage:targets", {"org_unit": la.pk})] == ["cin.visits_in_time"]
    assert [e.period for e in rows("manage:entered", {"period_from": "2024-03"})] == ["2024-06"]
    assert rows("manage:entered", {"period_from": "junk"}) == []
