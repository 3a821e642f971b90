"""/scorecard/: hand-made snapshots, and the exact figures, arrows, ratings and marks the page shows."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.kpis.models import BenchmarkKind
from apps.scorecards.links import drill_url
from tests.factories import (
    BaselineFactory,
    BenchmarkFactory,
    MeasureSettingFactory,
    PeriodStateFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("scorecards:scorecard")


@pytest.fixture
def figures(la, world, months, snap):
    """The LA's figures for Aug and Sep 2026 (published) and Oct 2026 (open)."""
    # cin.visits_in_time (%, up): 80.0% -> 90.0%
    snap("cin.visits_in_time", "2026-08", 8, 10)
    snap("cin.visits_in_time", "2026-09", 9, 10)
    snap("cin.visits_in_time", "2026-10", 7, 10)
    # wf.unfunded_posts (count, down): 29 -> 27
    snap("wf.unfunded_posts", "2026-08", 29)
    snap("wf.unfunded_posts", "2026-09", 27)
    # fd.contacts (count, none): 1,293 -> 1,411
    snap("fd.contacts", "2026-08", 1293)
    snap("fd.contacts", "2026-09", 1411)
    # mis.episodes (count, down): 31 -> 34 overall, from home 3 (Aug, small) -> not stored (a zero) in Sep
    snap("mis.episodes", "2026-08", 31)
    snap("mis.episodes", "2026-09", 34)
    snap("mis.episodes", "2026-08", 3, dimension="source", breakdown="from_home")
    return la


def lines_of(response):
    return {(line.row.plan_ref, line.label): line for line in response.context["card"].lines}


def get(client, **params):
    return client.get(URL, {"layout": "test", **params})


def test_figures_arrows_and_previous_period(client, login, personas, layout, figures):
    login(client, personas["director"])
    response = get(client, period="2026-09")
    assert response.status_code == 200
    lines = lines_of(response)
    visits = lines[("T1", "CIN visits in timescale")]
    assert (visits.previous.value, visits.latest.value, visits.change) == (80, 90, Decimal(10))
    assert visits.direction == "positive_up"
    posts = lines[("T2", "Posts over establishment")]
    assert (posts.previous.value, posts.latest.value, posts.change) == (29, 27, Decimal(-2))
    assert posts.direction == "positive_down"
    contacts = lines[("T3", "Contacts received")]
    assert contacts.direction == "up"  # polarity none: the direction, neither good nor bad
    episodes = lines[("5a(iii)", "Missing episodes")]
    assert episodes.direction == "negative_up"
    home = lines[("5a(iii)", "From home")]
    assert (home.previous.value, home.latest.value, home.change, home.direction) == (
        3,
        0,
        -3,
        "positive_down",
    )

    html = response.content.decode()
    assert (
        '<span class="arrow arrow--positive arrow--positive-up" role="img" aria-label="Positive upward change"'
        in html
    )
    assert 'aria-label="Positive downward change"' in html
    assert 'aria-label="Negative upward change"' in html
    assert 'aria-label="Upward change (no better direction)"' in html
    assert "90.0%" in html and "80.0%" in html and "+10.0 pts" in html
    assert ">1,411<" in html and "1,293" in html and "+118" in html
    assert "Previous (Aug 2026)" in html and "Latest (Sep 2026)" in html
    # The section headings, in layout order; a page row is a label (no page there yet).
    assert html.index("Theme one") < html.index("Theme two")
    assert "A page to come" in html and "(page to come)" in html


def test_no_change_and_negative_down(client, login, personas, layout, figures, snap):
    snap("cin.visits_in_time", "2026-07", 9, 10)
    PeriodStateFactory(period="2026-07", frozen_at=None)
    login(client, personas["director"])
    lines = lines_of(get(client, period="2026-08"))
    assert lines[("T1", "CIN visits in timescale")].direction == "negative_down"  # 90% -> 80%, up is better
    snap("wf.unfunded_posts", "2026-10", 27)
    lines = lines_of(get(client, period="2026-10"))
    assert lines[("T2", "Posts over establishment")].direction == "no_change"


def test_polarity_override_and_target_rating(client, login, personas, layout, figures):
    # An admin says more contacts is better; the LA's 2026 target for CIN visits is 92% with 5 points amber.
    MeasureSettingFactory(measure="fd.contacts", polarity="up")
    TargetFactory(
        measure="cin.visits_in_time",
        financial_year=2026,
        org_unit=figures,
        value=Decimal("92"),
        amber_tolerance=Decimal("5"),
    )
    TargetFactory(
        measure="wf.unfunded_posts",
        financial_year=2026,
        org_unit=figures,
        value=Decimal("30"),
        amber_tolerance=None,
    )
    # A team falls back to the LA's target; its own 2026 target beats it.
    TargetFactory(measure="cin.visits_in_time", financial_year=2025, org_unit=figures, value=Decimal("50"))
    login(client, personas["director"])
    lines = lines_of(get(client, period="2026-09"))
    contacts = lines[("T3", "Contacts received")]
    assert contacts.polarity == "up" and contacts.direction == "positive_up"
    visits = lines[("T1", "CIN visits in timescale")]
    assert visits.target.value == 92 and visits.rating == "amber"
    assert lines[("T2", "Posts over establishment")].rating == "green"  # 27 <= 30, lower is better
    assert lines[("T3", "Contacts received")].rating is None  # no target, no rating
    html = get(client, period="2026-09").content.decode()
    assert (
        '<span class="rag rag--amber">Amber</span>' in html
        and '<span class="rag rag--green">Green</span>' in html
    )

    # Rating filter: only the amber line.
    only = lines_of(get(client, period="2026-09", rating="amber"))
    assert list(only) == [("T1", "CIN visits in timescale")]


def test_rating_rounds_to_the_figure_shown(client, login, personas, layout, la, months, snap):
    snap("cin.visits_in_time", "2026-09", 7996, 10000)  # 79.96% shows as 80.0%
    TargetFactory(
        measure="cin.visits_in_time",
        financial_year=2026,
        org_unit=la,
        value=Decimal("80"),
        amber_tolerance=None,
    )
    login(client, personas["director"])
    assert lines_of(get(client, period="2026-09"))[("T1", "CIN visits in timescale")].rating == "green"


def test_target_falls_back_to_the_la(client, login, personas, layout, figures, world, snap):
    team = world["teams"]["A1"]
    snap("cin.visits_in_time", "2026-09", 1, 2, org_unit=team)
    TargetFactory(measure="cin.visits_in_time", financial_year=2026, org_unit=figures, value=Decimal("40"))
    login(client, personas["director"])
    line = lines_of(get(client, period="2026-09", org_unit="A1"))[("T1", "CIN visits in timescale")]
    assert (line.latest.value, line.target.org_unit_id, line.rating) == (50, figures.pk, "green")


def test_baseline_and_benchmarks(client, login, personas, layout, figures, snap):
    PeriodStateFactory(period="2024-12", frozen_at=None)
    snap("wf.unfunded_posts", "2024-12", 40)
    BaselineFactory(label="Last Ofsted", period="2024-12", active=True)
    BenchmarkFactory(
        measure="cin.visits_in_time", year=2026, kind=BenchmarkKind.ENGLAND, value=Decimal("85.5")
    )
    BenchmarkFactory(
        measure="cin.visits_in_time",
        year=2025,
        kind=BenchmarkKind.REGION,
        label="London",
        value=Decimal("88"),
    )
    BenchmarkFactory(
        measure="cin.visits_in_time", year=2026, kind=BenchmarkKind.STAT_NEIGHBOURS, value=Decimal("87.25")
    )
    BenchmarkFactory(measure="cin.visits_in_time", year=2027, kind=BenchmarkKind.ENGLAND, value=Decimal("1"))
    login(client, personas["director"])
    response = get(client, period="2026-09")
    lines = lines_of(response)
    posts = lines[("T2", "Posts over establishment")]
    assert (posts.baseline_change, posts.baseline_direction) == (Decimal(-13), "positive_down")
    bench = lines[("T1", "CIN visits in timescale")].benchmarks
    assert {k: (b.year, b.value) for k, b in bench.items()} == {
        "england": (2026, Decimal("85.5")),
        "region": (2025, Decimal("88")),
        "stat_neighbours": (2026, Decimal("87.25")),
    }
    html = response.content.decode()
    assert "Change since Last Ofsted (Dec 2024)" in html
    assert 'title="England 2026">85.5%<' in html and 'title="Region 2025, London">88.0%<' in html
    assert 'title="Statistical neighbours 2026">87.3%<' in html


def test_restated_figure_shows_the_value_first_published(client, login, personas, layout, figures, snap):
    snap("fd.contacts", "2026-09", 1420, version=2)
    login(client, personas["director"])
    response = get(client, period="2026-09")
    line = lines_of(response)[("T3", "Contacts received")]
    assert (line.latest.value, line.restated, line.first_published) == (1420, True, Decimal("1411"))
    assert "restated; first published 1,411" in response.content.decode()


def test_open_month_is_provisional(client, login, personas, layout, figures):
    login(client, personas["director"])
    response = get(client, period="2026-10")
    html = response.content.decode()
    assert response.context["card"].provisional
    assert "banner--provisional" in html and "Oct 2026 is still open" in html
    line = lines_of(response)[("T1", "CIN visits in timescale")]
    assert line.provisional and line.latest.value == 70
    assert 'class="mark mark--provisional"' in html
    published = get(client, period="2026-09").content.decode()
    assert "banner--provisional" not in published and 'title="provisional: the month' not in published


def test_counts_link_to_their_drill_down(client, login, personas, layout, figures):
    login(client, personas["manager_a1"])
    html = get(client, period="2026-09", org_unit=figures.code).content.decode()
    num = drill_url("cin.visits_in_time", period="2026-09", org_unit=figures.code, basis="at_end")
    den = drill_url(
        "cin.visits_in_time", period="2026-09", org_unit=figures.code, basis="at_end", part="denominator"
    )
    posts = drill_url("wf.unfunded_posts", period="2026-09", org_unit=figures.code, basis="at_end")
    home = drill_url(
        "mis.episodes",
        period="2026-09",
        org_unit=figures.code,
        basis="month",
        dimension="source",
        breakdown="from_home",
    )
    for url in (num, den, posts, home):
        assert f'href="{url.replace("&", "&amp;")}"' in html, url


def test_viewer_sees_published_months_suppressed_figures_and_no_drill_links(
    client, login, personas, layout, figures
):
    login(client, personas["viewer"])
    response = get(client, period="2026-08")
    assert response.status_code == 200
    lines = lines_of(response)
    home = lines[("5a(iii)", "From home")]
    assert home.latest.suppressed  # 3 missing episodes from home: fewer than 5
    html = response.content.decode()
    assert '<abbr class="withheld"' in html
    assert "/drill/" not in html
    # The open month is not offered and cannot be asked for.
    assert response.context["filter"].months == ["2026-09", "2026-08"]
    refused = get(client, period="2026-10")
    assert refused.status_code == 400 and "card" not in refused.context
    # The default month for a viewer is the latest published.
    assert client.get(URL).context["card"].period == "2026-09"
    # And the CSV says "c" for the withheld figure.
    rows = list(csv.DictReader(io.StringIO(get(client, period="2026-08", format="csv").content.decode())))
    home_row = next(r for r in rows if r["breakdown"] == "from_home")
    assert home_row["latest"] == "c"


def test_defaults_per_persona(client, login, personas, layout, figures, world):
    expected = {"manager_a1": "A1", "head_a": "SA", "director": figures.code, "analyst": figures.code}
    for persona, code in expected.items():
        login(client, personas[persona])
        card = client.get(URL).context["card"]
        assert (card.org_unit.code, card.period, card.layout.slug) == (code, "2026-10", "booklet"), persona
        client.logout()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026-13"},
        {"period": "1999-01"},
        {"org_unit": "NOPE"},
        {"layout": "missing"},
        {"section": "999999"},
        {"rating": "purple"},
        {"period": "'; drop table"},
    ],
)
def test_invalid_values_are_form_errors(client, login, personas, layout, figures, params):
    login(client, personas["director"])
    response = get(client, **params)
    assert response.status_code == 400
    assert response.context["filter"].errors
    assert "Select a valid choice" in response.content.decode()


def test_section_filter(client, login, personas, layout, figures):
    login(client, personas["director"])
    second = layout.sections.get(title="Theme two")
    lines = get(client, period="2026-09", section=second.pk).context["card"].lines
    assert {line.section for line in lines} == {"Theme two"}


def test_csv_export(client, login, personas, layout, figures):
    TargetFactory(
        measure="cin.visits_in_time",
        financial_year=2026,
        org_unit=figures,
        value=Decimal("92"),
        amber_tolerance=Decimal("5"),
    )
    BenchmarkFactory(
        measure="cin.visits_in_time", year=2026, kind=BenchmarkKind.ENGLAND, value=Decimal("85.5")
    )
    login(client, personas["director"])
    response = get(client, period="2026-09", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    required = {
        "kpi",
        "label",
        "unit",
        "plan_ref",
        "section",
        "previous",
        "latest",
        "change",
        "target",
        "rating",
        "england",
        "region",
        "statistical_neighbours",
        "baseline_change",
        "provisional",
        "restated",
    }
    assert required <= set(rows[0])
    visits = rows[0]
    assert (visits["kpi"], visits["plan_ref"], visits["section"]) == ("cin.visits_in_time", "T1", "Theme one")
    assert (visits["previous"], visits["latest"], visits["change"]) == ("80", "90", "10")
    assert (visits["target"], visits["rating"], visits["england"]) == ("92", "amber", "85.5")
    assert (visits["numerator"], visits["denominator"]) == ("9", "10")
    assert (visits["provisional"], visits["restated"]) == ("False", "False")
    contacts = next(r for r in rows if r["kpi"] == "fd.contacts")
    assert contacts["latest"] == "1411"  # a plain number, no thousands separator
    # 7 rows of the layout, and the caseload of each of the two services below the council.
    assert len(rows) == 9
    assert [r["org_unit"] for r in rows if r["kpi"] == "wf.caseload"] == [figures.code, "SA", "SB"]


def test_xlsx_export_has_the_same_table_with_numbers(client, login, personas, layout, figures):
    from openpyxl import load_workbook

    login(client, personas["director"])
    response = get(client, period="2026-09", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header = list(values[0])
    first = dict(zip(header, values[1], strict=True))
    assert (first["kpi"], first["previous"], first["latest"], first["change"]) == (
        "cin.visits_in_time",
        80,
        90,
        10,
    )
    contacts = next(
        dict(zip(header, v, strict=True)) for v in values[1:] if v[header.index("kpi")] == "fd.contacts"
    )
    assert contacts["latest"] == 1411 and isinstance(contacts["latest"], int)
    csv_rows = list(csv.reader(io.StringIO(get(client, period="2026-09", format="csv").content.decode())))
    assert len(csv_rows) == len(values) and csv_rows[0] == header


def test_export_text_goes_through_the_formula_guard(client, login, personas, la, months, snap):
    from apps.scorecards.services import layout_load

    layout_load(
        {
            "slug": "evil",
            "name": "Evil",
            "sections": [
                {
                    "title": '=HYPERLINK("http://x")',
                    "rows": [{"plan_ref": "+1", "measure": "fd.contacts", "label": "@SUM(A1)"}],
                }
            ],
        }
    )
    snap("fd.contacts", "2026-09", 5)
    login(client, personas["director"])
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(URL, {"layout": "evil", "period": "2026-09", "format": "csv"}).content.decode()
            )
        )
    )
    assert (rows[0]["section"][0], rows[0]["plan_ref"], rows[0]["label"]) == ("'", "'+1", "'@SUM(A1)")


def test_page_has_no_inline_script_or_style_and_is_semantic(client, login, personas, layout, figures):
    login(client, personas["director"])
    html = get(client, period="2026-09").content.decode()
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert (
        '<caption id="scorecard-caption">' in html
        and '<th scope="col"' in html
        and '<th scope="row"' in html
        and "<thead>" in html
    )
    assert 'scope="colgroup"' in html
    assert '<svg class="spark"' in html and "12-month trend: Oct 2025 no figure" in html
    assert "Positive upward change: the figure went up" in html  # the legend
    assert 'href="/scorecard/"' in html or reverse("scorecards:scorecard") in html  # the nav link


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_row_may_show_the_count_or_total_of_a_percentage(client, login, personas, la, months, snap):
    """The booklet's audits: by type as counts (14 -> 12 regular), the whole as the total, grades as %."""
    from apps.scorecards.services import layout_load

    rows = [
        {"plan_ref": "T1", "measure": "qa.audits", "figure": "denominator", "label": "Audits"},
        {
            "plan_ref": "T1",
            "measure": "qa.audits",
            "dimension": "kind",
            "breakdown": "regular",
            "figure": "numerator",
            "label": "Regular audits",
        },
        {
            "plan_ref": "T1",
            "measure": "qa.audits",
            "dimension": "kind_grade",
            "breakdown": "regular|good",
            "polarity": "up",
            "label": "Good",
        },
    ]
    layout_load({"slug": "audits", "name": "Audits", "sections": [{"title": "Quality", "rows": rows}]})
    snap("qa.audits", "2026-08", 60, 60)
    snap("qa.audits", "2026-09", 46, 46)
    snap("qa.audits", "2026-08", 14, 60, dimension="kind", breakdown="regular")
    snap("qa.audits", "2026-09", 12, 46, dimension="kind", breakdown="regular")
    snap("qa.audits", "2026-08", 2, 14, dimension="kind_grade", breakdown="regular|good")
    snap("qa.audits", "2026-09", 2, 12, dimension="kind_grade", breakdown="regular|good")
    login(client, personas["director"])
    response = client.get(URL, {"layout": "audits", "period": "2026-09"})
    lines = lines_of(response)
    total, regular, good = lines[("T1", "Audits")], lines[("T1", "Regular audits")], lines[("T1", "Good")]
    assert (total.unit, total.previous.value, total.latest.value, total.direction) == (
        "count",
        60,
        46,
        "down",
    )
    assert (regular.previous.value, regular.latest.value, regular.change) == (14, 12, -2)
    assert (round(good.latest.value, 2), good.direction) == (16.67, "positive_up")
    assert "denominator" in total.numerator_url and "part=numerator" in regular.numerator_url
    html = response.content.decode()
    assert ">46<" in html and ">12<" in html and "16.7%" in html


def test_change_is_worked_out_from_the_figures_shown(client, login, personas, la, months, snap):
    from apps.scorecards.services import layout_load

    layout_load(
        {
            "slug": "s47",
            "name": "S47",
            "sections": [{"title": "S47", "rows": [{"plan_ref": "4b(ii)", "measure": "s47.days_open"}]}],
        }
    )
    snap("s47.days_open", "2026-08", 114, 100)  # 1.14 days, shown 1.1
    snap("s47.days_open", "2026-09", 106, 100)  # 1.06 days, shown 1.1
    login(client, personas["director"])
    response = client.get(URL, {"layout": "s47", "period": "2026-09"})
    line = response.context["card"].lines[0]
    assert (line.change, line.direction) == (Decimal("0.0"), "no_change")
    assert "n = <a" in response.content.decode()  # a mean shows how many it is the mean of


def test_a_row_by_service_or_team(client, login, personas, layout, figures, world, snap):
    """The booklet's caseload by service: on the council's scorecard one sub-row per service, on a service's
    one per team, with each unit's own figures and drill-down."""
    sa, a1 = world["services"]["A"], world["teams"]["A1"]
    snap("wf.caseload", "2026-08", 180, 10, org_unit=sa)
    snap("wf.caseload", "2026-09", 170, 10, org_unit=sa)
    snap("wf.caseload", "2026-09", 50, 2, org_unit=a1)
    login(client, personas["director"])
    response = get(client, period="2026-09")
    subs = [ln for ln in response.context["card"].lines if ln.unit_row is not None]
    assert [(ln.label, ln.previous and ln.previous.value, ln.latest and ln.latest.value) for ln in subs] == [
        ("Service A", 18, 17),
        ("Service B", None, None),
    ]
    assert subs[0].direction == "positive_down"  # lower caseloads are better
    link = drill_url("wf.caseload", period="2026-09", org_unit="SA", basis="at_end")
    assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
    team_lines = get(client, period="2026-09", org_unit="SA").context["card"].lines
    assert [(ln.label, ln.latest.value) for ln in team_lines if ln.unit_row is not None and ln.latest] == [
        ("Team A1", 25)
    ]


def test_headline_filter(client, login, personas, la, months, snap):
    from apps.scorecards.services import layout_load

    layout_load(
        {
            "slug": "hl",
            "name": "HL",
            "sections": [
                {
                    "title": "S",
                    "rows": [
                        {"plan_ref": "A", "measure": "fd.contacts", "headline": True},
                        {"plan_ref": "B", "measure": "fd.referrals"},
                    ],
                }
            ],
        }
    )
    login(client, personas["director"])
    every = client.get(URL, {"layout": "hl", "period": "2026-09"}).context["card"].lines
    only = client.get(URL, {"layout": "hl", "period": "2026-09", "headline": "on"}).context["card"].lines
    assert [ln.row.plan_ref for ln in every] == ["A", "B"] and [ln.row.plan_ref for ln in only] == ["A"]


def test_empty_choices_are_refused_not_an_error(client, login, personas, layout, figures):
    login(client, personas["director"])
    for params in ({"org_unit": ""}, {"period": ""}, {"layout": ""}):
        # An empty parameter takes its default.
        assert get(client, **params).status_code == 200
    assert client.get(URL, {"section": "abc"}).status_code == 400
