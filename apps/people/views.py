"""Child-level pages: the child list, its CSV/Excel exports and a child's record with its timeline. Every view
is a ChildLevelMixin (apps.core.views): access, names, the visible_to queryset and the access log come from
there, never from the view."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView, View

from apps.accounts.models import AccessAction
from apps.core.views import ChildLevelListView, ChildLevelMixin

from . import exports, selectors
from .filtersets import ChildFilterSet
from .models import Child
from .tables import ChildTable, NamedChildTable


class ChildListView(ChildLevelListView):
    filterset_class = ChildFilterSet
    table_class = ChildTable
    named_table_class = NamedChildTable
    template_name = "people/child_list.html"
    access_what = "child list"

    def get_base_queryset(self):
        return selectors.with_status(Child.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_query"] = self.request.GET.urlencode()
        return context


class ChildExportView(ChildLevelMixin, View):
    """The filtered child list as CSV or Excel: every matching row, no pagination, the same filters as the
    page (invalid ones refuse the export with a 400 rather than exporting something else)."""

    access_action = AccessAction.EXPORT
    fmt = "csv"

    def get_base_queryset(self):
        return selectors.with_status(Child.objects.all()).order_by("child_id")

    def get(self, request, *args, **kwargs):
        filterset = ChildFilterSet(request.GET or None, queryset=self.get_queryset(), request=request)
        if filterset.is_bound and not filterset.is_valid():
            lines = [f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()]
            return HttpResponse(
                "Invalid filters:\n" + "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
            )
        rows = selectors.child_export_rows(filterset.qs, names=self.sees_names)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if self.fmt == "xlsx":
            response, count = exports.xlsx_response(rows, f"children-{stamp}.xlsx", title="Children")
        else:
            response, count = exports.csv_response(rows, f"children-{stamp}.csv")
        self.log_access(what=f"child list ({self.fmt})", filters=filterset.applied(), rows=count)
        return response  # Cache-Control: no-store, as every child-level response (ChildLevelMixin)


class ChildDetailView(ChildLevelMixin, TemplateView):
    """A child's characteristics and the timeline of every record. Another team's child and a child that
    does not exist are both a 404: the page never says which."""

    access_action = AccessAction.DETAIL
    template_name = "people/child_detail.html"

    def get_base_queryset(self):
        return selectors.with_status(Child.objects.all())

    def get(self, request, *args, **kwargs):
        self.child = self.get_queryset().filter(child_id=kwargs["child_id"]).first()
        if self.child is None:
            raise Http404("No such child")
        self.timeline = selectors.child_timeline(self.child)
        response = super().get(request, *args, **kwargs)
        self.log_access(what=f"child {self.child.child_id}", rows=len(self.timeline))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= {
            "child": self.child,
            "title": (f"{self.child.given_name} {self.child.family_name}".strip() if self.sees_names else "")
            or f"Child {self.child.child_id}",
            "characteristics": selectors.characteristics(self.child, names=self.sees_names),
            "timeline": self.timeline,
        }
        return context
