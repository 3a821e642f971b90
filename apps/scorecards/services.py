"""Writes of the scorecards app that are not an admin's edit: loading a layout from its JSON file (the booklet's
default layout is fixtures/scorecard_layouts/booklet.json, loaded by migration 0002), and commentary."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts import access, audit
from apps.core.models import OrgUnit

from .models import Commentary

BOOKLET_LAYOUT = Path(settings.BASE_DIR) / "fixtures" / "scorecard_layouts" / "booklet.json"

ROW_FIELDS = (
    "plan_ref",
    "measure",
    "basis",
    "dimension",
    "breakdown",
    "headline",
    "label",
    "page_url",
    "polarity",
    "figure",
    "by_org_unit",
)
BOOLEAN_FIELDS = ("headline", "by_org_unit")


def validate_row(row: dict, registry: dict) -> None:
    """A layout row names a registered measure, one of its bases and one of its breakdown dimensions."""
    code = row.get("measure") or ""
    errors = {}
    if code:
        m = registry.get(code)
        if m is None:
            errors["measure"] = f"{code!r} is not a measure of the registry."
        else:
            if row.get("basis") and row["basis"] not in m.bases:
                errors["basis"] = f"{code} is stored on {', '.join(m.bases)} only."
            if row.get("dimension") and row["dimension"] not in m.breakdowns:
                allowed = ", ".join(m.breakdowns) or "none"
                errors["dimension"] = f"{code} has no breakdown {row['dimension']!r} (it has: {allowed})."
    elif not row.get("page_url"):
        errors["measure"] = "Choose a measure, or give a page link."
    if row.get("by_org_unit") and not code:
        errors["by_org_unit"] = "Only a row with a measure has figures by service or team."
    if row.get("figure") and not code:
        errors["figure"] = "Only a row with a measure shows a figure."
    if row.get("figure") not in (None, "", "numerator", "denominator"):
        errors["figure"] = "Choose the value, the count or the total."
    if bool(row.get("dimension")) != bool(row.get("breakdown")):
        errors["breakdown"] = "A sub-row needs both a breakdown dimension and its value."
    url = row.get("page_url") or ""
    if url and (not url.startswith("/") or url.startswith("//")):
        errors["page_url"] = "A page link is a path of the portal, starting with one /."
    if not code and not row.get("label"):
        errors["label"] = "A page link needs a label."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def layout_load(
    data: dict, *, layout_model=None, section_model=None, row_model=None, registry: dict | None = None
):
    """Create (or replace) the layout described by `data` ({slug, name, is_default, description,
    sections: [{title, rows: [{plan_ref, measure, ...}]}]}). The model classes may be a migration's
    historical ones; with `registry`, every row is validated against it first."""
    if layout_model is None:
        from .models import LayoutRow, LayoutSection, ScorecardLayout

        layout_model, section_model, row_model = ScorecardLayout, LayoutSection, LayoutRow
    if registry is not None:
        for section in data["sections"]:
            for row in section["rows"]:
                validate_row(row, registry)
    layout_model.objects.filter(slug=data["slug"]).delete()
    if data.get("is_default"):
        layout_model.objects.filter(is_default=True).update(is_default=False)
    layout = layout_model.objects.create(
        slug=data["slug"],
        name=data["name"],
        is_default=bool(data.get("is_default")),
        description=data.get("description", ""),
    )
    for s_order, section in enumerate(data["sections"], start=1):
        sec = section_model.objects.create(layout=layout, order=s_order * 10, title=section["title"])
        row_model.objects.bulk_create(
            row_model(
                section=sec,
                order=r_order * 10,
                **{f: row.get(f, False if f in BOOLEAN_FIELDS else "") for f in ROW_FIELDS},
            )
            for r_order, row in enumerate(section["rows"], start=1)
        )
    return layout


def read_layout_file(path: Path = BOOKLET_LAYOUT) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# Tabs and line breaks are part of writing; other control characters are not (they break exports and pages).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


@transaction.atomic
def commentary_write(*, actor, period: str, org_unit: OrgUnit, section: str, text: str) -> Commentary | None:
    """Save a new version of the commentary for (period, org unit, section), audited, and return it; None when
    the text is what the current version already says. Refuses anyone who may not comment on the unit."""
    if not access.may_comment_on(actor, org_unit):
        raise PermissionDenied("you may not write commentary for this unit")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "Write something, or leave the commentary as it is."})
    if CONTROL.search(text):
        raise ValidationError({"text": "The text holds a control character; paste it as plain text."})
    # Lock the unit's row so two people saving at once get versions n+1 and n+2, not two n+1s.
    OrgUnit.objects.select_for_update().filter(pk=org_unit.pk).first()
    current = (
        Commentary.objects.filter(period=period, org_unit=org_unit, section=section)
        .order_by("-version")
        .first()
    )
    if current is not None and current.text == text:
        return None
    return audit.create(
        actor=actor,
        model=Commentary,
        data={
            "period": period,
            "org_unit": org_unit,
            "section": section,
            "version": (current.version + 1) if current else 1,
            "text": text,
            "author": actor,
            "author_name": actor.get_full_name() or actor.username,
            "written_at": timezone.now(),
        },
    )
