"""The /manage/ pages. Every view is admin-only through AdminOnlyMixin (anonymous -> login, any other role
-> 403), checked in dispatch before any object is looked up. Lists are queryset + filterset + table; writes
call the owning app's services_admin, which audits them in the same transaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView
from django.views.generic.edit import FormView

from apps.accounts import services_admin as user_services
from apps.accounts import services_org_units as org_services
from apps.accounts import services_tokens as token_services
from apps.accounts.access import is_admin
from apps.accounts.models import AccessLog, ApiToken, AuditEvent, User
from apps.core.models import OrgLevel, OrgUnit
from apps.core.services import ensure_la
from apps.core.views import ListView
from apps.kpis import services_admin as kpi_services
from apps.kpis.models import Baseline, Benchmark, EnteredMeasure, MeasureSetting, Target
from apps.kpis.registry import load
from apps.scorecards import services_admin as booklet_services
from apps.scorecards.models import BookletRecipient

from . import filtersets, forms, tables


@method_decorator(never_cache, name="dispatch")
class AdminOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_admin(request.user):
            raise PermissionDenied("Administrators only.")
        return super().dispatch(request, *args, **kwargs)


class Index(AdminOnlyMixin, TemplateView):
    template_name = "manage/index.html"


# --- generic list / form / delete ----------------------------------------------------------------------


class ListPage(AdminOnlyMixin, ListView):
    """The one list view (apps.core.views.ListView: filters, a table of at most 100 rows a page, exports)
    behind the admin-only check."""

    template_name = "manage/list.html"
    export_formats = ()  # a list exports only where it says so (the access log)
    title = ""
    new_url = ""
    new_label = ""
    intro = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        new_url = reverse(self.new_url) if self.new_url and ":" in self.new_url else self.new_url
        ctx.update(title=self.title, new_url=new_url, new_label=self.new_label, intro=self.intro)
        return ctx


def _form_page(request, *, form, title, back, submit="Save", intro=""):
    return render(
        request,
        "manage/form.html",
        {"form": form, "title": title, "back": back, "submit": submit, "intro": intro},
    )


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class RecordEdit(AdminOnlyMixin, View):
    """Create (no pk) or edit (pk) one Target / Benchmark / EnteredMeasure through kpi services."""

    model = None
    form_class = None
    noun = ""
    list_url = ""

    def create(self, request, data):
        return kpi_services.record_create(actor=request.user, model=self.model, data=data)

    def update(self, request, obj, data) -> bool:
        return kpi_services.record_update(actor=request.user, obj=obj, data=data)

    def get_object(self):
        if "pk" not in self.kwargs:
            return self.model()
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def title(self, obj):
        return f"Edit {self.noun} {obj}" if obj.pk else f"New {self.noun}"

    def get(self, request, **kwargs):
        obj = self.get_object()
        return _form_page(
            request, form=self.form_class(instance=obj), title=self.title(obj), back=reverse(self.list_url)
        )

    def post(self, request, **kwargs):
        obj = self.get_object()
        is_new = obj.pk is None
        form = self.form_class(request.POST, instance=obj)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form._meta.fields}
            try:
                if is_new:
                    obj = self.create(request, data)
                    messages.success(request, f"Created {self.noun} {obj}.")
                elif self.update(request, obj, data):
                    messages.success(request, f"Saved {self.noun} {obj}.")
                else:
                    messages.info(request, "Nothing changed.")
                return redirect(self.list_url)
            except ValidationError as exc:
                _apply_errors(form, exc)
        return _form_page(request, form=form, title=self.title(obj), back=reverse(self.list_url))


class RecordDelete(AdminOnlyMixin, View):
    """Confirm, then delete one object through an audited service. By default a Target / Benchmark /
    EnteredMeasure through kpi services, back to its list; a subclass sets `back`, `perform` (and `after`,
    where to go once the object is gone)."""

    model = None
    noun = ""
    list_url = ""
    verb, done = "Delete", "Deleted"
    message = "The deletion is recorded in the audit trail with the values it had."

    def back(self, obj):
        return reverse(self.list_url)

    def after(self, obj):
        return self.back(obj)

    def perform(self, request, obj):
        kpi_services.record_delete(actor=request.user, obj=obj)

    def get(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        return render(
            request,
            "manage/confirm.html",
            {
                "title": f"{self.verb} {self.noun} {obj}?",
                "message": self.message,
                "button": self.verb,
                "back": self.back(obj),
            },
        )

    def post(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        text, after = str(obj), self.after(obj)
        self.perform(request, obj)
        messages.success(request, f"{self.done} {self.noun} {text}.")
        return redirect(after)


# --- booklet recipients -------------------------------------------------------------------------------


class BookletRecipientList(ListPage):
    title = "Booklet recipients"
    new_url = "manage:recipient_new"
    new_label = "New recipient"
    intro = (
        "Who is emailed a link when a published month's booklet edition is ready: the LA's booklet, or one "
        "service's. The link asks them to sign in; what they read depends on their role."
    )
    table_class = tables.BookletRecipientTable
    filterset_class = filtersets.BookletRecipientFilterSet
    queryset = BookletRecipient.objects.select_related("org_unit").order_by("name", "email")


class BookletRecipientEdit(RecordEdit):
    model, form_class, noun, list_url = (
        BookletRecipient,
        forms.BookletRecipientForm,
        "recipient",
        "manage:recipients",
    )

    def create(self, request, data):
        return booklet_services.recipient_create(actor=request.user, data=data)

    def update(self, request, obj, data) -> bool:
        return booklet_services.recipient_update(actor=request.user, obj=obj, data=data)


class BookletRecipientDelete(RecordDelete):
    model, noun, list_url = BookletRecipient, "recipient", "manage:recipients"

    def perform(self, request, obj):
        booklet_services.recipient_delete(actor=request.user, obj=obj)


# --- users ---------------------------------------------------------------------------------------------


class UserList(ListPage):
    title = "Users"
    new_url = "manage:user_new"
    new_label = "New user"
    table_class = tables.UserTable
    filterset_class = filtersets.UserFilterSet
    queryset = User.objects.prefetch_related("org_units").order_by("username")


def _show_link(request, user, path, title):
    return render(
        request,
        "manage/user_link.html",
        {"title": title, "account": user, "link": request.build_absolute_uri(path)},
    )


class UserNew(AdminOnlyMixin, View):
    def get(self, request):
        return _form_page(
            request, form=forms.UserCreateForm(), title="New user", back=reverse("manage:users")
        )

    def post(self, request):
        form = forms.UserCreateForm(request.POST)
        if form.is_valid():
            try:
                user, path = user_services.user_create(actor=request.user, **form.user_data())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return _show_link(request, user, path, f"Created {user.username}")
        return _form_page(request, form=form, title="New user", back=reverse("manage:users"))


class UserEdit(AdminOnlyMixin, View):
    def _page(self, request, form, account):
        return render(
            request,
            "manage/user_edit.html",
            {
                "form": form,
                "account": account,
                "title": f"User {account.username}",
                "back": reverse("manage:users"),
                "lockout": user_services.lockout_supported(),
            },
        )

    def get(self, request, pk):
        account = get_object_or_404(User, pk=pk)
        return self._page(request, forms.UserForm(instance=account), account)

    def post(self, request, pk):
        account = get_object_or_404(User, pk=pk)
        form = forms.UserForm(request.POST, instance=account)
        if form.is_valid():
            try:
                changed = user_services.user_update(actor=request.user, user=account, data=form.user_data())
            except user_services.AdminActionError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Saved {account.username}." if changed else "Nothing changed.")
                return redirect("manage:users")
        return self._page(request, form, get_object_or_404(User, pk=pk))


class UserAction(AdminOnlyMixin, View):
    """A confirm page (GET) and the action (POST) for one account."""

    ACTIONS = {
        "deactivate": (
            "Deactivate",
            "Deactivate",
            "They can no longer sign in. Nothing they did is removed.",
        ),
        "reactivate": (
            "Reactivate",
            "Reactivate",
            "They can sign in again with their current password and second factor.",
        ),
        "reset-password": (
            "Reset the password of",
            "Reset password",
            "Their current password stops working at once. You get a one-time link to send them, where they "
            "set a new one.",
        ),
        "reset-2fa": (
            "Reset two-factor authentication of",
            "Reset two-factor",
            "Their authenticator device is removed; they enrol a new one at their next sign-in.",
        ),
        "unlock": ("Unlock", "Unlock", "Clears the failed sign-in attempts that locked the account."),
    }

    def _account(self, pk, action):
        if action not in self.ACTIONS or (action == "unlock" and not user_services.lockout_supported()):
            raise Http404
        return get_object_or_404(User, pk=pk)

    def get(self, request, pk, action):
        account = self._account(pk, action)
        verb, button, message = self.ACTIONS[action]
        return render(
            request,
            "manage/confirm.html",
            {
                "title": f"{verb} {account.username}?",
                "message": message,
                "button": button,
                "back": reverse("manage:user_edit", args=[pk]),
            },
        )

    def post(self, request, pk, action):
        account = self._account(pk, action)
        actor = request.user
        try:
            if action == "deactivate":
                user_services.user_set_active(actor=actor, user=account, active=False)
                messages.success(request, f"Deactivated {account.username}.")
            elif action == "reactivate":
                user_services.user_set_active(actor=actor, user=account, active=True)
                messages.success(request, f"Reactivated {account.username}.")
            elif action == "reset-password":
                path = user_services.user_reset_password(actor=actor, user=account)
                return _show_link(request, account, path, f"Password reset for {account.username}")
            elif action == "reset-2fa":
                user_services.user_reset_two_factor(actor=actor, user=account)
                messages.success(request, f"Two-factor authentication reset for {account.username}.")
            elif action == "unlock":
                user_services.user_unlock(actor=actor, user=account)
                messages.success(request, f"Unlocked {account.username}.")
        except user_services.AdminActionError as exc:
            messages.error(request, str(exc))
        return redirect("manage:user_edit", pk=pk)


# --- org units -----------------------------------------------------------------------------------------


class OrgUnitList(ListPage):
    title = "Teams and services"
    table_class = tables.OrgUnitTable
    filterset_class = filtersets.OrgUnitFilterSet
    template_name = "manage/orgunit_list.html"
    queryset = (
        OrgUnit.objects.exclude(level=OrgLevel.LA)
        .select_related("parent")
        .annotate(member_count=Count("members"))
        .order_by("level", "name")
    )


class OrgUnitEdit(AdminOnlyMixin, View):
    def _unit_and_level(self):
        if "pk" in self.kwargs:
            # The LA node is settings-owned: not found here.
            unit = get_object_or_404(OrgUnit.objects.exclude(level=OrgLevel.LA), pk=self.kwargs["pk"])
            return unit, unit.level
        level = self.kwargs["level"]
        if level not in (OrgLevel.SERVICE, OrgLevel.TEAM):
            raise Http404
        return OrgUnit(level=level), level

    def _title(self, unit, level):
        noun = OrgLevel(level).label.lower()
        return f"Edit {noun} {unit.name}" if unit.pk else f"New {noun}"

    def get(self, request, **kwargs):
        unit, level = self._unit_and_level()
        form = forms.OrgUnitForm(instance=unit, level=level)
        return _form_page(request, form=form, title=self._title(unit, level), back=reverse("manage:orgunits"))

    def post(self, request, **kwargs):
        unit, level = self._unit_and_level()
        form = forms.OrgUnitForm(request.POST, instance=unit, level=level)
        if form.is_valid():
            parent = form.cleaned_data.get("parent") or ensure_la()
            data = {"code": form.cleaned_data["code"], "name": form.cleaned_data["name"], "parent": parent}
            try:
                if unit.pk is None:
                    unit = org_services.org_unit_create(actor=request.user, level=level, **data)
                    messages.success(request, f"Created {unit.name}.")
                else:
                    changed = org_services.org_unit_update(actor=request.user, unit=unit, **data)
                    messages.success(request, f"Saved {unit.name}." if changed else "Nothing changed.")
                return redirect("manage:orgunits")
            except org_services.OrgUnitError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _apply_errors(form, exc)
        return _form_page(request, form=form, title=self._title(unit, level), back=reverse("manage:orgunits"))


# --- targets, benchmarks, entered measures -------------------------------------------------------------


class TargetList(ListPage):
    title = "Targets"
    new_url = "manage:target_new"
    new_label = "New target"
    table_class = tables.TargetTable
    filterset_class = filtersets.TargetFilterSet
    queryset = Target.objects.select_related("org_unit").order_by(
        "measure", "-financial_year", "org_unit__name"
    )


class TargetEdit(RecordEdit):
    model, form_class, noun, list_url = Target, forms.TargetForm, "target", "manage:targets"


class TargetDelete(RecordDelete):
    model, noun, list_url = Target, "target", "manage:targets"


class BenchmarkList(ListPage):
    title = "Benchmarks"
    new_url = "manage:benchmark_new"
    new_label = "New benchmark"
    intro = "Comparators for the scorecard. Rows imported from DfE statistics can be edited here too."
    table_class = tables.BenchmarkTable
    filterset_class = filtersets.BenchmarkFilterSet
    queryset = Benchmark.objects.order_by("measure", "-year", "kind", "label")


class BenchmarkEdit(RecordEdit):
    model, form_class, noun, list_url = Benchmark, forms.BenchmarkForm, "benchmark", "manage:benchmarks"


class BenchmarkDelete(RecordDelete):
    model, noun, list_url = Benchmark, "benchmark", "manage:benchmarks"


class EnteredMeasureList(ListPage):
    title = "Entered measures"
    new_url = "manage:entered_new"
    new_label = "Enter a figure"
    intro = "Monthly figures the portal does not compute (catalogue section 11), entered by hand."
    table_class = tables.EnteredMeasureTable
    filterset_class = filtersets.EnteredMeasureFilterSet
    queryset = EnteredMeasure.objects.select_related("org_unit").order_by(
        "kpi_code", "-period", "org_unit__name"
    )


class EnteredMeasureEdit(RecordEdit):
    model, form_class, noun, list_url = EnteredMeasure, forms.EnteredMeasureForm, "figure", "manage:entered"


class EnteredMeasureDelete(RecordDelete):
    model, noun, list_url = EnteredMeasure, "figure", "manage:entered"


# --- baseline ------------------------------------------------------------------------------------------


class BaselinePage(AdminOnlyMixin, FormView):
    template_name = "manage/baseline.html"
    form_class = forms.BaselineForm
    success_url = reverse_lazy("manage:baseline")

    def get_initial(self):
        current = Baseline.objects.filter(active=True).first()
        return {"period": current.period, "label": current.label} if current else {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["current"] = Baseline.objects.filter(active=True).first()
        ctx["history"] = Baseline.objects.filter(active=False).order_by("-set_at")[:10]
        ctx["title"] = "Baseline"
        return ctx

    def form_valid(self, form):
        kpi_services.baseline_set(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Baseline saved.")
        return super().form_valid(form)


# --- measure settings ----------------------------------------------------------------------------------


class MeasureSettingList(AdminOnlyMixin, TemplateView):
    template_name = "manage/measures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        settings = {s.measure: s for s in MeasureSetting.objects.all()}
        only = self.request.GET.get("with") == "params"
        rows = []
        for m in sorted(load().values(), key=lambda m: m.code):
            if only and not m.params:
                continue
            s = settings.get(m.code)
            rows.append(
                {
                    "measure": m,
                    "polarity": (s.polarity if s and s.polarity else ""),
                    "parameters": {**m.params, **(s.parameters if s else {})},
                    "overridden": bool(s and s.parameters),
                }
            )
        ctx.update(rows=rows, title="Measure settings", only_params=only)
        return ctx


class MeasureSettingEdit(AdminOnlyMixin, View):
    def _measure(self, code):
        measure = load().get(code)
        if measure is None:
            raise Http404
        return measure

    def _page(self, request, form, measure):
        return render(
            request,
            "manage/measure_edit.html",
            {
                "form": form,
                "measure": measure,
                "title": f"{measure.label} ({measure.code})",
                "back": reverse("manage:measures"),
            },
        )

    def get(self, request, code):
        import json

        measure = self._measure(code)
        setting = MeasureSetting.objects.filter(measure=code).first()
        initial = {
            "polarity": setting.polarity if setting else "",
            "parameters": json.dumps(setting.parameters, indent=2) if setting and setting.parameters else "",
        }
        return self._page(request, forms.MeasureSettingForm(initial=initial, measure=measure), measure)

    def post(self, request, code):
        measure = self._measure(code)
        form = forms.MeasureSettingForm(request.POST, measure=measure)
        if form.is_valid():
            kpi_services.measure_setting_save(actor=request.user, measure=code, **form.cleaned_data)
            messages.success(request, f"Saved the settings of {code}.")
            return redirect("manage:measures")
        return self._page(request, form, measure)


# --- case-tracking timescales -------------------------------------------------------------------------


class TimescaleList(AdminOnlyMixin, TemplateView):
    template_name = "manage/timescales.html"

    def get_context_data(self, **kwargs):
        from apps.scorecards.choices import STEPS
        from apps.scorecards.models import Timescale

        ctx = super().get_context_data(**kwargs)
        rows = []
        for t in Timescale.objects.all():
            steps = []
            for (amount, unit), text in zip(
                (
                    (t.first_amount, t.first_unit),
                    (t.then_amount, t.then_unit),
                    (t.later_amount, t.later_unit),
                ),
                STEPS.get(t.kind, ("", "", "")),
                strict=True,
            ):
                if amount:
                    label = dict(Timescale._meta.get_field("first_unit").choices).get(unit, unit)
                    steps.append(
                        text.replace("…", f"{amount} {label}") if "…" in text else f"{amount} {label}"
                    )
            rows.append({"timescale": t, "steps": steps})
        ctx.update(rows=rows, title="Case-tracking timescales")
        return ctx


class TimescaleEdit(AdminOnlyMixin, View):
    def _page(self, request, form, timescale):
        return _form_page(
            request,
            form=form,
            title=f"Timescale: {timescale}",
            back=reverse("manage:timescales"),
            intro="Case tracking lists the work due within the timescale; the change applies to every list "
            "from the next page load and is recorded in the audit trail.",
        )

    def get(self, request, pk):
        from apps.scorecards.models import Timescale

        timescale = get_object_or_404(Timescale, pk=pk)
        return self._page(request, forms.TimescaleForm(instance=timescale), timescale)

    def post(self, request, pk):
        from apps.scorecards import services_admin as scorecard_services
        from apps.scorecards.models import Timescale

        timescale = get_object_or_404(Timescale, pk=pk)
        form = forms.TimescaleForm(request.POST, instance=Timescale.objects.get(pk=pk))
        if form.is_valid():
            try:
                changed = scorecard_services.timescale_update(
                    actor=request.user, timescale=timescale, data=form.cleaned_data
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if changed:
                    messages.success(request, f"Saved the timescale of {timescale}.")
                else:
                    messages.info(request, "Nothing changed.")
                return redirect("manage:timescales")
        return self._page(request, form, timescale)


# --- audit trail and access log ------------------------------------------------------------------------


# --- API keys ----------------------------------------------------------------------------------------------


class ApiKeyList(ListPage):
    title = "API keys"
    new_url = "manage:apikey_new"
    new_label = "New API key"
    intro = (
        "Keys that systems call the API with, each on behalf of a user: it reads what that user may, and its "
        "calls are in the access log under that user. A key is shown once, when it is made."
    )
    table_class = tables.ApiTokenTable
    filterset_class = filtersets.ApiTokenFilterSet
    queryset = ApiToken.objects.select_related("user").order_by("-created_at")


class ApiKeyNew(AdminOnlyMixin, View):
    def get(self, request):
        return _form_page(
            request,
            form=forms.ApiKeyForm(),
            title="New API key",
            back=reverse("manage:apikeys"),
            submit="Make",
        )

    def post(self, request):
        form = forms.ApiKeyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, key = token_services.api_token_create(
                    user=data["user"], name=data["name"], by=request.user, days=data["days"]
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                response = render(request, "manage/apikey_made.html", {"token": token, "key": key})
                add_never_cache_headers(response)  # the key must not stay in any cache
                return response
        return _form_page(
            request, form=form, title="New API key", back=reverse("manage:apikeys"), submit="Make"
        )


class ApiKeyRevoke(RecordDelete):
    """Confirm, then revoke: the key stops working at once; its record stays, with when it was revoked."""

    model, noun, list_url = ApiToken, "the API key", "manage:apikeys"
    verb, done = "Revoke", "Revoked"
    message = "It stops working at once. The revocation is recorded in the audit trail."

    def perform(self, request, obj):
        token_services.api_token_revoke(token=obj, by=request.user)


class AuditEventList(ListPage):
    title = "Audit trail"
    intro = "Every change made through these pages: who, when, and the values before and after."
    table_class = tables.AuditEventTable
    filterset_class = filtersets.AuditEventFilterSet
    queryset = AuditEvent.objects.order_by("-at", "-pk")


class AuditEventDetail(AdminOnlyMixin, DetailView):
    model = AuditEvent
    template_name = "manage/audit_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        before, after = self.object.before or {}, self.object.after or {}
        ctx["fields"] = [
            {
                "name": k,
                "before": before.get(k),
                "after": after.get(k),
                "changed": before.get(k) != after.get(k),
            }
            for k in sorted(before.keys() | after.keys())
        ]
        ctx["title"] = f"{self.object.get_action_display()} {self.object.object_repr}"
        return ctx


class AccessLogList(ListPage):
    title = "Access log"
    intro = "Every view and export of child-level data. Rows cannot be changed or deleted."
    table_class = tables.AccessLogTable
    filterset_class = filtersets.AccessLogFilterSet
    template_name = "manage/accesslog_list.html"
    queryset = AccessLog.objects.order_by("-at", "-pk")
    # CSV, streamed: the access log is as long as the child list.
    export_formats = ("csv",)
    export_name = "access-log"
    COLUMNS = ("at", "username", "role", "action", "what", "path", "filters", "rows", "ip")

    def export_rows(self, queryset):
        import json

        yield self.COLUMNS
        for row in queryset.values_list(*self.COLUMNS).iterator(chunk_size=2000):
            row = list(row)
            row[0] = timezone.localtime(row[0]).isoformat()
            row[6] = json.dumps(row[6], sort_keys=True) if row[6] else ""
            yield row


class AccessLogExport(AccessLogList):
    """/manage/access-log/export.csv: the list's CSV export at an address of its own."""

    export_format = "csv"
