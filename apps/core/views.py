from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from apps.accounts import access
from apps.accounts.models import AccessAction

# --- child-level views ---------------------------------------------------------------------------------


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
        from apps.accounts.services import log_refusal

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
        from apps.people.selectors import restrict

        return restrict(queryset, self.request.user, self.child_field)

    def get_base_queryset(self):
        """The unrestricted queryset with whatever the page needs (annotations, select_related)."""
        raise NotImplementedError

    def get_queryset(self):
        return self.restrict(self.get_base_queryset())

    def log_access(self, *, what: str, filters=None, rows=None, action=None):
        from apps.accounts.services import log_access

        return log_access(
            self.request, action=action or self.access_action, what=what, filters=filters, rows=rows
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sees_names"] = self.sees_names
        return context


class CappedTablePagination:
    """Table pagination for a SingleTableMixin view: `per_page` rows, or `?per_page=N` up to MAX_PER_PAGE (the
    API's page is 50). Uncapped, /children/?per_page=40000 rendered 31 MB in 49 s. A per_page that is not a
    whole number of at least 1 gives the default, and a page number past the end (or not a number) the last
    (or first) page, never an error."""

    per_page = 50
    MAX_PER_PAGE = 100

    def get_per_page(self, table) -> int:
        try:
            asked = int(self.request.GET.get(table.prefixed_per_page_field, ""))
        except ValueError:
            return self.per_page
        return min(asked, self.MAX_PER_PAGE) if asked >= 1 else self.per_page

    def get_table(self, **kwargs):
        # django-tables2's RequestConfig takes ?per_page= as given (and a negative one is a 500), so it only
        # applies the sort order here; the page size is capped and the page number forgiven below.
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        RequestConfig(self.request, paginate=False).configure(table)
        table.paginate(per_page=self.get_per_page(table), page=1)
        table.page = table.paginator.get_page(self.request.GET.get(table.prefixed_page_field))
        return table


class ChildLevelListView(ChildLevelMixin, CappedTablePagination, SingleTableMixin, FilterView):
    """The one generic child-level list: a queryset, a filterset and a table (NetBox-style). A subclass sets
    `get_base_queryset`, `filterset_class`, `table_class` (and `named_table_class`, the table with names, for
    users who may see them), `template_name` and `access_what`.

    Invalid filter values show as form errors over an empty list (django-filter's strict mode). The access
    log records the validated filters and the number of rows on the page returned. Pages are at most
    MAX_PER_PAGE (100) rows (CappedTablePagination)."""

    access_action = AccessAction.LIST
    access_what = "list"
    named_table_class = None

    def get_table_class(self):
        if self.sees_names and self.named_table_class is not None:
            return self.named_table_class
        return self.table_class

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        table = response.context_data["table"]
        page = getattr(table, "page", None)
        # len() runs the page's query; the table renders from the same, now cached, queryset.
        rows = len(page.object_list) if page is not None else len(table.rows)
        filters = (
            self.filterset.form.cleaned_data if self.filterset.is_bound and self.filterset.is_valid() else {}
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            filters = {"invalid": sorted(self.filterset.errors)}
        self.log_access(what=self.access_what, filters=filters, rows=rows)
        return response
