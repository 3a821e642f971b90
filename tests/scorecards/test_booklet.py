"""The monthly booklet: the web page, the Excel workbook (opened with openpyxl, its numbers the scorecard's),
the PDF (printed by Chromium, rendered to images with pdftoppm and read back with pdftotext), editions made
when a month is published and again when it is restated, recipients' emails, the editions page and making
an edition on demand, and who gets what."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from apps.core.periods import Period
from apps.kpis import services as kpi_services
from apps.kpis.registry import SECTIONS
from apps.scorecards import booklet_pdf, booklet_services
from apps.scorecards import scorecard as sc
from apps.scorecards.booklet import default_layout
from apps.scorecards.models import Audience, BookletEdition, BookletFile, BookletFormat
from apps.scorecards.scorecard_exports import HEADER, export_values
from tests.factories import (
    LONDON,
    BookletEditionFactory,
    BookletFileFactory,
    BookletRecipientFactory,
    CommentaryFactory,
    ContactFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("scorecards:booklet")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo")


def booklet_url(la, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"period": "2018-03", "org_unit": la.code, **extra}.items())
    return f"{URL}?{query}"


@pytest.fixture
def fake_pdf(monkeypatch):
    """PDFs made without a browser: for the tests of editions, tasks and emails (the PDF has its own)."""
    printed = []

    def render(documents):
        printed.extend(documents)
        return [b"%PDF-1.4 fake " + d.org_unit.encode() for d in documents]

    monkeypatch.setattr(booklet_pdf, "render", render)
    return printed


# --- the web page ----------------------------------------------------------------------------------------


def test_web_booklet_in_the_booklets_order(client, login, personas, booklet):
    login(client, personas["director"])
    CommentaryFactory(period="2018-03", org_unit=booklet, section="", text="The director on March.")
    CommentaryFactory(period="2018-03", org_unit=booklet, section="1", text="The front door in March.")
    response = client.get(booklet_url(booklet))
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/booklet.css" in html
    # Contents first, linking each part; then the parts in the booklet's order.
    anchors = ["commentary", "scorecard", *(f"section-{code}" for code in SECTIONS)]
    for anchor in anchors:
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html
    positions = [html.index(f'id="{anchor}"') for anchor in anchors]
    assert positions == sorted(positions)
    assert html.index("The director on March.") < html.index('id="scorecard"')
    assert html.index('id="section-1"') < html.index("The front door in March.")
    assert "1,411" in html  # March's contacts, on the scorecard and the front door's page
    # The charts' data is in the page as JSON data blocks; no script of the page's own (strict CSP).
    assert 'type="application/json"' in html and "data-chart-source=" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert "/drill/" in html  # a director follows figures to their records


def test_viewer_reads_the_published_booklet_suppressed(client, login, personas, booklet):
    login(client, personas["viewer"])
    html = client.get(booklet_url(booklet)).content.decode()
    assert "/drill/" not in html
    assert 'class="withheld"' in html  # May 2017's 3 referrals, in the chart's table
    # An open month is not there for a viewer.
    from tests.scorecards import pages_data

    pages_data.month_held("2018-04", frozen=False)
    assert client.get(booklet_url(booklet, period="2018-04")).status_code == 400
    login(client, personas["director"])
    assert client.get(booklet_url(booklet, period="2018-04")).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, booklet):
    for url in (booklet_url(booklet), booklet_url(booklet, format="pdf"), reverse("scorecards:booklets")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_bad_choices_are_refused(client, login, personas, booklet, world):
    login(client, personas["director"])
    assert client.get(booklet_url(booklet, period="1999-01")).status_code == 400
    assert client.get(booklet_url(booklet, org_unit="A1")).status_code == 400  # a team has no booklet
    assert client.get(booklet_url(booklet, format="docx")).status_code == 400
    assert client.get(booklet_url(booklet, format="xlsx", edition="x")).status_code == 400
    assert client.get(booklet_url(booklet, format="xlsx", edition="7")).status_code == 404
    assert client.get(booklet_url(world["services"]["A"])).status_code == 200


# --- Excel -----------------------------------------------------------------------------------------------


def _workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def _rows_after_header(ws) -> list[list]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if list(r[: len(HEADER)]) == HEADER)
    return [list(r[: len(HEADER)]) for r in rows[start + 1 :]]


def _same(a, b) -> bool:
    a, b = (None if x == "" else x for x in (a, b))  # an empty text cell reads back as no value
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def test_workbook_numbers_are_the_scorecards(client, login, personas, booklet, snap):
    from apps.core.spreadsheets import xlsx_cell

    # A few of the booklet layout's own measures (the fixture holds the front door's pages' figures).
    snap("fd.decision_24h", "2018-02", 80, 100)
    snap("fd.decision_24h", "2018-03", 91, 97)
    snap("s47.started", "2018-02", 49)
    snap("s47.started", "2018-03", 57)
    snap("as.within_45wd", "2018-03", 77, 100)
    director = personas["director"]
    login(client, director)
    response = client.get(booklet_url(booklet, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = _workbook(response.content)
    names = wb.sheetnames
    assert names[0] == "Scorecard"
    assert "Commentary" in names
    assert any(n.startswith("1 ") for n in names) and len(names) == 2 + len(SECTIONS)

    card = sc.build(layout=default_layout(), period="2018-03", org_unit=booklet, user=director)
    expected = [[xlsx_cell(v) for v in row] for row in export_values(card)]
    got = _rows_after_header(wb["Scorecard"])
    assert len(got) == len(expected)
    page = HEADER.index("page")
    for g, e in zip(got, expected, strict=True):
        # Every column but `page`: in the booklet a page row points at the booklet's own section.
        assert all(_same(x, y) for i, (x, y) in enumerate(zip(g, e, strict=True)) if i != page), (g, e)
        if e[page]:
            assert g[page].startswith("#section-"), g
    # Stored as numbers: March's 57 S47 enquiries (49 in February) and 91 of 97 decisions within 24 hours
    # on the scorecard, and the 1,411 contacts on the front door's sheet.
    ws = wb["Scorecard"]
    col = {name: i for i, name in enumerate(HEADER)}
    by_kpi = {r[col["kpi"]].value: r for r in ws.iter_rows() if r[col["dimension"]].value is None}
    s47 = by_kpi["s47.started"]
    assert (s47[col["latest"]].value, s47[col["previous"]].value, s47[col["change"]].value) == (57, 49, 8)
    assert s47[col["latest"]].data_type == "n"
    decisions = by_kpi["fd.decision_24h"]
    assert (decisions[col["numerator"]].value, decisions[col["denominator"]].value) == (91, 97)
    assert abs(decisions[col["latest"]].value - 9100 / 97) < 1e-4
    front_door = wb[next(n for n in names if n.startswith("1 "))]
    cells = [c for row in front_door.iter_rows() for c in row if c.value == 1411]
    assert cells and all(c.data_type == "n" for c in cells)
    assert front_door._charts, "the front door's charts are native Excel charts"


def test_workbook_is_formula_safe_and_suppressed_for_viewers(client, login, personas, booklet):
    CommentaryFactory(period="2018-03", org_unit=booklet, section="", text='=HYPERLINK("http://x","y")')
    login(client, personas["viewer"])
    wb = _workbook(client.get(booklet_url(booklet, format="xlsx")).content)
    texts = [c.value for row in wb["Commentary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x","y")' in texts
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)
    # The referrals chart's May 2017 (3 referrals) is withheld: "c", never the figure.
    front_door = wb[next(n for n in wb.sheetnames if n.startswith("1 "))]
    values = [c.value for row in front_door.iter_rows() for c in row]
    assert "c" in values


# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_pages_and_text(tmp_path: Path, pdf: bytes) -> tuple[int, list[str], list[Path]]:
    path = tmp_path / "booklet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    subprocess.run(["pdftoppm", "-r", "40", str(path), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    images = sorted(tmp_path.glob("page-*.ppm"))
    return pages, text.split("\f"), images


def _has_colour(ppm: Path, rgb: tuple[int, int, int], tolerance: int = 40) -> bool:
    """Whether a page image holds pixels near a colour (a chart's series colour): read from the raw PPM."""
    data = ppm.read_bytes()
    # P6 header: magic, width, height, maxval, each followed by whitespace.
    parts = data.split(maxsplit=4)
    pixels = parts[4]
    for i in range(0, len(pixels) - 2, 3):
        if all(abs(pixels[i + k] - rgb[k]) <= tolerance for k in range(3)):
            return True
    return False


@pytest.mark.skipif(bool(booklet_pdf.available()), reason=f"no PDF renderer: {booklet_pdf.available()}")
@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) is not installed")
def test_pdf_edition_has_pages_text_charts_and_links(tmp_path, booklet, settings):
    edition = booklet_services.edition_make(period="2018-03", org_unit=booklet, trigger="on demand")
    files = {(f.audience, f.format): bytes(f.content) for f in edition.files.all()}
    assert set(files) == {(a, f) for a in Audience.values for f in BookletFormat.values}
    pdf = files[(Audience.FULL, BookletFormat.PDF)]
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "booklet.pdf").write_bytes(pdf)  # to look at (test-artifacts/, as the browser tests)
    pages, texts, images = _pdf_pages_and_text(tmp_path, pdf)
    # A cover with the contents, the commentary, the scorecard, then a section to a page or more.
    assert pages >= 3 + len(SECTIONS)
    assert len(images) == pages
    for n, text in enumerate(texts[:pages], start=1):
        # The council, the org unit and the period on every page, and its number.
        assert settings.COUNCIL_NAME in text, n
        assert f"{booklet.name} · March 2018" in text, n
        assert f"Page {n} of {pages}" in text, n
    assert "Contents" in texts[0]
    assert any("1. Front door" in t and "1,411" in t for t in texts[2:])
    # The charts are drawn: this year's bars (the second series' colour, #a45a00 at 80% on white) are on
    # the front door's pages, and not on the cover or the commentary's page.
    bars = (182, 123, 51)
    first = next(i for i, t in enumerate(texts) if i > 0 and "1. Front door" in t)
    last = next(i for i, t in enumerate(texts) if i > 0 and "2. Early help" in t)
    assert any(_has_colour(images[i], bars, tolerance=30) for i in range(first, last))
    assert not any(_has_colour(images[i], bars, tolerance=30) for i in range(2))  # cover, commentary
    # The contents link inside the document.
    assert b"/Link" in pdf and (b"/Dest" in pdf or b"/GoTo" in pdf)
    # The viewers' copy says so on every page and withholds small figures.
    viewer_dir = tmp_path / "viewer"
    viewer_dir.mkdir()
    _, viewer_texts, _ = _pdf_pages_and_text(viewer_dir, files[(Audience.PUBLISHED, BookletFormat.PDF)])
    assert all("small numbers withheld" in t for t in viewer_texts if t.strip())


# --- editions: on publication, on restatement, on demand --------------------------------------------------


def _freeze_march(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert kpi_services.freeze_period(period=Period.parse("2018-03"), today=date(2018, 4, 3))


def test_freeze_makes_the_months_editions_and_emails_recipients(
    world, fake_pdf, django_capture_on_commit_callbacks
):
    la_reader = BookletRecipientFactory(email="director@example.org")
    service_reader = BookletRecipientFactory(email="head-a@example.org", org_unit=world["services"]["A"])
    BookletRecipientFactory(email="gone@example.org", active=False)
    _freeze_march(django_capture_on_commit_callbacks)
    editions = BookletEdition.objects.filter(period="2018-03").select_related("org_unit")
    la = world["services"]["A"].parent
    assert sorted(e.org_unit.code for e in editions) == sorted([la.code, "SA", "SB"])
    for e in editions:
        assert (e.version, e.snapshot_version, e.trigger, e.provisional) == (1, 1, "published", False)
        kinds = set(e.files.values_list("audience", "format"))
        assert kinds == {(a, f) for a in Audience.values for f in BookletFormat.values}
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {la_reader.email, service_reader.email}
    la_edition = next(e for e in editions if e.org_unit.parent_id is None)
    assert f"org_unit={la_edition.org_unit.code}&format=pdf&edition=1" in sent[la_reader.email].body
    assert "Service A" in sent[service_reader.email].subject
    # Freezing again makes nothing (the task is idempotent).
    with django_capture_on_commit_callbacks(execute=True):
        assert not kpi_services.freeze_period(period=Period.parse("2018-03"), today=date(2018, 4, 4))
    assert BookletEdition.objects.filter(period="2018-03").count() == 3


def test_a_restatement_makes_a_new_edition_and_keeps_the_old(
    client, login, personas, world, fake_pdf, django_capture_on_commit_callbacks
):
    _freeze_march(django_capture_on_commit_callbacks)
    la = world["services"]["A"].parent
    first = BookletEdition.objects.get(period="2018-03", org_unit=la)
    first_xlsx = bytes(first.files.get(audience=Audience.FULL, format=BookletFormat.XLSX).content)
    # A contact of March recorded late: March's figures are recomputed and restated (version 2).
    ContactFactory(
        child=world["children"]["a"],
        team=world["teams"]["A1"],
        received_at=datetime(2018, 3, 20, 10, tzinfo=LONDON),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = kpi_services.snapshot_period_compute(period=Period.parse("2018-03"), today=date(2018, 4, 10))
    assert "fd.contacts" in run.restated
    editions = list(BookletEdition.objects.filter(period="2018-03", org_unit=la).order_by("version"))
    assert [(e.version, e.snapshot_version, e.trigger) for e in editions] == [
        (1, 1, "published"),
        (2, 2, "restated"),
    ]
    login(client, personas["director"])
    old = client.get(booklet_url(la, format="xlsx", edition=1))
    new = client.get(booklet_url(la, format="xlsx"))
    assert old.status_code == new.status_code == 200
    assert old.content == first_xlsx
    assert new.content == bytes(
        editions[1].files.get(audience=Audience.FULL, format=BookletFormat.XLSX).content
    )
    assert old.content != new.content


def test_editions_page_newest_first_and_each_audience_its_own_file(client, login, personas, booklet):
    older = BookletEditionFactory(org_unit=booklet, version=1, made_at=datetime(2018, 4, 3, 7, tzinfo=LONDON))
    newer = BookletEditionFactory(org_unit=booklet, version=2, made_at=datetime(2018, 4, 9, 7, tzinfo=LONDON))
    draft = BookletEditionFactory(
        org_unit=booklet,
        period="2018-02",
        version=1,
        provisional=True,
        made_at=datetime(2018, 4, 10, tzinfo=LONDON),
    )
    for e in (older, newer):
        BookletFileFactory(edition=e, audience=Audience.FULL, format="xlsx", content=b"full %d" % e.version)
        BookletFileFactory(
            edition=e, audience=Audience.PUBLISHED, format="xlsx", content=b"viewers %d" % e.version
        )
    BookletFileFactory(edition=draft, audience=Audience.FULL, format="xlsx", content=b"draft")
    login(client, personas["director"])
    html = client.get(reverse("scorecards:booklets")).content.decode()

    def at(period, version):
        return html.index(
            f"period={period}&amp;org_unit={booklet.code}&amp;format=xlsx&amp;edition={version}"
        )

    assert at("2018-02", 1) < at("2018-03", 2) < at("2018-03", 1)
    assert client.get(booklet_url(booklet, format="xlsx")).content == b"full 2"
    assert client.get(booklet_url(booklet, format="xlsx", edition=1)).content == b"full 1"
    login(client, personas["viewer"])
    html = client.get(reverse("scorecards:booklets")).content.decode()
    assert "February 2018" not in html  # a provisional edition is not a viewer's
    assert client.get(booklet_url(booklet, format="xlsx")).content == b"viewers 2"
    assert client.get(booklet_url(booklet, format="xlsx", edition=1)).content == b"viewers 1"
    assert client.get(booklet_url(booklet, format="xlsx", period="2018-02", edition=1)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "allowed"), [("analyst", True), ("admin", True), ("director", False), ("viewer", False)]
)
def test_on_demand_by_analysts_and_admins(
    client, login, personas, booklet, fake_pdf, django_capture_on_commit_callbacks, persona, allowed
):
    login(client, personas[persona])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scorecards:booklets"), {"period": "2018-03", "org_unit": booklet.code}
        )
    if not allowed:
        assert response.status_code == 403
        assert not BookletEdition.objects.exists()
        return
    assert response.status_code == 302
    edition = BookletEdition.objects.get()
    assert (edition.trigger, edition.made_by, edition.version) == ("on demand", personas[persona], 1)
    # On demand makes a new edition even from the same figures.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scorecards:booklets"), {"period": "2018-03", "org_unit": booklet.code})
    assert list(BookletEdition.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_no_renderer_still_makes_the_workbook(booklet, monkeypatch):
    def unavailable(documents):
        raise booklet_pdf.PdfUnavailable("Chromium is not installed (test)")

    monkeypatch.setattr(booklet_pdf, "render", unavailable)
    edition = booklet_services.edition_make(period="2018-03", org_unit=booklet, trigger="on demand")
    assert set(edition.files.values_list("format", flat=True)) == {"xlsx"}
    assert "Chromium is not installed" in edition.notes


def test_kpis_does_not_import_the_booklet():
    root = Path(__file__).resolve().parents[2] / "apps" / "kpis"
    upward = re.compile(r"^\s*(from|import)\s+apps\.scorecards", re.M)
    offenders = [p.name for p in root.rglob("*.py") if upward.search(p.read_text())]
    assert offenders == []


def test_booklet_files_hold_no_child_level_data(booklet, world, fake_pdf):
    edition = booklet_services.edition_make(period="2018-03", org_unit=booklet, trigger="on demand")
    names = ["Alice", "Amir", "Birch", "CH-A", "CH-B"]
    for f in BookletFile.objects.filter(edition=edition, format="xlsx"):
        wb = _workbook(bytes(f.content))
        values = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
        assert not any(name in v for name in names for v in values)
        assert not any("/drill/" in v for v in values)
    for doc in fake_pdf:
        assert "/drill/" not in doc.html and not any(name in doc.html for name in ("Alice", "CH-A"))


def test_admins_keep_the_recipients_list(client, login, personas, world):
    from apps.accounts.models import AuditEvent
    from apps.scorecards.models import BookletRecipient

    login(client, personas["admin"])
    new = reverse("manage:recipient_new")
    data = {"name": "Head of Service A", "email": "head-a@example.org", "org_unit": world["services"]["A"].pk}
    response = client.post(new, data | {"active": "on"})
    assert response.status_code == 302
    recipient = BookletRecipient.objects.get()
    assert (recipient.email, recipient.org_unit, recipient.active) == (
        "head-a@example.org",
        world["services"]["A"],
        True,
    )
    assert AuditEvent.objects.filter(object_type__icontains="recipient").exists()
    assert "head-a@example.org" in client.get(reverse("manage:recipients")).content.decode()
    login(client, personas["analyst"])
    assert client.post(new, data | {"email": "x@example.org"}).status_code == 403


def test_pdf_download_without_an_edition_is_made_now(client, login, personas, booklet, fake_pdf):
    login(client, personas["viewer"])
    response = client.get(booklet_url(booklet, format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (document,) = fake_pdf
    assert "small numbers withheld" in document.note and "/drill/" not in document.html
    assert 'class="withheld"' in document.html


@pytest.mark.parametrize(("persona", "most"), [("director", 40), ("viewer", 55)])
def test_web_booklet_queries_are_pinned(
    client, login, personas, booklet, django_assert_max_num_queries, persona, most
):
    """A fixed number of queries whatever the month's size: per section, not per figure or row."""
    login(client, personas[persona])
    client.get(booklet_url(booklet))  # the viewers' suppression pattern, worked out once and stored
    with django_assert_max_num_queries(most):
        assert client.get(booklet_url(booklet)).status_code == 200
