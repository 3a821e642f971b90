"""Every database constraint of every model has at least one case in a tests/<app>/test_constraints.py, and
every row-identifying unique field rejects a copy of an existing row."""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

import tests
from tests.constraint_cases import project_constraints
from tests.factories import FACTORIES


def _all_cases():
    cases = []
    for module in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        if module.name.endswith(".test_constraints"):
            cases.extend(getattr(importlib.import_module(module.name), "CASES", []))
    return cases


def test_every_constraint_has_a_case():
    covered = {case.constraint for case in _all_cases()}
    missing = sorted(
        f"{model._meta.label}.{name}"
        for name, (model, _) in project_constraints().items()
        if name not in covered
    )
    assert missing == [], "add a Case to tests/<app>/test_constraints.py for each of these"


def test_cases_name_real_constraints():
    known = project_constraints()
    assert sorted({case.constraint for case in _all_cases()} - set(known)) == []


def _unique_fields():
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                out.append(pytest.param(model, field.name, id=f"{model._meta.label}.{field.name}"))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "field_name"), _unique_fields())
def test_unique_field_rejects_a_copy(model, field_name):
    original = FACTORIES[model]()
    copy = model.objects.get(pk=original.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    # Make every other unique field distinct so only `field_name` clashes.
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key and field.name != field_name:
            value = getattr(copy, field.attname)
            setattr(copy, field.attname, value + 1 if isinstance(value, int) else f"{value}-copy")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save(force_insert=True)
