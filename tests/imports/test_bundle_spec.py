"""The importer's Python checks cover every constraint of every bundle model, so a bad row is reported with
its line and column instead of failing the whole import with an IntegrityError."""

from django.apps import apps
from django.db import models

from apps.imports.bundle.spec import FILES
from apps.imports.bundle.validate import CONSTRAINTS_CHECKED_ELSEWHERE, ROW_RULES, column_plans


def _in_lookups(q) -> set[str]:
    """Fields a Q restricts with __in (the shape of apps.core.fields.code_in)."""
    found = set()
    for child in q.children:
        if isinstance(child, models.Q):
            found |= _in_lookups(child)
        elif child[0].endswith("__in"):
            found.add(child[0].removesuffix("__in"))
    return found


def test_every_model_constraint_is_checked_before_writing():
    rule_names = {rule.constraint for rules in ROW_RULES.values() for rule in rules}
    unchecked = []
    for spec in FILES:
        model = apps.get_model(spec.model)
        plans = column_plans(spec)
        code_fields = {p.field for p in plans.values() if p.column.kind == "code"}
        required_fields = {p.field for p in plans.values() if p.column.required}
        for constraint in model._meta.constraints:
            name = constraint.name
            if name in rule_names or name in CONSTRAINTS_CHECKED_ELSEWHERE:
                continue
            if isinstance(constraint, models.CheckConstraint):
                fields = _in_lookups(constraint.condition)
                if fields and fields <= code_fields:
                    continue  # code_in: the code parser
                if name.endswith("_not_blank") and len(constraint.condition.children) == 1:
                    ((field, _),) = constraint.condition.children
                    if field in required_fields:
                        continue  # required ID: the blank check
            unchecked.append(f"{spec.filename}: {name}")
    assert unchecked == []


def test_rules_name_real_constraints_and_columns():
    for file, rules in ROW_RULES.items():
        spec = next(s for s in FILES if s.name == file)
        names = {c.name for c in apps.get_model(spec.model)._meta.constraints}
        columns = {c.name for c in spec.columns}
        for rule in rules:
            assert rule.constraint in names, rule.constraint
            assert set(rule.columns) <= columns, rule.columns
