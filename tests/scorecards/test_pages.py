"""Performance-on-a-page section pages (/pages/<section>/): the booklet's tables from hand-made snapshots,
CSV, defaults and bad parameters, viewers, access, query counts, and every section on empty and full data."""

import csv
import io
from decimal import Decimal

import pytest

from apps.kpis.registry import load
from apps.scorecards import sections
from tests.scorecards.pages_data import REFERRALS, month_held, snap

pytestmark = pytest.mark.django_db


def table(response, table_id):
    return next(t for t in response.context["tables"] if t["id"] == table_id)


def rows(t):
    """{row label: [cell texts]} for the table's figure rows (headings left out; repeated labels such as
    Total get the heading before them)."""
    out, heading = {}, ""
    for r in t["rows"]:
        if r.get("heading"):
            heading = r["label"]
            continue
        label = r["label"] if r["label"] not in ("Total", "All") else f"{heading}: {r['label']}"
        out[label] = [c.text for c in r["cells"]]
    return out


def test_every_measure_of_a_section_appears_on_its_page():
    registry = load()
    for code in sections.SECTIONS:
        section = sections.get(code)
        assert section is not None, code
        wanted = {m.code for m in registry.values() if m.section == code}
        assert wanted <= section.kpis, (code, sorted(wanted - section.kpis))
        assert all(k in registry for k in section.kpis)
        ids = [t.id for t in section.tables] + [c.id for c in section.charts]
        assert len(ids) == len(set(t.id for t in section.tables)) + len(set(c.id for c in section.charts))


def test_the_front_door_tables_this_month_two_before_ytd_and_percent(client, login, personas, booklet):
    login(client, personas["analyst"])
    response = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code})
    assert response.status_code == 200
    t = table(response, "contacts")
    assert [c["label"] for c in t["columns"]] == ["Mar 2018", "Feb 2018", "Jan 2018", "%", "YTD", "YTD %"]
    got = rows(t)
    assert got["Contacts received"] == ["1,411", "1,293", "1,396", "", "6,805", ""]
    assert got["Referral to children's social care"] == ["340", "311", "393", "24.1%", "1,851", "27.2%"]
    assert got["Referral to early help (CAF)"] == ["131", "113", "139", "9.3%", "664", "9.8%"]
    assert got["Provision of information or advice"] == ["277", "215", "291", "19.6%", "1,276", "18.8%"]
    assert got["No further action"] == ["591", "640", "546", "41.9%", "2,802", "41.2%"]
    assert got["Signposting"] == ["9", "3", "21", "0.6%", "129", "1.9%"]
    assert got["Not yet decided (not assessed in month)"] == ["63", "11", "6", "4.5%", "83", "1.2%"]
    # The parts sum to the whole, which is the contacts received.
    assert got["Outcome: Total"] == ["1,411", "1,293", "1,396", "100.0%", "6,805", "100.0%"]
    # Measures with nothing stored show no value, never 0.
    assert got["Decision on contact within 24 hours"] == ["–", "–", "–", "–", "–", "–"]


def test_every_number_links_to_its_drill_down(client, login, personas, booklet):
    login(client, personas["analyst"])
    response = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code})
    t = table(response, "contacts")
    csc = next(r for r in t["rows"] if r.get("breakdown") == "csc_referral")
    assert csc["cells"][0].href == (
        "/drill/fd.contact_outcome/?period=2018-03&org_unit=999&basis=month&dimension=outcome"
        "&breakdown=csc_referral&part=numerator"
    )
    assert csc["cells"][4].href.endswith("basis=ytd&dimension=outcome&breakdown=csc_referral&part=numerator")
    for r in t["rows"]:
        for c in r["cells"]:
            assert bool(c.href) == (c.text not in ("", "–")), (r["label"], c)
    assert b'href="/drill/fd.contact_outcome/?period=2018-03' in response.content


def test_csv_of_a_table_has_plain_numbers(client, login, personas, booklet):
    login(client, personas["head_a"])
    response = client.get(
        "/pages/1/", {"period": "2018-03", "org_unit": booklet.code, "format": "csv", "table": "contacts"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "section-1-contacts-2018-03-999.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == [
        "table", "row", "kpi", "basis", "dimension", "breakdown",
        "2018-03", "2018-02", "2018-01", "%", "YTD", "YTD %",
    ]  # fmt: skip
    assert lines[1] == ["contacts", "Contacts received", "fd.contacts", "month", "", "", "1411", "1293", "1396",
                        "", "6805", ""]  # fmt: skip
    assert lines[2] == ["contacts", "Referral to children's social care", "fd.contact_outcome", "month",
                        "outcome", "csc_referral", "340", "311", "393", "24.1", "1851", "27.2"]  # fmt: skip
    assert all(len(line) == 12 for line in lines)
    # The page links to it.
    page = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code})
    assert b"format=csv&amp;table=contacts" in page.content
    # Every table of the page in one file when no table is named.
    everything = client.get("/pages/1/", {"period": "2018-03", "org_unit": booklet.code, "format": "csv"})
    found = {line[0] for line in csv.reader(io.StringIO(everything.content.decode())) if line[0] != "table"}
    assert found == {"contacts", "referrals", "brag", "gender_age"}
    assert client.get("/pages/1/", {"format": "csv", "table": "nope"}).status_code == 404


def test_csv_text_is_safe_from_formula_injection(client, login, personas, world, la):
    from apps.kpis.models import EnteredMeasure

    snap("yot.cohort", "2018-03", 12, unit=la)
    EnteredMeasure.objects.create(
        kpi_code="yot.cohort", period="2018-03", org_unit=la, value=12, note="=HYPERLINK(1)"
    )
    snap("s47.by_team", "2018-03", 12, 12, unit=la, dim="team", part="=cmd")
    snap("s47.by_team", "2018-03", 12, 12, unit=la)
    month_held("2018-03")
    login(client, personas["analyst"])
    text = client.get("/pages/11/", {"period": "2018-03", "format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    lines = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/pages/3/", {"period": "2018-03", "format": "csv", "table": "s47_team"}
                ).content.decode()
            )
        )
    )
    assert lines[1][1] == "'=cmd" and lines[1][5] == "'=cmd" and lines[1][6] == "12"


def test_the_viewer_sees_c_no_drill_links_and_published_months_only(client, login, personas, booklet):
    snap("fd.contacts", "2018-04", 4242, unit=booklet)
    month_held("2018-04", frozen=False)  # open: provisional
    login(client, personas["viewer"])
    response = client.get("/pages/1/", {"org_unit": booklet.code})
    assert response.status_code == 200
    assert response.context["page"].period == "2018-03"  # the latest published month, not the open one
    got = rows(table(response, "contacts"))
    assert got["Signposting"][1] == "c"  # 3 in February
    assert got["Signposting"][0] == "9"
    assert "3" not in [c for cells in got.values() for c in cells]
    assert b"/drill/" not in response.content
    assert b"4,242" not in response.content and b"2018-04" not in response.content
    assert [p for p, _ in response.context["form"].fields["period"].choices] == sorted(
        REFERRALS, reverse=True
    )
    # The open month is not a choice: asking for it is a form error, not its figures.
    refused = client.get("/pages/1/", {"period": "2018-04", "org_unit": booklet.code})
    assert refused.status_code == 400
    assert b"4,242" not in refused.content
    lines = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/pages/1/",
                    {"period": "2018-03", "org_unit": booklet.code, "format": "csv", "table": "contacts"},
                ).content.decode()
            )
        )
    )
    signposting = next(line for line in lines if line[5] == "signposting")
    assert signposting[6:9] == ["9", "c", "21"]


def test_defaults_open_month_is_provisional_and_own_unit(client, login, personas, booklet, world):
    snap("fd.contacts", "2018-04", 4242, unit=booklet)
    month_held("2018-04", frozen=False)
    login(client, personas["manager_a1"])
    response = client.get("/pages/1/")
    page = response.context["page"]
    assert (page.period, page.org_unit.code) == ("2018-04", "A1")  # the latest held; the manager's team
    assert response.context["provisional"] is True
    assert b"Provisional." in response.content
    assert "(provisional)" in response.content.decode()
    login(client, personas["head_a"])
    assert client.get("/pages/1/").context["page"].org_unit.code == "SA"
    login(client, personas["director"])
    assert client.get("/pages/1/").context["page"].org_unit.code == booklet.code


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2018-13"},
        {"period": "nonsense"},
        {"period": "1999-01"},
        {"org_unit": "NOPE"},
        {"period": "2018-03'; drop table x;--"},
    ],
)
def test_invalid_parameters_are_a_form_error_never_500(client, login, personas, booklet, params):
    login(client, personas["analyst"])
    response = client.get("/pages/1/", params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert b'role="alert"' in response.content
    chart = client.get("/pages/1/charts/referrals/", params)
    assert chart.status_code == 400
    assert "errors" in chart.json()


def test_unknown_section_is_404(client, login, personas):
    login(client, personas["analyst"])
    assert client.get("/pages/12/").status_code == 404
    assert client.get("/pages/1/charts/nope/").status_code == 404


def test_access_anonymous_goes_to_login_every_role_sees_pages(client, login, personas, booklet):
    for url in ("/pages/", "/pages/1/", "/pages/1/charts/referrals/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for name, user in personas.items():
        login(client, user)
        for url in ("/pages/", "/pages/1/", "/pages/6a/", "/pages/1/charts/referrals/"):
            assert client.get(url).status_code == 200, (name, url)
        client.logout()


def test_index_lists_every_section_and_nav_links_it(client, login, personas):
    login(client, personas["manager_a1"])
    response = client.get("/pages/")
    for code in sections.SECTIONS:
        assert f'href="/pages/{code}/"'.encode() in response.content
    assert b'<a href="/pages/" aria-current="page">Pages</a>' in response.content


def _every_measure(period, units):
    """A whole (and one part per breakdown dimension) of every registered measure, for every basis."""
    for m in load().values():
        for unit in units:
            for basis in m.bases:
                snap(m.code, period, 7, 10 if m.unit != "count" else None, unit=unit, basis=basis)
                for dim in m.breakdowns:
                    snap(m.code, period, 7, 10 if m.unit != "count" else None, unit=unit, basis=basis,
                         dim=dim, part="x" if "|" not in dim else "a|b")  # fmt: skip


def test_every_section_renders_on_empty_data(client, login, personas):
    for who in ("analyst", "viewer"):
        login(client, personas[who])
        for code in sections.SECTIONS:
            response = client.get(f"/pages/{code}/")
            assert response.status_code == 200, (who, code)
            assert b"No figures yet" in response.content
            for chart in sections.get(code).charts:
                data = client.get(f"/pages/{code}/charts/{chart.id}/").json()
                assert data["labels"] == [] and data["datasets"] == []


def test_every_section_renders_on_data(client, login, personas, world, la):
    units = [la, world["services"]["A"], world["teams"]["A1"]]
    for period in ("2018-02", "2018-03"):
        _every_measure(period, units)
        month_held(period)
    for who in ("manager_a1", "viewer", "analyst"):
        login(client, personas[who])
        for code in sections.SECTIONS:
            for unit in units:
                response = client.get(f"/pages/{code}/", {"period": "2018-03", "org_unit": unit.code})
                assert response.status_code == 200, (who, code, unit.code)
                assert response.context["tables"], code
                for chart in sections.get(code).charts:
                    r = client.get(
                        f"/pages/{code}/charts/{chart.id}/", {"period": "2018-03", "org_unit": unit.code}
                    )
                    assert r.status_code == 200
                    assert r.json()["labels"]


def test_section_11_shows_each_entered_measure_with_its_note(client, login, personas, world, la):
    from apps.kpis.models import EnteredMeasure, Target

    entered = sections.get("11").tables[0].kpis
    for kpi in entered:
        snap(kpi, "2018-03", 42, unit=la)
    EnteredMeasure.objects.create(
        kpi_code="yot.cohort",
        period="2018-03",
        org_unit=la,
        value=Decimal(42),
        note="YOT case system, 31 March",
    )
    Target.objects.create(measure="yot.cohort", financial_year=2017, org_unit=la, value=Decimal(50))
    month_held("2018-03")
    login(client, personas["analyst"])
    response = client.get("/pages/11/", {"period": "2018-03", "org_unit": la.code})
    t = table(response, "entered")
    assert [c["label"] for c in t["columns"]][-3:] == ["Target", "Rating", "Source note"]
    got = rows(t)
    assert len(got) == len(entered)
    assert got["Young people open to the Youth Offending Team"] == [
        "42",
        "–",
        "–",
        "50",
        "",
        "YOT case system, 31 March",
    ]
    assert b"YOT case system, 31 March" in response.content
    assert b"/drill/" not in response.content  # entered by hand: no records behind the figure


def test_units_tables_show_the_units_under_the_org_unit(client, login, personas, world, la):
    for unit, caseload in ((la, "15.5"), (world["services"]["A"], "12.25"), (world["services"]["B"], "18")):
        snap(
            "wf.caseload",
            "2018-03",
            Decimal(caseload) * 4,
            4,
            unit=unit,
            basis="at_end",
            value=Decimal(caseload),
        )
    month_held("2018-03")
    login(client, personas["director"])
    response = client.get("/pages/10/", {"period": "2018-03", "org_unit": la.code})
    got = rows(table(response, "caseload_units"))
    assert got["Service A"][0] == "12.3"
    assert got["Service B"][0] == "18.0"
    assert got[la.name][0] == "15.5"


def _page_queries(client, django_assert_max_num_queries, params, limit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as ctx:
        assert client.get("/pages/6/", params).status_code == 200
    return len(ctx)


# Session, user, OTP device, the months held, the org units, and the section's figures: one query for every
# month, measure and unit of the page. (+1 when the idle-timeout stamp is saved, at most once a minute.)
PAGE_QUERIES = 6 + 1
CHART_QUERIES = 6 + 1


def test_page_and_chart_queries_do_not_grow_with_measures_teams_or_months(
    client, login, personas, world, la, django_assert_max_num_queries
):
    from tests.factories import TeamFactory

    login(client, personas["director"])
    _every_measure("2018-03", [la])
    month_held("2018-03")
    params = {"period": "2018-03", "org_unit": la.code}
    small = _page_queries(client, django_assert_max_num_queries, params, PAGE_QUERIES)
    with django_assert_max_num_queries(CHART_QUERIES):
        client.get("/pages/6/charts/count/", params)
    # More teams, more months, more figures.
    for i in range(6):
        TeamFactory(code=f"X{i}", parent=world["services"]["A"])
    for period in ("2017-04", "2017-05", "2017-06", "2017-12", "2018-01", "2018-02"):
        _every_measure(period, [la, world["services"]["A"]])
        month_held(period)
    big = _page_queries(client, django_assert_max_num_queries, params, PAGE_QUERIES)
    assert big == small
    with django_assert_max_num_queries(CHART_QUERIES):
        client.get("/pages/6/charts/count/", params)
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get("/pages/10/", {"period": "2018-03", "org_unit": world["services"]["A"].code})


def test_viewer_page_queries_are_fixed(client, login, personas, world, la, django_assert_max_num_queries):
    """Viewers read the window's published months and their stored suppression patterns in one query, and
    the figures in one more: the page's count is a viewer's session and user (no second factor) plus those
    two, whatever the months, measures or units."""
    login(client, personas["viewer"])
    for period in ("2018-02", "2018-03"):
        _every_measure(period, [la])
        month_held(period)
    client.get("/pages/6/", {"period": "2018-03"})  # works out and stores the months' patterns
    # No second factor to read (-1); the months' states (+1); whether the commentary's month is published.
    with django_assert_max_num_queries(PAGE_QUERIES - 1 + 1 + 1):
        assert client.get("/pages/6/", {"period": "2018-03"}).status_code == 200
    with django_assert_max_num_queries(CHART_QUERIES):
        assert client.get("/pages/6/charts/count/", {"period": "2018-03"}).status_code == 200


@pytest.mark.slow
def test_every_section_page_shows_the_export_rows_of_a_generated_council(tmp_path, client, login):
    """A generated council's month: every figure of every section page (its tables and its charts' tables),
    for the LA, a service and a team, is the stored figure export_snapshots gives for that month and org
    unit (a part not stored is 0 only when its breakdown was computed that month)."""
    from datetime import date

    from apps.accounts.models import Role
    from apps.core.models import OrgLevel, OrgUnit
    from apps.core.periods import Period
    from apps.imports.demo import generate_bundle
    from apps.imports.services import bundle_import
    from apps.kpis.services import snapshot_period_compute
    from tests.factories import UserFactory
    from tests.scorecards.agreement import Contract, check_page

    folder = tmp_path / "demo"
    generate_bundle(folder, size="small", seed=7, today=date(2026, 3, 18), end=date(2026, 3, 1))
    assert bundle_import(path=folder, command="test").error_count == 0
    period = "2026-01"
    snapshot_period_compute(period=Period.parse(period))
    login(client, UserFactory(role=Role.ANALYST))
    la = OrgUnit.objects.get(level=OrgLevel.LA)
    service = OrgUnit.objects.filter(level=OrgLevel.SERVICE).order_by("code").first()
    team = OrgUnit.objects.filter(level=OrgLevel.TEAM, parent=service).order_by("code").first()
    registry, contract = load(), Contract()
    checked = 0
    for unit in (la, service, team):
        for code in sections.SECTIONS:
            checked += check_page(client, code, period, unit, contract, registry)
    assert checked > 1000
