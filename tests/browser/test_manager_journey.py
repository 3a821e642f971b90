"""A team manager signs in with a password and a TOTP code in a real (headless Debian Chromium) browser,
opens their team's children, and is refused another team's child. Screenshots go to test-artifacts/."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import ARTIFACTS

PASSWORD = "correct-horse-battery-staple"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_team_manager_two_factor_sign_in_and_team_scope(live_server, browser_page, world):
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    manager = UserFactory(username="tm-a1", role=Role.TEAM_MANAGER, org_units=[world["teams"]["A1"]])
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    page = browser_page

    page.goto(f"{live_server.url}/children/")
    assert "/accounts/login/" in page.url  # not signed in: sent to sign in
    page.fill("input[name=username]", "tm-a1")
    page.fill("input[name=password]", PASSWORD)
    page.screenshot(path=ARTIFACTS / "1-login.png", full_page=True)
    page.click("button[type=submit]")

    assert "/accounts/two-factor/" in page.url  # the password alone is not enough
    page.fill("input[name=otp_token]", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
    page.screenshot(path=ARTIFACTS / "2-two-factor.png", full_page=True)
    page.click("form.form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/children/**")
    body = page.content()
    page.screenshot(path=ARTIFACTS / "3-team-children.png", full_page=True)
    assert "CH-A" in body and "Alice" in body  # own team's child, with name
    assert "CH-B" not in body and "Birch" not in body  # another team's child is not listed

    page.click("text=CH-A")
    page.wait_for_url(f"{live_server.url}/children/CH-A/**")
    page.screenshot(path=ARTIFACTS / "4-child-timeline.png", full_page=True)
    assert "Ash" in page.content()

    response = page.goto(f"{live_server.url}/children/CH-B/")
    page.screenshot(path=ARTIFACTS / "5-other-team-refused.png", full_page=True)
    assert response.status == 404
    assert "Birch" not in page.content() and "alert(1)" not in page.content()
