import pytest
from django.utils import timezone

from apps.core.services import ensure_la
from apps.scorecards.models import Commentary, LayoutRow, LayoutSection, ScorecardLayout
from tests.constraint_cases import Case, check_case
from tests.factories import BookletEditionFactory, BookletFileFactory, BookletRecipientFactory

pytestmark = pytest.mark.django_db


def layout(**kw):
    kw.setdefault("slug", f"layout-{ScorecardLayout.objects.count()}")
    kw.setdefault("name", "A layout")
    return ScorecardLayout.objects.create(**kw)


def section(**kw):
    kw.setdefault("layout", layout())
    kw.setdefault("order", 10)
    kw.setdefault("title", "A theme")
    return LayoutSection.objects.create(**kw)


def row(**kw):
    kw.setdefault("section", section())
    kw.setdefault("order", 10)
    kw.setdefault("measure", "fd.contacts")
    return LayoutRow.objects.create(**kw)


def second_row(**kw):
    first = row()
    return row(section=first.section, **kw)


def commentary(**kw):
    fields = {
        "period": "2018-03",
        "org_unit": ensure_la(),
        "section": "",
        "version": 1,
        "text": "x",
        "author_name": "A",
        "written_at": timezone.now(),
    }
    return Commentary.objects.create(**(fields | kw))


CASES = [
    Case(
        "commentary_one_row_per_version",
        lambda: (commentary(), commentary()),
        good=lambda: commentary(section="4"),
    ),
    Case("commentary_version_positive", lambda: commentary(version=0)),
    Case(
        "commentary_period_is_a_month",
        lambda: commentary(period="2018-13"),
        good=lambda: commentary(period="2018-12"),
    ),
    Case("commentary_section_known", lambda: commentary(section="99"), good=lambda: commentary(section="6a")),
    Case(
        "scorecard_layout_slug_unique",
        lambda: (layout(slug="same"), layout(slug="same")),
        good=lambda: layout(slug="other"),
    ),
    Case(
        "scorecard_layout_single_default",
        # The booklet's layout (from the data migration) is the default already.
        lambda: layout(slug="second-default", is_default=True),
        good=lambda: layout(slug="not-default", is_default=False),
    ),
    Case("scorecard_layout_slug_not_blank", lambda: layout(slug=""), good=lambda: layout(slug="x")),
    Case("scorecard_layout_name_not_blank", lambda: layout(name=""), good=lambda: layout(name="x")),
    Case(
        "layout_section_order_unique",
        lambda: section(layout=section().layout, order=10),
        good=lambda: section(layout=section().layout, order=20),
    ),
    Case("layout_section_title_not_blank", lambda: section(title=""), good=lambda: section(title="T")),
    Case("layout_row_order_unique", lambda: second_row(order=10), good=lambda: second_row(order=20)),
    Case(
        "layout_row_measure_or_page",
        lambda: row(measure="", page_url="", label="Nothing"),
        good=lambda: row(measure="", page_url="/pages/3/", label="A page"),
    ),
    Case(
        "layout_row_breakdown_has_dim",
        lambda: row(measure="mis.episodes", dimension="source"),
        good=lambda: row(measure="mis.episodes", dimension="source", breakdown="from_home"),
        note="a dimension without its value",
    ),
    Case(
        "layout_row_breakdown_has_dim",
        lambda: row(measure="mis.episodes", breakdown="from_home"),
        note="a value without its dimension",
    ),
    Case(
        "layout_row_breakdown_needs_measure",
        lambda: row(measure="", page_url="/pages/3/", label="x", dimension="source", breakdown="from_home"),
    ),
    Case(
        "layout_row_page_is_path",
        lambda: row(page_url="https://example.org/"),
        good=lambda: row(page_url="/pages/3/"),
        note="another site",
    ),
    Case("layout_row_page_is_path", lambda: row(page_url="//example.org/"), note="scheme-relative"),
    Case("layout_row_page_is_path", lambda: row(page_url="javascript:alert(1)"), note="script"),
    Case("layout_row_figure_valid", lambda: row(figure="median"), good=lambda: row(figure="numerator")),
    Case(
        "layout_row_by_unit_needs_measure",
        lambda: row(measure="", page_url="/pages/3/", label="x", by_org_unit=True),
        good=lambda: row(measure="wf.caseload", by_org_unit=True),
    ),
    Case("layout_row_polarity_valid", lambda: row(polarity="left"), good=lambda: row(polarity="down")),
    Case(
        "layout_row_has_label",
        lambda: row(measure="", page_url="/pages/3/", label=""),
        good=lambda: row(measure="", page_url="/pages/3/", label="The page"),
    ),
]


CASES += [
    Case(
        "booklet_edition_one_per_version",
        lambda: BookletEditionFactory(version=BookletEditionFactory(version=1).version),
        good=lambda: BookletEditionFactory(version=2),
    ),
    Case("booklet_edition_version_positive", lambda: BookletEditionFactory(version=0)),
    Case(
        "booklet_edition_period_is_a_month",
        lambda: BookletEditionFactory(period="2018-13"),
        good=lambda: BookletEditionFactory(period="2018-12"),
    ),
    Case(
        "booklet_file_one_per_kind",
        lambda: BookletFileFactory(edition=BookletFileFactory().edition),
        good=lambda: BookletFileFactory(edition=BookletFileFactory().edition, format="pdf"),
    ),
    Case("booklet_file_audience_known", lambda: BookletFileFactory(audience="everyone")),
    Case("booklet_file_format_known", lambda: BookletFileFactory(format="docx")),
    Case(
        "booklet_recipient_name_not_blank",
        lambda: BookletRecipientFactory(name=""),
        good=BookletRecipientFactory,
    ),
]


def timescale(**kw):
    """A timescale row of its own: the data migration seeds one per kind (kind is unique), so the kind's
    seeded row is removed first."""
    from apps.scorecards.models import Timescale

    kind = kw.pop("kind", "iha")
    Timescale.objects.filter(kind=kind).delete()
    return Timescale.objects.create(**({"kind": kind, "first_amount": 20, "first_unit": "working_days"} | kw))


CASES += [
    Case("timescale_kind_valid", lambda: timescale(kind="haircut"), good=lambda: timescale(kind="iha")),
    Case(
        "timescale_first_positive", lambda: timescale(first_amount=0), good=lambda: timescale(first_amount=1)
    ),
    Case("timescale_first_unit_valid", lambda: timescale(first_unit="fortnights")),
    Case(
        "timescale_then_step_whole",
        lambda: timescale(then_amount=3, then_unit=""),
        good=lambda: timescale(then_amount=3, then_unit="months"),
        note="an amount without its unit",
    ),
    Case(
        "timescale_then_step_whole",
        lambda: timescale(then_amount=None, then_unit="months"),
        note="a unit alone",
    ),
    Case(
        "timescale_later_step_whole",
        lambda: timescale(later_amount=None, later_unit="weeks"),
        note="a unit alone",
    ),
    Case(
        "timescale_later_step_whole",
        lambda: timescale(later_amount=0, later_unit="months"),
        good=lambda: timescale(later_amount=6, later_unit="months"),
    ),
    Case("timescale_due_soon_range", lambda: timescale(due_soon=251), good=lambda: timescale(due_soon=250)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)
