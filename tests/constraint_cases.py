"""Shared machinery for the tests/<app>/test_constraints.py files.

Each of those files lists `CASES`: for one database constraint, a callable that writes a row the constraint
must reject and (optionally) a near-miss that must save. tests/test_constraint_coverage.py gathers every
file's CASES and fails when a model constraint has none, so a new constraint cannot go untested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction


@dataclass(frozen=True)
class Case:
    constraint: str  # the constraint's name (names are unique across the project)
    bad: Callable[[], object]
    good: Callable[[], object] | None = None
    note: str = ""

    def __str__(self) -> str:
        return f"{self.constraint}[{self.note}]" if self.note else self.constraint


def project_constraints() -> dict[str, tuple[type[models.Model], models.BaseConstraint]]:
    """name -> (model, constraint) for every Meta.constraints entry of the project's own models."""
    out = {}
    for model in apps.get_models():
        if model.__module__.startswith("apps."):
            for constraint in model._meta.constraints:
                out[constraint.name] = (model, constraint)
    return out


def _names_constraint(error: IntegrityError, model, constraint) -> bool:
    message = str(error)
    if constraint.name in message:  # PostgreSQL names every constraint; SQLite names CHECK constraints
        return True
    if isinstance(constraint, models.UniqueConstraint) and message.startswith("UNIQUE constraint failed"):
        # SQLite names the columns of a unique index instead: "UNIQUE constraint failed: table.a, table.b".
        columns = [model._meta.get_field(f).column for f in constraint.fields]
        return all(f"{model._meta.db_table}.{c}" in message for c in columns)
    return False


def check_case(case: Case) -> None:
    model, constraint = project_constraints()[case.constraint]
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        case.bad()
    assert _names_constraint(excinfo.value, model, constraint), (
        f"expected {case.constraint} to reject the row, got: {excinfo.value}"
    )
    if case.good is not None:
        obj = case.good()
        assert obj.pk is not None


def twice(factory, *same: str, **overrides):
    """Create a row, then a second one sharing the fields named in `same` (for unique constraints)."""
    first = factory(**overrides)
    return factory(**{name: getattr(first, name) for name in same}, **overrides)
