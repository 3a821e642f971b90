"""What a team manager does every week, in a real (headless Debian Chromium) browser: sign in, open the
scorecard, change the month and the unit, follow a red measure to the children behind it, open a child's
timeline and download the list; and what a viewer sees of the same month. Screenshots go to
test-artifacts/."""

from datetime import datetime, timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.periods import LONDON, Period
from tests.browser.conftest import ARTIFACTS, browser_page  # noqa: F401

PASSWORD = "correct-horse-battery-staple"


def _month(world, period: str, day: int):
    """Team A1's contacts of a month: one decided within 24 hours, two decided three days later."""
    from tests.factories import ContactFactory

    kids, team = world["children"], world["teams"]["A1"]
    year, month = map(int, period.split("-"))
    received = datetime(year, month, day, 10, tzinfo=LONDON)
    for i, (child, hours) in enumerate(((kids["a"], 2), (kids["contact_only"], 72), (kids["a2"], 72))):
        ContactFactory(
            contact_id=f"CO-{period}-{i}",
            child=child,
            team=team,
            received_at=received,
            decided_at=received + timedelta(hours=hours),
            outcome="csc_referral",
        )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_follows_a_red_measure_to_its_children_and_a_viewer_sees_it_withheld(
    live_server,
    browser_page,  # noqa: F811
    world,
):
    from apps.accounts.models import Role
    from apps.core.services import ensure_la
    from apps.kpis.registry import load
    from apps.kpis.services import snapshot_period_compute
    from apps.scorecards.models import ScorecardLayout
    from apps.scorecards.services import layout_load
    from tests.factories import TargetFactory, UserFactory

    for period, day in (("2018-03", 12), ("2018-04", 10)):
        _month(world, period, day)
        snapshot_period_compute(period=Period.parse(period), sections=["1"])
    ScorecardLayout.objects.update(is_default=False)
    layout_load(
        {
            "slug": "weekly",
            "name": "Weekly",
            "is_default": True,
            "sections": [
                {
                    "title": "Effective MASH",
                    "rows": [
                        {"plan_ref": "2a(i)", "measure": "fd.decision_24h", "headline": True},
                        {"plan_ref": "2a(ii)", "measure": "fd.contacts"},
                    ],
                }
            ],
        },
        registry=load(),
    )
    TargetFactory(measure="fd.decision_24h", financial_year=2017, org_unit=ensure_la(), value=80)
    TargetFactory(measure="fd.decision_24h", financial_year=2018, org_unit=ensure_la(), value=80)
    manager = UserFactory(username="tm-a1", role=Role.TEAM_MANAGER, org_units=[world["teams"]["A1"]])
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    UserFactory(username="member", role=Role.VIEWER)
    page = browser_page

    page.goto(f"{live_server.url}/scorecard/")
    page.fill("input[name=username]", "tm-a1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=otp_token]", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/scorecard/**")
    page.screenshot(path=ARTIFACTS / "scorecard-1-team.png", full_page=True)
    body = page.content()
    assert "Team A1" in body and "Apr 2018" in body  # their own team, the newest month

    # An earlier month, then the service, then back to the team.
    page.select_option("select[name=period]", "2018-03")
    page.click("form.scorecard__filters button[type=submit]")
    page.wait_for_url("**period=2018-03**")
    assert "Mar 2018" in page.content()
    page.select_option("select[name=org_unit]", "SA")
    page.click("form.scorecard__filters button[type=submit]")
    page.wait_for_url("**org_unit=SA**")
    assert "Service A" in page.content()
    page.screenshot(path=ARTIFACTS / "scorecard-2-service.png", full_page=True)
    page.select_option("select[name=org_unit]", "A1")
    page.click("form.scorecard__filters button[type=submit]")
    page.wait_for_url("**org_unit=A1**")

    # The red measure in March: decisions within 24 hours, 1 of 3 (33.3%) against 80%.
    red = page.locator("tr", has=page.locator(".rag--red"))
    assert red.count() == 1 and "33.3%" in red.inner_text()
    red.locator("a[title='the records counted from']").click()
    page.wait_for_url(f"{live_server.url}/drill/fd.decision_24h/**")
    page.screenshot(path=ARTIFACTS / "scorecard-3-drill.png", full_page=True)
    body = page.content()
    # The three contacts the team decided: the team recorded them, so their children are the manager's to see.
    assert "CH-A" in body and "CH-C" in body and "CH-A2" in body and "Birch" not in body

    with page.expect_download() as download:
        page.click("text=CSV")
    csv_text = open(download.value.path(), encoding="utf-8").read()
    assert csv_text.count("CH-") == 3 and "CH-A2" in csv_text

    page.click("text=CH-C")
    page.wait_for_url(f"{live_server.url}/children/CH-C/**")
    page.screenshot(path=ARTIFACTS / "scorecard-4-child.png", full_page=True)
    assert "Cedar" in page.content()

    # A viewer: the published month, its small figures withheld, no way to the records.
    page.click("button:has-text('Log out')")
    page.goto(f"{live_server.url}/scorecard/?period=2018-04&org_unit=A1")
    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/scorecard/**")
    page.screenshot(path=ARTIFACTS / "scorecard-5-viewer.png", full_page=True)
    body = page.content()
    assert ">c</abbr>" in body and "/drill/" not in body
    # The spec's "<5": what the mark means is said on the page.
    assert "a count of fewer than 5 (<5)" in page.inner_text("main")
    assert "50.0%" not in body and "Team A1" in body
