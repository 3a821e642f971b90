"""/booklet/?period=YYYY-MM&org_unit=CODE[&format=pdf|xlsx][&edition=N]: the month's booklet for the LA or a
service; /booklets/: its editions, newest first, and (analysts and admins) making one on demand.

Every signed-in user may open a booklet: it holds aggregates only. Viewers get published months only, with
small numbers suppressed, and their downloads are the editions' `published` files. A PDF or workbook is
the newest stored edition's (or the one `edition` names); a month with no edition yet is made on the spot
from the same figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from apps.accounts import access
from apps.accounts.models import Role

from . import booklet_pdf, booklet_services, booklet_xlsx, page_data
from .booklet import assemble, audience_of, booklet_units
from .models import BookletEdition, BookletFile, BookletFormat
from .pages import section_period_label
from .selectors import default_month

CONTENT_TYPES = {
    BookletFormat.PDF: "application/pdf",
    BookletFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAKERS = frozenset({Role.ANALYST, Role.ADMIN})


def may_make(user) -> bool:
    """Analysts and admins make an edition on demand."""
    return user.is_authenticated and user.is_active and user.role in MAKERS


def _months_for(user) -> list[str]:
    viewer = access.suppresses_small_counts(user)
    return [p for p, frozen in page_data.held_months() if frozen is not None or not viewer]


def _choice(request, months, units):
    """(period, org unit, errors) from the query, defaulting to the newest month that has ended and the LA."""
    errors = []
    period = request.GET.get("period", "") or default_month(months)
    if period not in months:
        errors.append("Choose a month from the list.")
    code = request.GET.get("org_unit", "")
    by_code = {u.code: u for u in units}
    unit = by_code.get(code) if code else (units[0] if units else None)
    if unit is None:
        errors.append("Choose the LA or a service.")
    return period, unit, errors


def _editions(user, period=None, unit=None):
    qs = BookletEdition.objects.select_related("org_unit", "made_by")
    if access.suppresses_small_counts(user):
        qs = qs.filter(provisional=False)
    if period is not None:
        qs = qs.filter(period=period, org_unit=unit)
    return qs


def _file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == BookletFormat.PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    add_never_cache_headers(response)
    return response


@login_required
def booklet(request):
    user = request.user
    months = _months_for(user)
    units = booklet_units()
    fmt = request.GET.get("format", "") or "html"
    if fmt not in ("html", BookletFormat.PDF, BookletFormat.XLSX):
        return HttpResponse("Unknown format: use pdf or xlsx.", status=400, content_type="text/plain")
    if not months:
        return _page(request, {"empty": True, "viewer": access.suppresses_small_counts(user)})
    period, unit, errors = _choice(request, months, units)
    wanted = request.GET.get("edition", "")
    if wanted and not wanted.isdigit():
        errors.append("An edition is a number.")
    if errors:
        return _page(request, {"errors": errors}, status=400)
    editions = _editions(user, period, unit).order_by("-version")
    if fmt == "html":
        b = assemble(period=period, org_unit=unit, user=user)
        extra = {
            "months": [{"value": p, "label": section_period_label(p)} for p in months],
            "units": units,
            "query": urlencode({"period": period, "org_unit": unit.code}),
            "latest_edition": editions.first(),
        }
        context = booklet_services.context_of(b, document=False, extra=extra)
        response = render(request, "scorecards/booklet/booklet.html", context)
        add_never_cache_headers(response)
        return response
    name = f"booklet-{unit.code}-{period}"
    edition = editions.filter(version=int(wanted)).first() if wanted else editions.first()
    if wanted and edition is None:
        raise Http404("No such edition.")
    if edition is not None:
        stored = (
            BookletFile.objects.filter(edition=edition, audience=audience_of(user), format=fmt)
            .values_list("content", flat=True)
            .first()
        )
        if stored is not None:
            return _file_response(stored, fmt, f"{name}-edition-{edition.version}")
        if wanted:
            raise Http404("That edition has no such file.")
    # No edition stored yet (or none with this file): made now, from the same figures.
    b = assemble(period=period, org_unit=unit, user=user, links=False)
    if fmt == BookletFormat.XLSX:
        return _file_response(booklet_xlsx.workbook(b), fmt, name)
    try:
        return _file_response(booklet_services.pdf_of(b), fmt, name)
    except booklet_pdf.PdfUnavailable as exc:
        return HttpResponse(f"No PDF can be made here: {exc}.", status=503, content_type="text/plain")


def _page(request, context, status=200):
    response = render(request, "scorecards/booklet/empty.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def editions(request):
    user = request.user
    units = booklet_units()
    months = _months_for(user)
    if request.method == "POST":
        if not may_make(user):
            raise PermissionDenied("Analysts and admins make booklet editions.")
        period, code = request.POST.get("period", ""), request.POST.get("org_unit", "")
        if period not in months or code not in {u.code for u in units}:
            messages.error(request, "Choose a month and the LA or a service from the lists.")
            return redirect("scorecards:booklets")
        from . import tasks

        transaction.on_commit(lambda: tasks.booklet_edition.delay(period, code, "on demand", user.pk, True))
        messages.success(
            request, "The edition is being made: it is listed here once it is ready (a minute or so)."
        )
        return redirect("scorecards:booklets")
    audience = audience_of(user)
    files = BookletFile.objects.filter(audience=audience).only("edition", "audience", "format", "size")
    rows = []
    for e in (
        _editions(user).prefetch_related(Prefetch("files", queryset=files)).order_by("-made_at", "-pk")[:200]
    ):
        rows.append(
            {
                "edition": e,
                "month": section_period_label(e.period),
                "files": [
                    {
                        "format": f.format,
                        "label": f.get_format_display(),
                        "size": f.size,
                        "url": booklet_services.edition_url(e, f.format),
                    }
                    for f in e.files.all()
                ],
            }
        )
    context = {
        "rows": rows,
        "may_make": may_make(user),
        "months": [{"value": p, "label": section_period_label(p)} for p in months],
        "units": units,
        "default_month": default_month(months),
    }
    response = render(request, "scorecards/booklet/editions.html", context)
    add_never_cache_headers(response)
    return response
