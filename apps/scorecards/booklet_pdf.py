"""The booklet as a PDF: Debian's Chromium, driven by Playwright, prints the booklet's own web page (the same
template, print stylesheet and Chart.js charts), so the PDF cannot drift from the page. Why Chromium rather
than a renderer without JavaScript is in the README (Booklet).

The page is printed with no server behind it: its HTML is rendered by Django first, then Chromium loads it
from a private origin whose every request is answered here - the page itself, and the portal's static files
(CSS, Chart.js, charts.js) read from disk - and anything else is refused, so nothing leaves the machine. The
charts' data is in the page (JSON data blocks), so no request reaches a view. No database query is made
while the browser runs (Django refuses synchronous queries inside Playwright's event loop), and the
browser is started once for all the documents of an edition.

Each page carries the council's name, the org unit and the period at its head and "page n of m" at its
foot (Chromium's header and footer templates); the contents' links are links inside the PDF."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

ORIGIN = "http://booklet.invalid"
DOCUMENT_PATH = "/booklet/"
CHROMIUM = getattr(settings, "BOOKLET_CHROMIUM", "") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# A4 landscape at 96 px to the inch, less the page margins: the width the print layout is laid out at, so the
# charts are drawn at the size they print.
VIEWPORT = {"width": 1085, "height": 760}
CHARTS_TIMEOUT_MS = 120_000


class PdfUnavailable(RuntimeError):
    """No PDF can be made here (Chromium or Playwright is missing)."""


@dataclass(frozen=True)
class Document:
    html: str
    council: str
    org_unit: str
    period: str
    note: str = ""  # e.g. "Provisional" or "Published figures, small numbers suppressed"


def available() -> str:
    """'' when PDFs can be made, else why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed ({CHROMIUM})"
    return ""


def _static_file(path: str) -> Path | None:
    """The file behind a /static/ URL: from the apps' and project's static folders (development, tests) or
    the collected static root (production, hashed names)."""
    name = unquote(path[len(settings.STATIC_URL) :]) if path.startswith(settings.STATIC_URL) else ""
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        candidate = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return candidate if candidate.is_file() else None


def _header(doc: Document) -> str:
    # Chromium draws these in the page margins with no stylesheet of the page: sizes must be given here.
    return (
        '<div style="font-size:8px;font-family:DejaVu Sans,Arial,sans-serif;width:100%;padding:0 10mm;'
        'display:flex;justify-content:space-between;color:#333">'
        f"<span>{escape(doc.council)}</span><span>{escape(doc.org_unit)} · {escape(doc.period)}</span>"
        f"<span>{escape(doc.note)}</span></div>"
    )


def _footer(doc: Document) -> str:
    return (
        '<div style="font-size:8px;font-family:DejaVu Sans,Arial,sans-serif;width:100%;padding:0 10mm;'
        'display:flex;justify-content:space-between;color:#333">'
        f"<span>{escape(doc.council)} · children's services performance booklet</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def render(documents: list[Document]) -> list[bytes]:
    """Each document printed to PDF bytes, in one browser."""
    why = available()
    if why:
        raise PdfUnavailable(why)
    from playwright.sync_api import sync_playwright

    out: list[bytes] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            for doc in documents:
                out.append(_print(browser, doc))
        finally:
            browser.close()
    return out


def _print(browser, doc: Document) -> bytes:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, java_script_enabled=True)
    try:
        page = context.new_page()

        def answer(route):
            url = urlsplit(route.request.url)
            if f"{url.scheme}://{url.netloc}" != ORIGIN:
                return route.abort()
            if url.path == DOCUMENT_PATH:
                return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=doc.html)
            found = _static_file(url.path)
            if found is None:
                return route.fulfill(status=404, body="")
            return route.fulfill(status=200, path=str(found))

        page.route("**/*", answer)
        page.emulate_media(media="print")
        page.goto(ORIGIN + DOCUMENT_PATH, wait_until="load")
        page.wait_for_function(
            "document.documentElement.getAttribute('data-charts') === 'done'", timeout=CHARTS_TIMEOUT_MS
        )
        return page.pdf(
            format="A4",
            landscape=True,
            print_background=True,
            display_header_footer=True,
            header_template=_header(doc),
            footer_template=_footer(doc),
            margin={"top": "16mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
            outline=True,
            tagged=True,
        )
    finally:
        context.close()
