from datetime import date

import pytest
from django.urls import reverse

from apps.imports.models import ImportStatus
from apps.imports.selectors import HELD_TABLES, data_held_summary
from tests.factories import (
    ChildFactory,
    ContactFactory,
    ImportRunFactory,
    PopulationFactory,
    ReferralFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders(client, settings):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.COUNCIL_NAME in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_login_then_logout(client):
    UserFactory(username="ana")
    response = client.post(reverse("login"), {"username": "ana", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # Logout is a POST form (Django 5 refuses GET); it returns to the login page.
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_empty_database_renders(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No data yet: run <code>make demo</code> or import a bundle" in body
    assert "Nothing imported yet" in body


def test_home_shows_council_counts_and_last_import(client, settings, django_assert_max_num_queries, login):
    settings.COUNCIL_NAME = "Northby Borough Council"
    team = TeamFactory(name="Assessment Team 1", parent__name="Safeguarding Service")
    TeamFactory(name="Assessment Team 2", parent=team.parent)
    children = ChildFactory.create_batch(3)
    ContactFactory(child=children[0])
    ContactFactory(child=children[1])
    ReferralFactory(child=children[0], referral_date=date(2017, 11, 2))
    ReferralFactory(child=children[1], referral_date=date(2019, 2, 28))
    PopulationFactory(year=2018, age_0_17=51234)
    ImportRunFactory(source="var/northby.zip", error_count=0)
    user = UserFactory(first_name="Team", last_name="Manager", role="team_manager")
    login(client, user)  # a team manager's session is two-factor verified

    # A fixed number of queries however many rows: one aggregate per record type, plus org, population, the
    # last import, the latest successful import (the counts' cache key), and the session/user/two-factor
    # device lookups.
    # No month is held, so the headlines cost three (the months, the default layout, the LA).
    # Case tracking's counts by kind (apps.scorecards.home.casework_counts): the LA and the user's unit (the
    # headlines have none to lend), the user's teams, the timescales, the team scope and the counts.
    with django_assert_max_num_queries(len(HELD_TABLES) + 8 + 3 + 6):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Northby Borough Council" in body
    assert "Safeguarding Service" in body
    assert "1 service, 2 teams" in body
    assert "2018/19" in body and "51,234" in body
    assert "var/northby.zip" in body and "Succeeded" in body
    assert "2 Nov 2017" in body and "28 Feb 2019" in body
    assert "No data yet" not in body

    tables = {t["file"]: t for t in response.context["tables"]}
    assert tables["children.csv"]["rows"] == 3
    assert tables["contacts.csv"]["rows"] == 2
    assert tables["referrals.csv"]["rows"] == 2
    assert (tables["referrals.csv"]["first"], tables["referrals.csv"]["last"]) == (
        date(2017, 11, 2),
        date(2019, 2, 28),
    )
    assert tables["care_episodes.csv"]["rows"] == 0 and tables["care_episodes.csv"]["first"] is None
    # The logout form posts with a CSRF token.
    assert 'action="/accounts/logout/"' in body


def test_summary_query_count_does_not_grow_with_rows(django_assert_num_queries):
    ContactFactory.create_batch(5)
    # The tables' counts (one each), the latest import's key, the org structure, population, last import.
    with django_assert_num_queries(len(HELD_TABLES) + 5):
        data_held_summary()
    # Asked again: the tables' counts are kept (HELD_CACHE_SECONDS) under the latest import's key.
    with django_assert_num_queries(5):
        data_held_summary()


def test_the_tables_counts_are_read_again_once_an_import_succeeds():
    def contacts():
        return next(t["rows"] for t in data_held_summary()["tables"] if t["file"] == "contacts.csv")

    ContactFactory.create_batch(2)
    assert contacts() == 2
    ContactFactory.create_batch(3)
    assert contacts() == 2  # kept: nothing was imported
    ImportRunFactory(status=ImportStatus.FAILED)
    assert contacts() == 2  # a failed import wrote nothing
    ImportRunFactory()
    assert contacts() == 5


def test_every_bundle_record_model_is_summarised():
    from apps.imports.bundle.spec import FILES

    summarised = {t.model for t in HELD_TABLES}
    shown_elsewhere = {"core.OrgUnit", "core.Population"}
    assert {f.model for f in FILES} - shown_elsewhere <= summarised


def test_a_viewer_sees_aggregates_only_with_small_counts_withheld(client, login):
    """Issue 8: a viewer's home page showed "Adoptions 1", the record dates of that one adoption, the oldest
    and youngest child's dates of birth and the server path of the last import."""
    from apps.accounts.models import Role
    from tests.factories import AdoptionFactory

    children = ChildFactory.create_batch(6, date_of_birth=date(2012, 5, 17))
    ChildFactory(date_of_birth=date(2003, 1, 9))
    AdoptionFactory(child=children[0], entered_care_date=date(2016, 7, 21))
    ContactFactory.create_batch(2)
    ImportRunFactory(source="/srv/portal/imports/nightly-2018-03-31.zip", error_count=3)

    login(client, UserFactory(role=Role.VIEWER))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    tables = {t["file"]: t for t in response.context["tables"]}
    assert tables["adoptions.csv"]["rows"] is None and tables["adoptions.csv"]["suppressed"]
    assert tables["contacts.csv"]["rows"] is None  # 2 contacts
    # The children: 7 (the 6 with the contacts' 2 children) is not small, so it is shown; zero is shown.
    assert tables["children.csv"]["rows"] == ChildFactory._meta.model.objects.count() >= 5
    assert tables["care_episodes.csv"]["rows"] == 0
    # No dates of records or births, no grand total that would give a withheld count back.
    for text in ("21 Jul 2016", "9 Jan 2003", "17 May 2012", "2016", "records held across"):
        assert text not in body
    assert response.context["total_rows"] is None
    # The last import: when and whether it worked, not its path, who ran it or its counts.
    assert "/srv/portal" not in body and "nightly" not in body and "Errors" not in body
    assert "Succeeded" in body or "Failed" in body


def test_a_manager_still_sees_what_is_held(client, login):
    from tests.factories import AdoptionFactory

    AdoptionFactory(entered_care_date=date(2016, 7, 21))
    login(client, UserFactory(role="team_manager"))
    response = client.get(reverse("home"))
    tables = {t["file"]: t for t in response.context["tables"]}
    assert tables["adoptions.csv"]["rows"] == 1 and "21 Jul 2016" in response.content.decode()


def test_headline_measures_for_the_users_unit_red_first(client, login, personas, world, snap, months):
    """The home page opens on the unit a user answers for: its default layout's headline measures for the
    latest month that has ended, rated, red first, with the month's state."""
    from apps.kpis.registry import load
    from apps.scorecards.models import LayoutRow, ScorecardLayout
    from apps.scorecards.services import layout_load
    from tests.factories import TargetFactory

    ScorecardLayout.objects.update(is_default=False)
    layout_load(
        {
            "slug": "home",
            "name": "Home",
            "is_default": True,
            "sections": [
                {
                    "title": "Theme",
                    "rows": [
                        {"plan_ref": "A", "measure": "as.within_45wd", "headline": True},
                        {"plan_ref": "B", "measure": "cin.visits_in_time", "headline": True},
                        {"plan_ref": "C", "measure": "fd.contacts"},
                    ],
                }
            ],
        },
        registry=load(),
    )
    assert ScorecardLayout.objects.get(slug="home").is_default
    team = world["teams"]["A1"]
    snap("as.within_45wd", "2026-10", 18, 20, org_unit=team)  # 90%: green against 80
    snap("cin.visits_in_time", "2026-10", 10, 20, org_unit=team)  # 50%: red against 80
    snap("fd.contacts", "2026-10", 40, org_unit=team)
    for code in ("as.within_45wd", "cin.visits_in_time"):
        TargetFactory(measure=code, financial_year=2026, org_unit=team, value=80)
    login(client, personas["manager_a1"])
    response = client.get(reverse("home"))
    h = response.context["headlines"]
    assert h["card"].org_unit == team and h["card"].period == "2026-10"  # the newest month that has ended
    assert [r["line"].row.measure for r in h["rows"]] == ["cin.visits_in_time", "as.within_45wd"]
    assert [r["line"].rating for r in h["rows"]] == ["red", "green"] and h["red"] == 1
    body = response.content.decode()
    assert "Provisional" in body and "1 measure rated red" in body and "Contacts received" not in body
    assert LayoutRow.objects.filter(section__layout__slug="home", headline=True).count() == 2


def test_pages_open_on_the_newest_month_that_has_ended():
    from apps.scorecards.selectors import default_month

    assert default_month(["2026-12", "2026-11", "2026-10"], today=date(2026, 12, 1)) == "2026-11"
    assert (
        default_month(["2026-12", "2026-11"], today=date(2026, 11, 30)) == "2026-12"
    )  # none ended: newest held
    assert default_month(["2026-12", "2026-11"], today=date(2026, 12, 1)) == "2026-11"
    assert default_month(["2026-12"], today=date(2026, 12, 15)) == "2026-12"
    assert default_month([], today=date(2026, 12, 15)) == ""
