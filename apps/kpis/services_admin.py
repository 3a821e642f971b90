"""Writes behind the portal's KPI admin pages (/manage/targets, benchmarks, baseline, entered measures,
measure settings), each audited in the change's transaction (apps.accounts.audit)."""

from __future__ import annotations

from django.db import transaction

from apps.accounts import audit

from .models import Baseline, Benchmark, EnteredMeasure, MeasureSetting, Target

EDITABLE = {"target": Target, "benchmark": Benchmark, "entered_measure": EnteredMeasure}


def record_create(*, actor, model, data: dict):
    if model not in EDITABLE.values():
        raise ValueError(f"{model.__name__} is not edited through these pages")
    return audit.create(actor=actor, model=model, data=data)


def record_update(*, actor, obj, data: dict) -> bool:
    if type(obj) not in EDITABLE.values():
        raise ValueError(f"{type(obj).__name__} is not edited through these pages")
    return audit.update(actor=actor, obj=obj, data=data)[1]


def record_delete(*, actor, obj) -> None:
    if type(obj) not in EDITABLE.values():
        raise ValueError(f"{type(obj).__name__} is not edited through these pages")
    audit.delete(actor=actor, obj=obj)


@transaction.atomic
def baseline_set(*, actor, period: str, label: str) -> Baseline:
    """Make (period, label) the active baseline. The previous one is kept, inactive, so the history of
    baselines stays readable; setting the same one again changes nothing."""
    current = Baseline.objects.select_for_update().filter(active=True).first()
    if current is not None and (current.period, current.label) == (period, label):
        return current
    if current is not None:
        audit.update(actor=actor, obj=current, data={"active": False})
    return audit.create(actor=actor, model=Baseline, data={"period": period, "label": label, "active": True})


@transaction.atomic
def measure_setting_save(*, actor, measure: str, polarity: str, parameters: dict) -> MeasureSetting | None:
    """Set a measure's polarity override and LA-standard parameters. Clearing both removes the setting so
    the registry's defaults apply again."""
    setting = MeasureSetting.objects.select_for_update().filter(measure=measure).first()
    if not polarity and not parameters:
        if setting is not None:
            audit.delete(actor=actor, obj=setting)
        return None
    data = {"polarity": polarity, "parameters": parameters}
    if setting is None:
        return audit.create(actor=actor, model=MeasureSetting, data={"measure": measure, **data})
    audit.update(actor=actor, obj=setting, data=data)
    return setting
