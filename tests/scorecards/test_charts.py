"""The section pages' chart views (/pages/<section>/charts/<chart>/): Chart.js's {labels, datasets} from
the stored snapshots, this financial year against the last, gaps for viewers' withheld figures, the table
beside each chart, and the page's static files (Chart.js 4 vendored, no inline script or style)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.scorecards.pages_data import CONTACTS, OUTCOMES, REFERRALS, snap

pytestmark = pytest.mark.django_db

FY = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def chart(client, section, chart_id, **params):
    response = client.get(f"/pages/{section}/charts/{chart_id}/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_trend_this_financial_year_against_the_last(client, login, personas, booklet):
    login(client, personas["analyst"])
    data = chart(client, "1", "referrals", period="2018-03", org_unit=booklet.code)
    assert data["labels"] == FY
    assert [(d["label"], d["data"]) for d in data["datasets"]] == [
        ("Referrals 2016/17", [300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311]),
        ("Referrals 2017/18", [400, 3, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411]),
    ]
    assert {d["type"] for d in data["datasets"]} == {"bar"}
    assert data["axes"] == {"y": {"unit": "count", "title": "Number"}}
    # Not colour alone: each series has its own point style, and last year's bars a lighter fill.
    assert len({d["pointStyle"] for d in data["datasets"]}) == 2
    assert data["datasets"][0]["backgroundColor"] != data["datasets"][1]["backgroundColor"]
    # Only {labels, datasets} and how to draw them: no view object, no server-side cells or links.
    assert set(data) == {"labels", "datasets", "title", "axes"}
    assert not {"cells", "_measure"} & set(data["datasets"][0]) and "drill" not in str(data)


def test_months_after_the_period_are_gaps(client, login, personas, booklet):
    login(client, personas["analyst"])
    data = chart(client, "1", "referrals", period="2017-10", org_unit=booklet.code)
    this_year = data["datasets"][1]
    assert this_year["label"] == "Referrals 2017/18"
    assert this_year["data"] == [400, 3, 402, 403, 404, 405, 406, None, None, None, None, None]


def test_two_measures_on_two_axes(client, login, personas, booklet):
    from tests.factories import SnapshotFactory  # noqa: F401

    for period, received in CONTACTS.items():
        snap("fd.contact_conversion", period, OUTCOMES[period][0], received, unit=booklet)
    login(client, personas["analyst"])
    data = chart(client, "1", "contacts", period="2018-03", org_unit=booklet.code)
    assert [(d["label"], d["type"], d["yAxisID"]) for d in data["datasets"]] == [
        ("Contacts 2016/17", "bar", "y"),
        ("Contacts 2017/18", "bar", "y"),
        ("Conversion rate 2016/17", "line", "y2"),
        ("Conversion rate 2017/18", "line", "y2"),
    ]
    assert data["datasets"][1]["data"][9:] == [1396, 1293, 1411]
    assert data["datasets"][3]["data"][9:] == [28.2, 24.1, 24.1]
    assert data["datasets"][0]["data"] == [None] * 12
    assert data["axes"] == {
        "y": {"unit": "count", "title": "Number"},
        "y2": {"unit": "percent", "title": "%"},
    }
    dashes = [tuple(d["borderDash"]) for d in data["datasets"] if d["type"] == "line"]
    assert len(set(dashes)) == 2


def test_breakdown_chart_is_the_months_parts(client, login, personas, booklet):
    from tests.scorecards.pages_data import month_held

    for part, n in {"NEG": 60, "EMO": 41, "PHY": 30, "SAB": 9, "MUL": 15}.items():
        snap("cp.category", "2018-03", n, 155, unit=booklet, basis="at_end", dim="category", part=part)
    snap("cp.category", "2018-03", 155, 155, unit=booklet, basis="at_end")
    month_held("2018-03")
    login(client, personas["manager_a1"])
    data = chart(client, "5", "category", period="2018-03", org_unit=booklet.code)
    assert data["labels"] == ["Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple"]
    assert [(d["label"], d["data"]) for d in data["datasets"]] == [
        ("CP plans by category of abuse, Mar 2018", [60, 41, 30, 9, 15])
    ]


def test_the_viewer_gets_null_for_withheld_figures(client, login, personas, booklet):
    login(client, personas["viewer"])
    data = chart(client, "1", "referrals", period="2018-03", org_unit=booklet.code)
    assert data["datasets"][1]["data"] == [400, None, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411]
    assert 3 not in data["datasets"][1]["data"]
    # The page's table beside the chart says c there, and links nowhere.
    page = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code})
    table = next(c for c in page.context["charts"] if c["id"] == "referrals")["table"]
    may = next(r for r in table["rows"] if r["label"] == "May")
    assert [c.text for c in may["cells"]] == ["301", "c"]
    assert not any(c.href for r in table["rows"] for c in r["cells"])


def test_the_viewer_gets_no_open_month(client, login, personas, booklet):
    from tests.scorecards.pages_data import month_held

    snap("fd.referrals", "2018-04", 4242, unit=booklet)
    month_held("2018-04", frozen=False)
    login(client, personas["viewer"])
    assert client.get("/pages/1/charts/referrals/", {"period": "2018-04"}).status_code == 400
    data = chart(client, "1", "referrals")  # defaults to the latest published month
    assert data["datasets"][1]["label"] == "Referrals 2017/18"
    login(client, personas["analyst"])
    data = chart(client, "1", "referrals")  # the open month, for those who may see it
    assert data["datasets"][1] == data["datasets"][1] | {"label": "Referrals 2018/19"}
    assert data["datasets"][1]["data"][0] == 4242
    page = client.get("/pages/1/")
    table = next(c for c in page.context["charts"] if c["id"] == "referrals")["table"]
    assert [c.provisional for c in table["rows"][0]["cells"]] == [False, True]  # April 2017 / April 2018
    assert re.search(rb'4,242</a>\s*<span class="provisional-mark">provisional</span>', page.content)


def test_table_beside_the_chart_is_the_same_series_with_links(client, login, personas, booklet):
    login(client, personas["analyst"])
    page = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code})
    item = next(c for c in page.context["charts"] if c["id"] == "referrals")
    data = chart(client, "1", "referrals", period="2018-03", org_unit=booklet.code)
    assert item["table"]["columns"] == [d["label"] for d in data["datasets"]]
    assert [r["label"] for r in item["table"]["rows"]] == data["labels"]
    for i, row in enumerate(item["table"]["rows"]):
        assert [c.number for c in row["cells"]] == [d["data"][i] for d in data["datasets"]]
    apr = item["table"]["rows"][0]["cells"][1]
    assert apr.href == "/drill/fd.referrals/?period=2017-04&org_unit=999&basis=month&part=numerator"
    html = page.content.decode()
    assert f'data-chart-url="{item["url"].replace("&", "&amp;")}"' in html
    assert 'role="img"' in html


def test_chart_csv(client, login, personas, booklet):
    login(client, personas["analyst"])
    response = client.get(
        "/pages/1/charts/referrals/", {"period": "2018-03", "org_unit": booklet.code, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["", "Referrals 2016/17", "Referrals 2017/18"]
    assert lines[1] == ["Apr", "300", "400"]
    assert lines[2] == ["May", "301", "3"]
    login(client, personas["viewer"])
    response = client.get(
        "/pages/1/charts/referrals/", {"period": "2018-03", "org_unit": booklet.code, "format": "csv"}
    )
    assert list(csv.reader(io.StringIO(response.content.decode())))[2] == ["May", "301", "c"]


def test_runs_and_units_charts(client, login, personas, world, la):
    from tests.scorecards.pages_data import month_held

    for i, n in enumerate((50, 52, 54)):
        snap("uasc.count", f"2016-0{4 + i}", n, unit=la, basis="at_end")
    snap("uasc.count", "2018-03", 57, unit=la, basis="at_end")
    for unit, value in ((world["services"]["A"], 12), (world["services"]["B"], 18)):
        snap("wf.caseload", "2018-03", value * 2, 2, unit=unit, basis="at_end", value=value)
    month_held("2018-03")
    login(client, personas["director"])
    run = chart(client, "7", "count", period="2018-03", org_unit=la.code)
    assert run["labels"][0] == "Apr 2016" and run["labels"][-1] == "Mar 2018" and len(run["labels"]) == 24
    assert run["datasets"][0]["data"][:3] == [50, 52, 54] and run["datasets"][0]["data"][-1] == 57
    units = chart(client, "10", "caseload", period="2018-03", org_unit=la.code)
    assert [(d["label"], d["data"][-1]) for d in units["datasets"]] == [("Service A", 12), ("Service B", 18)]
    assert units["axes"] == {"y": {"unit": "ratio", "title": "Average caseload"}}


def test_static_files_chartjs_4_vendored_and_no_inline_script_or_style(client, login, personas, booklet):
    vendor = Path(settings.BASE_DIR) / "static/vendor/chartjs"
    version = (vendor / "VERSION").read_text().strip()
    assert re.fullmatch(r"4\.\d+\.\d+", version)
    assert f"Chart.js v{version}" in (vendor / "chart.umd.min.js").read_text()[:200]
    assert (vendor / "LICENSE.md").exists() and (vendor / "README.md").exists()
    assert "chartjs" not in settings.INSTALLED_APPS  # its Chart.js 2.9.3 static files are never served
    login(client, personas["analyst"])
    html = client.get("/pages/1/", {"period": "2018-03"}).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script src="/static/vendor/chartjs/chart.umd.min.js" defer>',
        '<script src="/static/js/charts.js" defer>',
    ]
    assert not re.search(r"<script[^>]*>(?!</script>)", html)  # no inline script
    assert " style=" not in html and "<style" not in html
    assert "cdn" not in html.lower()
    policy = client.get("/pages/1/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_print_stylesheet_replaces_charts_with_tables():
    css = (Path(settings.BASE_DIR) / "static/css/pages.css").read_text()
    printed = css[css.index("@media print") :]
    assert "size: A4" in printed
    assert ".pop-chart__canvas" in printed and ".site-nav" in printed and "display: none" in printed


def test_referrals_fixture_is_two_financial_years():
    assert len(REFERRALS) == 24
