"""Writes for the booklet: making an edition of a month's booklet for an org unit, and telling its
recipients. Called by the tasks in apps.scorecards.tasks (on publication, on restatement, on demand).

An edition holds, for each audience that may read it, the PDF and the Excel workbook: every portal user but
viewers reads the `full` files (every aggregate; a booklet holds no child-level data), viewers the
`published` ones (suppressed), which exist only once the month is published."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.core.models import OrgUnit
from apps.kpis.models import Snapshot
from apps.kpis.selectors import is_published

from . import booklet_pdf, booklet_xlsx
from .booklet import Booklet, assemble, reader
from .models import Audience, BookletEdition, BookletFile, BookletFormat, BookletRecipient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FiguresState:
    snapshot_version: int
    figures_as_of: object  # datetime | None


def figures_state(period: str) -> FiguresState | None:
    """Which figures of the month an edition is made from: the highest version among them (1 until one is
    restated) and the newest computation time. None when the month holds no figures."""
    found = Snapshot.objects.filter(period=period).aggregate(v=Max("version"), at=Max("computed_at"))
    if found["v"] is None:
        return None
    return FiguresState(found["v"], found["at"])


def context_of(
    booklet: Booklet, *, document: bool, edition: BookletEdition | None = None, extra=None
) -> dict:
    """The booklet template's context: the web page (document=False, inside the portal's layout) or the
    document the PDF is printed from (document=True: no navigation, no controls)."""
    from .scorecard_views import _legend

    return {
        "booklet": booklet,
        "legend": _legend(),
        "document": document,
        "edition": edition,
        "base_template": "scorecards/booklet/document.html" if document else "base.html",
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "COUNCIL_CODE": settings.COUNCIL_CODE,
        **(extra or {}),
    }


def html_of(booklet: Booklet, *, document: bool, edition: BookletEdition | None = None) -> str:
    context = context_of(booklet, document=document, edition=edition)
    return render_to_string("scorecards/booklet/booklet.html", context)


def pdf_document(booklet: Booklet, html: str) -> booklet_pdf.Document:
    note = "Provisional" if booklet.provisional else ""
    if booklet.viewer:
        note = "Published figures; small numbers withheld (c)"
    return booklet_pdf.Document(
        html=html,
        council=booklet.council,
        org_unit=booklet.org_unit.name,
        period=booklet.month_label,
        note=note,
    )


def pdf_of(booklet: Booklet, edition: BookletEdition | None = None) -> bytes:
    """One booklet as a PDF, now (raises booklet_pdf.PdfUnavailable where Chromium is missing)."""
    html = html_of(booklet, document=True, edition=edition)
    return booklet_pdf.render([pdf_document(booklet, html)])[0]


def edition_make(
    *,
    period: str,
    org_unit: OrgUnit,
    trigger: str,
    user=None,
    force: bool = False,
    formats: tuple[str, ...] = (BookletFormat.PDF, BookletFormat.XLSX),
) -> BookletEdition | None:
    """Make the next edition of the month's booklet for `org_unit`, unless (without `force`) the newest
    edition was made from the same figures; None when nothing was made (no figures, or no change). A
    restated month therefore gets a new edition and keeps the older ones. Recipients are emailed once it is
    stored (a published month's editions only)."""
    state = figures_state(period)
    if state is None:
        return None
    newest = BookletEdition.objects.filter(period=period, org_unit=org_unit).order_by("-version").first()
    if (
        not force
        and newest is not None
        and (newest.snapshot_version, newest.figures_as_of) == (state.snapshot_version, state.figures_as_of)
    ):
        return None
    published = is_published(period)
    audiences = [Audience.FULL] + ([Audience.PUBLISHED] if published else [])
    made_at = timezone.now()
    draft = BookletEdition(
        period=period,
        org_unit=org_unit,
        version=(newest.version + 1) if newest else 1,
        snapshot_version=state.snapshot_version,
        figures_as_of=state.figures_as_of,
        provisional=not published,
        trigger=trigger[:40],
        made_by=user if getattr(user, "pk", None) else None,
        made_at=made_at,
    )
    files: list[tuple[str, str, bytes, float]] = []
    documents, notes = [], []
    # Every read first: the PDFs are printed afterwards, with no database query while the browser runs.
    for audience in audiences:
        booklet = assemble(period=period, org_unit=org_unit, user=reader(audience), links=False)
        if BookletFormat.XLSX in formats:
            started = time.perf_counter()
            files.append(
                (audience, BookletFormat.XLSX, booklet_xlsx.workbook(booklet), time.perf_counter() - started)
            )
        if BookletFormat.PDF in formats:
            started = time.perf_counter()
            html = html_of(booklet, document=True, edition=draft)
            documents.append((audience, pdf_document(booklet, html), time.perf_counter() - started))
    if documents:
        started = time.perf_counter()
        try:
            pdfs = booklet_pdf.render([doc for _, doc, _ in documents])
        except booklet_pdf.PdfUnavailable as exc:
            log.warning("booklet %s %s: no PDF made: %s", period, org_unit.code, exc)
            notes.append(f"No PDF: {exc}.")
        else:
            each = (time.perf_counter() - started) / len(pdfs)
            for (audience, _, took), pdf in zip(documents, pdfs, strict=True):
                files.append((audience, BookletFormat.PDF, pdf, took + each))
    draft.notes = " ".join(notes)
    return _store(draft, files)


@transaction.atomic
def _store(draft: BookletEdition, files) -> BookletEdition:
    # The version is taken again under the write: two makers of the same month's edition get 1 and 2, and
    # the unique constraint stops any clash.
    newest = (
        BookletEdition.objects.select_for_update()
        .filter(period=draft.period, org_unit=draft.org_unit)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    draft.version = (newest or 0) + 1
    draft.save()
    BookletFile.objects.bulk_create(
        [
            BookletFile(edition=draft, audience=a, format=f, content=content, size=len(content), seconds=s)
            for a, f, content, s in files
        ]
    )
    return draft


def edition_url(edition: BookletEdition, fmt: str = BookletFormat.PDF) -> str:
    query = urlencode(
        {
            "period": edition.period,
            "org_unit": edition.org_unit.code,
            "format": fmt,
            "edition": edition.version,
        }
    )
    return f"{reverse('scorecards:booklet')}?{query}"


def recipients_of(edition: BookletEdition) -> list[BookletRecipient]:
    qs = BookletRecipient.objects.filter(active=True)
    if edition.org_unit.parent_id is None:
        qs = qs.filter(org_unit__isnull=True) | qs.filter(org_unit=edition.org_unit)
    else:
        qs = qs.filter(org_unit=edition.org_unit)
    return list(qs.order_by("email"))


def edition_announce(*, edition: BookletEdition) -> int:
    """Email each recipient of the edition's booklet a link to it (never the file: the link asks them to
    sign in, and what they get depends on their role). Returns how many were sent."""
    base = settings.PORTAL_URL.rstrip("/")
    month = booklet_month_label(edition.period)
    subject = f"{settings.COUNCIL_NAME}: performance booklet for {edition.org_unit.name}, {month}"
    if edition.version > 1:
        subject += f" (edition {edition.version})"
    body = (
        f"The children's services performance booklet for {edition.org_unit.name}, {month}, is ready"
        f"{' (a new edition: some figures were restated)' if edition.trigger == 'restated' else ''}.\n\n"
        f"PDF:   {base}{edition_url(edition, BookletFormat.PDF)}\n"
        f"Excel: {base}{edition_url(edition, BookletFormat.XLSX)}\n"
        f"Every edition: {base}{reverse('scorecards:booklets')}\n\n"
        "Sign in to the portal to open it.\n"
    )
    sent = 0
    for recipient in recipients_of(edition):
        sent += send_mail(subject, body, None, [recipient.email], fail_silently=False)
    return sent


def booklet_month_label(period: str) -> str:
    from .pages import section_period_label

    return section_period_label(period)
