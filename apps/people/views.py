"""Child-level pages: the child list (with its CSV/Excel exports) and a child's record with its timeline, and
the base every child-level view stands on (ChildLevelMixin: access, names, the visible_to queryset, the access
log and no-store caching come from there, never from the view)."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from apps.accounts import access
from apps.accounts.models import AccessAction
from apps.accounts.services import log_access, log_refusal
from apps.core.views import ListView

from . import selectors
from .filtersets import ChildFilterSet
from .models import Child
from .tables import ChildTable, NamedChildTable


class ChildLevelMixin(AccessMixin):
    """The base of every view that shows child-level data (product.md, issue 4). It

    - refuses users who may not see child-level data: anonymous users go to the login page, others get 403;
    - narrows every queryset through `restrict()`, i.e. `Child.objects.visible_to(user)` (or
      `visible_records` for a record queryset), so another team's child is a 404, never the data;
    - tells templates whether names may be shown (`sees_names`; analysts see IDs only);
    - writes one AccessLog row per request (`log_access`), and a `portal.security` warning for a signed-in
      user's refused request (`log_refusal`);
    - marks every response it returns `Cache-Control: no-store` (with Django's other never-cache headers), so
      no browser or proxy keeps a copy of a child's data after the session ends.

    `child_level = True` marks the view for tests/test_child_level_access.py, which walks the URL conf and
    refuses any URL under /children/ or /api/children/ whose view lacks the mark."""

    child_level = True
    child_field = "child"  # how a record queryset reaches its child, for visible_records
    access_action = AccessAction.LIST

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            if not access.sees_child_level(request.user):
                raise PermissionDenied("child-level data is not available to your role")
            response = super().dispatch(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response
        except PermissionDenied as exc:
            log_refusal(request, status=403, reason=str(exc))
            raise
        except Http404 as exc:
            log_refusal(request, status=404, reason=str(exc))
            raise

    @cached_property
    def sees_names(self) -> bool:
        return access.sees_names(self.request.user)

    def restrict(self, queryset):
        return selectors.restrict(queryset, self.request.user, self.child_field)

    def get_base_queryset(self):
        """The unrestricted queryset with whatever the page needs (annotations, select_related)."""
        raise NotImplementedError

    def get_queryset(self):
        return self.restrict(self.get_base_queryset())

    def log_access(self, *, what: str, filters=None, rows=None, action=None):
        return log_access(
            self.request, action=action or self.access_action, what=what, filters=filters, rows=rows
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sees_names"] = self.sees_names
        return context


class ChildLevelListView(ChildLevelMixin, ListView):
    """The one list view (apps.core.views.ListView) for child-level records: the queryset through
    `restrict()`, the table with names for those who may see them (`named_table_class`), and an access-log
    row for every page shown (the validated filters and the rows on the page) and every export (the rows in
    it). A subclass sets `get_base_queryset`, `filterset_class`, `table_class`, `template_name`,
    `access_what` and `export_name`."""

    access_what = "list"
    named_table_class = None

    def get_table_class(self):
        if self.sees_names and self.named_table_class is not None:
            return self.named_table_class
        return self.table_class

    def listed(self, *, filters, rows):
        self.log_access(what=self.access_what, filters=filters, rows=rows, action=AccessAction.LIST)

    def exported(self, *, fmt, filters, rows):
        self.log_access(
            what=f"{self.access_what} ({fmt})", filters=filters, rows=rows, action=AccessAction.EXPORT
        )


class ChildListView(ChildLevelListView):
    filterset_class = ChildFilterSet
    table_class = ChildTable
    named_table_class = NamedChildTable
    template_name = "people/child_list.html"
    access_what = "child list"
    export_name = "children"

    def get_base_queryset(self):
        return selectors.with_status(Child.objects.all())

    def export_rows(self, queryset):
        return selectors.child_export_rows(queryset.order_by("child_id"), names=self.sees_names)


class ChildExportView(ChildListView):
    """/children/export.csv and .xlsx: the list's export (the same as ?format=), at addresses of their own."""

    access_action = AccessAction.EXPORT
    export_format = "csv"


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
