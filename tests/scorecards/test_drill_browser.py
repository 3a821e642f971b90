"""A team manager follows a figure down to the children behind it in a real (headless Debian Chromium)
browser: the LA's April contacts, their own team's children listed with names, the others counted as not
shown, a child's ID leading to the child's record. Screenshots go to test-artifacts/."""

from datetime import datetime

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.periods import LONDON, Period
from tests.browser.conftest import ARTIFACTS, browser_page  # noqa: F401

PASSWORD = "correct-horse-battery-staple"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_drills_from_the_la_figure_to_their_teams_children(live_server, browser_page, world):  # noqa: F811
    from apps.accounts.models import Role
    from apps.core.services import ensure_la
    from apps.kpis.services import snapshot_period_compute
    from apps.scorecards.links import drill_url
    from tests.factories import ContactFactory, UserFactory

    kids, teams = world["children"], world["teams"]
    received = datetime(2018, 4, 2, 10, tzinfo=LONDON)
    ContactFactory(contact_id="CO-A", child=kids["a"], team=teams["A1"], received_at=received)
    ContactFactory(contact_id="CO-B", child=kids["b"], team=teams["B1"], received_at=received)
    snapshot_period_compute(period=Period.parse("2018-04"), codes=["fd.contacts"])
    manager = UserFactory(username="tm-a1", role=Role.TEAM_MANAGER, org_units=[teams["A1"]])
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    page = browser_page

    url = drill_url("fd.contacts", period="2018-04", org_unit=ensure_la().code, basis="month")
    page.goto(f"{live_server.url}{url}")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "tm-a1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=otp_token]", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
    page.click("form.form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/drill/**")
    page.screenshot(path=ARTIFACTS / "drill-1-la-contacts.png", full_page=True)
    body = page.content()
    assert "Contacts received" in body
    assert "CH-A" in body and "Ash, Alice" in body and "CH-C" in body  # their team's children, named
    assert "CH-B" not in body and "Birch" not in body  # another team's child is not listed
    assert "<strong>1</strong> of the 3 records" in body  # ...but counted as not shown

    page.click("text=CH-A")
    page.wait_for_url(f"{live_server.url}/children/CH-A/**")
    page.screenshot(path=ARTIFACTS / "drill-2-child.png", full_page=True)
    assert "Ash" in page.content()
