"""The default layout (the booklet's Dashboard, loaded by migration 0002 from its JSON file) and the audited
writes of the layout admin."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import AuditEvent
from apps.kpis.registry import load
from apps.scorecards import services_admin as layouts
from apps.scorecards.models import LayoutRow, ScorecardLayout
from apps.scorecards.services import read_layout_file, validate_row

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_booklet_layout_as_the_default():
    layout = ScorecardLayout.objects.get(is_default=True)
    assert layout.slug == "booklet"
    data = read_layout_file()
    titles = list(layout.sections.order_by("order").values_list("title", flat=True))
    assert titles == [s["title"] for s in data["sections"]]
    assert titles[:3] == [
        "To drive sustainable practice improvement at pace",
        "Strengthened systems leadership for children",
        "Effective MASH",
    ]
    rows = LayoutRow.objects.filter(section__layout=layout)
    assert rows.count() == sum(len(s["rows"]) for s in data["sections"])
    refs = set(rows.values_list("plan_ref", flat=True))
    assert {"T1", "T6", "T8 2a(i)", "2a(vii)", "3a(vii)", "4a(iv)", "4b(ii)", "5a(iii)", "5a(vii)"} <= refs
    # The booklet's sub-rows: audit grades, staff make-up, missing from home / from care, court outcomes.
    parts = set(rows.exclude(dimension="").values_list("measure", "breakdown"))
    assert {
        ("qa.audits", "regular|inadequate"),
        ("wf.staff_makeup", "agency"),
        ("mis.episodes", "from_home"),
        ("mis.mean_length", "from_care"),
        ("ct.outcome", "sgo"),
        ("wf.supervision", "in_time"),
    } <= parts


def test_every_row_of_the_booklet_layout_names_a_registered_measure_basis_and_breakdown():
    registry = load()
    for section in read_layout_file()["sections"]:
        for row in section["rows"]:
            validate_row(row, registry)  # raises on an unknown code, basis or dimension
            if row.get("measure"):
                assert row["measure"] in registry


def test_the_migration_reverses_cleanly():
    """The data migration's two functions, run with the current models: reverse deletes, forward reloads."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("apps.scorecards.migrations.0002_booklet_layout")
    migration.unload(apps, None)
    assert not ScorecardLayout.objects.exists() and not LayoutRow.objects.exists()
    migration.load(apps, None)
    assert ScorecardLayout.objects.filter(slug="booklet", is_default=True).exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"measure": "no.such"}, "measure"),
        ({"measure": "fd.contacts", "basis": "r12"}, "basis"),
        ({"measure": "fd.contacts", "dimension": "source", "breakdown": "x"}, "dimension"),
        ({"measure": "mis.episodes", "dimension": "source"}, "breakdown"),
        ({"page_url": "https://elsewhere.example/", "label": "x"}, "page_url"),
        ({"page_url": "/pages/3/"}, "label"),
        ({}, "measure"),
    ],
)
def test_a_row_is_checked_against_the_registry(row, field):
    with pytest.raises(ValidationError) as exc:
        validate_row(row, load())
    assert field in exc.value.error_dict


@pytest.fixture
def admin(la):
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="layout-admin", role=Role.ADMIN)


def test_audited_writes(admin):
    layout = layouts.layout_create(
        actor=admin, data={"name": "Mine", "slug": "mine", "description": "", "is_default": True}
    )
    assert ScorecardLayout.objects.get(is_default=True) == layout  # the booklet's mark moved
    booklet = ScorecardLayout.objects.get(slug="booklet")
    assert AuditEvent.objects.filter(
        object_type="scorecards.scorecardlayout", object_id=str(booklet.pk)
    ).exists()
    a = layouts.section_create(actor=admin, layout=layout, title="A")
    b = layouts.section_create(actor=admin, layout=layout, title="B")
    assert (a.order, b.order) == (10, 20)
    r1 = layouts.row_create(actor=admin, section=a, data={"plan_ref": "T1", "measure": "fd.contacts"})
    r2 = layouts.row_create(
        actor=admin,
        section=a,
        data={"measure": "mis.episodes", "dimension": "source", "breakdown": "from_home", "headline": True},
    )
    assert layouts.row_move(actor=admin, row=r2, direction="up")
    assert list(a.rows.order_by("order").values_list("pk", flat=True)) == [r2.pk, r1.pk]
    assert not layouts.row_move(actor=admin, row=r2, direction="up")  # already at the top
    assert layouts.section_move(actor=admin, section=b, direction="up")
    assert list(layout.sections.order_by("order").values_list("title", flat=True)) == ["B", "A"]
    with pytest.raises(ValidationError):
        layouts.row_update(actor=admin, row=r1, data={"measure": "no.such"})
    assert layouts.row_update(actor=admin, row=r1, data={"plan_ref": "T9", "measure": "fd.contacts"})
    before = AuditEvent.objects.count()
    layouts.layout_delete(actor=admin, layout=layout)
    assert not ScorecardLayout.objects.filter(slug="mine").exists()
    # The layout, its two sections and two rows: one event each.
    assert AuditEvent.objects.count() == before + 5
    assert AuditEvent.objects.filter(object_type="scorecards.layoutrow", action="update").count() >= 3


def test_admin_pages_add_edit_move_and_delete_rows(client, login, admin):
    login(client, admin)
    booklet = ScorecardLayout.objects.get(slug="booklet")
    detail = client.get(f"/manage/scorecard-layouts/{booklet.pk}/")
    assert detail.status_code == 200 and "Regular audits" in detail.content.decode()
    section = booklet.sections.order_by("order").first()
    response = client.post(
        f"/manage/scorecard-sections/{section.pk}/rows/new/",
        {
            "plan_ref": "T9",
            "measure": "wf.caseload",
            "basis": "",
            "dimension": "",
            "breakdown": "",
            "label": "",
        },
    )
    assert response.status_code == 302
    added = section.rows.get(plan_ref="T9")
    bad = client.post(
        f"/manage/scorecard-rows/{added.pk}/", {"plan_ref": "T9", "measure": "wf.caseload", "basis": "month"}
    )
    assert bad.status_code == 200 and "stored on at_end only" in bad.content.decode()
    assert client.post(f"/manage/scorecard-rows/{added.pk}/move/", {"direction": "up"}).status_code == 302
    assert client.post(f"/manage/scorecard-rows/{added.pk}/delete/").status_code == 302
    assert not LayoutRow.objects.filter(pk=added.pk).exists()
