"""An analyst uploads a small SSDA903 return in a real (headless Debian Chromium) browser: chooses the format
and the files, reads the dry run's report (a warning, no blocking error, nothing written yet), confirms, and
sees the import succeed. Screenshots go to test-artifacts/."""

from unittest import mock

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import ARTIFACTS

PASSWORD = "correct-horse-battery-staple"
HEADER = "CHILD,SEX,DOB,ETHNIC\nBR1,1,01/01/2010,WBRI\nBR2,2,02/02/2011,NOPE\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "BR1,01/02/2017,S,C1,N1,U4,PR1,,,,,,\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_analyst_uploads_checks_confirms_and_sees_the_import_succeed(
    live_server, browser_page, tmp_path, settings
):
    from apps.accounts.models import Role
    from apps.core.services import ensure_la
    from apps.imports.models import ImportRun, ImportStatus
    from apps.people.models import Child
    from tests.factories import UserFactory

    ensure_la()
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    # Crafted files with names that say nothing of their tables: the 903 importer reads the header rows.
    (tmp_path / "a.csv").write_text(HEADER, encoding="utf-8")
    (tmp_path / "b.csv").write_text(EPISODES, encoding="utf-8")
    analyst = UserFactory(username="an-alyst", role=Role.ANALYST)
    device = TOTPDevice.objects.create(user=analyst, name="phone", confirmed=True)
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "an-alyst")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=otp_token]", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav.site-nav >> text=Imports")
    page.wait_for_url(f"{live_server.url}/imports/")
    page.click("text=Upload an import")
    page.wait_for_url(f"{live_server.url}/imports/new/")
    page.get_by_label("SSDA903 return").check()
    page.get_by_label("Files", exact=True).set_input_files([tmp_path / "a.csv", tmp_path / "b.csv"])
    page.get_by_label("Collection year (optional)").fill("2018")
    page.screenshot(path=ARTIFACTS / "import-1-new.png", full_page=True)
    with mock.patch("apps.imports.derived.ensure_calendar"):  # the calendar is not what this test is about
        page.click("button:has-text('Upload and check')")
        page.wait_for_selector("text=Nothing has been written yet")
        page.screenshot(path=ARTIFACTS / "import-2-report.png", full_page=True)
        body = page.content()
        assert "Awaiting confirmation" in body and "Blocking errors (0)" in body
        assert "NOPE" in page.locator("#warnings_page").inner_text()  # the warning, with its value
        assert not Child.objects.filter(child_id__startswith="BR").exists()

        page.click("button:has-text('Confirm and import')")
        page.wait_for_selector(".status--succeeded")
    page.screenshot(path=ARTIFACTS / "import-3-succeeded.png", full_page=True)
    assert "Import confirmed and done" in page.content()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED and run.started_by == analyst
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["BR1", "BR2"]
    assert not any((tmp_path / "uploads").iterdir())  # the upload's files are gone once imported

    page.goto(f"{live_server.url}/imports/")
    assert "a.csv, b.csv" in page.content() and "Succeeded" in page.content()
