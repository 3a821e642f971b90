"""Writes behind /manage/scorecard-layouts/: layouts, their sections and rows, each audited in the change's
transaction (apps.accounts.audit). A row's measure, basis and breakdown are checked against the KPI
registry (services.validate_row) before anything is written."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from apps.accounts import audit
from apps.accounts.models import AuditEvent
from apps.kpis.registry import load

from .models import LayoutRow, LayoutSection, ScorecardLayout
from .services import BOOLEAN_FIELDS, ROW_FIELDS, validate_row

LAYOUT_FIELDS = ("name", "slug", "description", "is_default")
UP, DOWN = "up", "down"


def _unset_other_defaults(*, actor, keep: ScorecardLayout | None) -> None:
    others = ScorecardLayout.objects.select_for_update().filter(is_default=True)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    for other in others:
        audit.update(actor=actor, obj=other, data={"is_default": False})


@transaction.atomic
def layout_create(*, actor, data: dict) -> ScorecardLayout:
    if data.get("is_default"):
        _unset_other_defaults(actor=actor, keep=None)
    return audit.create(actor=actor, model=ScorecardLayout, data={f: data[f] for f in LAYOUT_FIELDS})


@transaction.atomic
def layout_update(*, actor, layout: ScorecardLayout, data: dict) -> bool:
    """Save a layout; making it the default takes the mark from the layout that had it."""
    if data.get("is_default"):
        _unset_other_defaults(actor=actor, keep=layout)
    return audit.update(actor=actor, obj=layout, data={f: data[f] for f in LAYOUT_FIELDS})[1]


@transaction.atomic
def layout_delete(*, actor, layout: ScorecardLayout) -> None:
    """Delete a layout with its sections and rows, each recorded in the audit trail."""
    for section in layout.sections.all():
        section_delete(actor=actor, section=section)
    audit.delete(actor=actor, obj=layout)


def _next_order(qs) -> int:
    return ((qs.aggregate(m=Max("order"))["m"] or 0) // 10 + 1) * 10


@transaction.atomic
def section_create(*, actor, layout: ScorecardLayout, title: str) -> LayoutSection:
    ScorecardLayout.objects.select_for_update().get(pk=layout.pk)
    order = _next_order(layout.sections.all())
    return audit.create(
        actor=actor, model=LayoutSection, data={"layout": layout, "order": order, "title": title}
    )


@transaction.atomic
def section_update(*, actor, section: LayoutSection, title: str) -> bool:
    section.refresh_from_db(fields=["layout", "order"])
    return audit.update(actor=actor, obj=section, data={"title": title})[1]


@transaction.atomic
def section_delete(*, actor, section: LayoutSection) -> None:
    for row in section.rows.all():
        audit.delete(actor=actor, obj=row)
    audit.delete(actor=actor, obj=section)


def _clean_row(data: dict) -> dict:
    row = {}
    for f in ROW_FIELDS:
        value = data.get(f)
        row[f] = bool(value) if f in BOOLEAN_FIELDS else (value or "").strip()
    validate_row(row, load())
    return row


@transaction.atomic
def row_create(*, actor, section: LayoutSection, data: dict) -> LayoutRow:
    row = _clean_row(data)
    LayoutSection.objects.select_for_update().get(pk=section.pk)
    order = _next_order(section.rows.all())
    return audit.create(actor=actor, model=LayoutRow, data={"section": section, "order": order, **row})


@transaction.atomic
def row_update(*, actor, row: LayoutRow, data: dict) -> bool:
    row.refresh_from_db(fields=["section", "order"])  # moves change them behind a form's back
    return audit.update(actor=actor, obj=row, data=_clean_row(data))[1]


@transaction.atomic
def row_delete(*, actor, row: LayoutRow) -> None:
    audit.delete(actor=actor, obj=row)


def _swap(*, actor, obj, siblings, direction: str) -> bool:
    """Swap `obj` with its neighbour above (up) or below (down) among `siblings`; False at either end. Both
    orders change in one transaction; a spare order value keeps the (parent, order) unique constraint."""
    if direction not in (UP, DOWN):
        raise ValueError(f"unknown direction {direction!r}")
    siblings = siblings.select_for_update()
    if direction == UP:
        other = siblings.filter(order__lt=obj.order).order_by("-order").first()
    else:
        other = siblings.filter(order__gt=obj.order).order_by("order").first()
    if other is None:
        return False
    mine, theirs = obj.order, other.order
    before = {obj.pk: audit.fields_of(obj), other.pk: audit.fields_of(other)}
    spare = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    model = type(obj)
    model.objects.filter(pk=obj.pk).update(order=spare)
    model.objects.filter(pk=other.pk).update(order=mine)
    model.objects.filter(pk=obj.pk).update(order=theirs)
    for changed in (obj, other):
        changed.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=changed,
            before=before[changed.pk],
            after=audit.fields_of(changed),
        )
    return True


@transaction.atomic
def section_move(*, actor, section: LayoutSection, direction: str) -> bool:
    return _swap(
        actor=actor,
        obj=section,
        siblings=LayoutSection.objects.filter(layout=section.layout_id),
        direction=direction,
    )


@transaction.atomic
def row_move(*, actor, row: LayoutRow, direction: str) -> bool:
    return _swap(
        actor=actor, obj=row, siblings=LayoutRow.objects.filter(section=row.section_id), direction=direction
    )


# --- booklet recipients (/manage/booklet-recipients/) ---------------------------------------------------


def recipient_create(*, actor, data: dict):
    from .models import BookletRecipient

    return audit.create(actor=actor, model=BookletRecipient, data=data)


def recipient_update(*, actor, obj, data: dict) -> bool:
    return audit.update(actor=actor, obj=obj, data=data)[1]


def recipient_delete(*, actor, obj) -> None:
    audit.delete(actor=actor, obj=obj)


TIMESCALE_FIELDS = (
    "first_amount",
    "first_unit",
    "then_amount",
    "then_unit",
    "later_amount",
    "later_unit",
    "due_soon",
)


@transaction.atomic
def timescale_update(*, actor, timescale, data: dict) -> bool:
    """Change a case-tracking timescale (/manage/timescales/), audited; False when nothing changed. A step
    without an amount loses its unit, so "no second step" is one state."""
    data = {f: data.get(f) for f in TIMESCALE_FIELDS}
    for step in ("then", "later"):
        if not data[f"{step}_amount"]:
            data[f"{step}_amount"], data[f"{step}_unit"] = None, ""
        data[f"{step}_unit"] = data[f"{step}_unit"] or ""
    return audit.update(actor=actor, obj=timescale, data=data)[1]
