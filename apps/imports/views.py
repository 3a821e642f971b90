"""The import pages at /imports/: the history of every import run, one run's report (with Confirm / Discard
for a browser upload awaiting confirmation, and its progress while it runs), and the upload form.

Only those who may import (apps.accounts.access.may_import: analysts and admins) see them: anonymous users
are sent to sign in, everyone else gets 403, before any run is looked up. A run's report quotes the values
it refused, child IDs among them, so showing it is written to the access log like any child-level page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from apps.accounts import access
from apps.accounts.models import AccessAction
from apps.accounts.services import log_access, log_refusal
from apps.core.views import ListView

from . import selectors, sniff, uploads
from .filtersets import ImportRunFilterSet
from .forms import UploadForm
from .models import ImportRun, ImportStatus
from .tables import ImportRunTable

PROBLEMS_PER_PAGE = 50


@method_decorator(never_cache, name="dispatch")
class ImportersOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.may_import(request.user):
            log_refusal(request, status=403, reason="imports are for analysts and administrators")
            raise PermissionDenied("Imports are for analysts and administrators.")
        return super().dispatch(request, *args, **kwargs)


class HistoryView(ImportersOnlyMixin, ListView):
    template_name = "imports/history.html"
    filterset_class = ImportRunFilterSet
    table_class = ImportRunTable
    export_formats = ()

    def get_queryset(self):
        return selectors.import_history()


def _page(items: list, number, per_page: int = PROBLEMS_PER_PAGE):
    return Paginator(items or [], per_page).get_page(number)


class RunView(ImportersOnlyMixin, TemplateView):
    template_name = "imports/run.html"

    def get(self, request, *args, **kwargs):
        self.run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=kwargs["pk"])
        response = super().get(request, *args, **kwargs)
        shown = len(self.errors_page.object_list) + len(self.warnings_page.object_list)
        log_access(request, action=AccessAction.DETAIL, what=f"import run {self.run.pk}", rows=shown)
        return response

    def get_context_data(self, **kwargs):
        run = self.run
        self.errors_page = _page(run.errors, self.request.GET.get("errors_page"))
        self.warnings_page = _page(run.warnings, self.request.GET.get("warnings_page"))
        return super().get_context_data(
            run=run,
            counts=selectors.run_counts(run),
            progress=selectors.run_progress(run, now=timezone.now()),
            errors_page=self.errors_page,
            warnings_page=self.warnings_page,
            errors_listed=len(run.errors or []),
            warnings_listed=len(run.warnings or []),
            format_label=uploads.format_label(run.kind) if run.is_upload else run.get_kind_display(),
            **kwargs,
        )


class ProgressView(ImportersOnlyMixin, View):
    """The run's progress as JSON, polled by static/js/import-progress.js while the run page is open."""

    def get(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        return JsonResponse(selectors.run_progress(run, now=timezone.now()))


class ConfirmView(ImportersOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        if uploads.upload_confirm(run=run, user=request.user):
            run.refresh_from_db()  # without a worker the import has already run by now
            messages.success(request, CONFIRMED.get(run.status, CONFIRMED[ImportStatus.RUNNING]))
        else:
            run.refresh_from_db()
            messages.error(
                request,
                f"This import cannot be confirmed: it is not awaiting confirmation (it is "
                f"{run.get_status_display().lower()}).",
            )
        return redirect("imports:run", pk=run.pk)


class DiscardView(ImportersOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        if uploads.upload_discard(run=run, user=request.user):
            messages.success(request, "Upload discarded: nothing was imported and its files are deleted.")
        else:
            run.refresh_from_db()
            messages.error(
                request,
                f"This upload cannot be discarded: it is not awaiting confirmation (it is "
                f"{run.get_status_display().lower()}).",
            )
        return redirect("imports:run", pk=run.pk)


class NewView(ImportersOnlyMixin, View):
    template_name = "imports/new.html"
    # The size limit applies while the body is read (apps.core.uploads.UploadLimitMiddleware).
    upload_limit = "IMPORT_UPLOAD_MAX_BYTES"

    def render_form(self, request, form, problems=(), status=200):
        context = {
            "form": form,
            "problems": problems,
            "formats": sniff.formats(),
            "max_size": uploads.size_text(settings.IMPORT_UPLOAD_MAX_BYTES),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(request, UploadForm())

    def post(self, request):
        return self._post(request, request.upload_limit)

    def _post(self, request, limit):
        request.FILES  # noqa: B018 - reads the body now, through the size limit, to know if it stopped
        if limit.exceeded:
            for f in request.FILES.getlist("files"):
                f.close()
            # The files were not kept; the choices made are, so the form need only be given smaller files.
            kept = UploadForm(
                initial={"format": request.POST.get("format"), "year": request.POST.get("year")}
            )
            return self.render_form(request, kept, [uploads.too_big_message(limit.sent)], status=413)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            run = uploads.upload_store(
                fmt=form.cleaned_data["format"],
                files=form.cleaned_data["files"],
                year=form.cleaned_data["year"],
                user=request.user,
            )
        except uploads.UploadRefused as refused:
            return self.render_form(request, form, refused.problems, status=400)
        # Without a worker (no REDIS_URL) the check has already run by now; with one it is under way.
        run.refresh_from_db()
        messages.success(request, UPLOADED.get(run.status, UPLOADED[ImportStatus.RUNNING]))
        return redirect("imports:run", pk=run.pk)


CONFIRMED = {
    ImportStatus.RUNNING: "Import confirmed: it is running. This page shows how far it has got.",
    ImportStatus.SUCCEEDED: "Import confirmed and done: the records are written.",
    ImportStatus.FAILED: "Import confirmed, but it failed: nothing was written (the errors are below).",
}

UPLOADED = {
    ImportStatus.RUNNING: "Uploaded. The files are being checked; nothing is written until you confirm. The "
    "report is shown here once the check has finished.",
    ImportStatus.AWAITING: "Uploaded and checked: nothing blocks. Read the report, then confirm the import or "
    "discard it. Nothing has been written yet.",
    ImportStatus.FAILED: "Uploaded and checked: the files have blocking errors, listed below. Nothing was written.",
}
