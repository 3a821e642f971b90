"""The one list stack: a list view of a queryset with a filterset, a table, capped pagination and CSV/Excel
export, in the style of NetBox's ObjectListView. The child list, the drill-downs and the /manage/ lists are
each a few declarative lines on top of it; what differs between them (who may see it, what is logged) comes
from a mixin of the app that owns the data (apps.people.views.ChildLevelMixin for child-level lists,
apps.manage.views.AdminOnlyMixin for the admins' lists). Core knows nothing of users or children."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.rows import BoundRow

from . import exports


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


EXPORT_LABELS = {"csv": "CSV", "xlsx": "Excel"}


class ListView(CappedTablePagination, SingleTableMixin, FilterView):
    """A queryset, a filterset and a table; `?format=csv` (streamed) or `?format=xlsx` exports every row the
    filters select, in the table's columns unless `export_rows` says otherwise.

    Invalid filter values show as form errors over an empty list (django-filter's strict mode) and refuse an
    export with a 400, so an export never holds more than was asked for. Subclasses set `filterset_class`,
    `table_class`, `template_name` (and `export_name`, the file's name stem); `listed` and `exported` are
    called with what was shown, for an access log."""

    export_formats = ("csv", "xlsx")
    export_name = "list"
    export_format: str | None = None  # set by a URL that always exports (e.g. /children/export.csv)
    # The table paginates; the FilterView must not paginate the queryset as well (a second COUNT query).
    paginate_by = None

    def get(self, request, *args, **kwargs):
        fmt = self.export_format or request.GET.get("format")
        if fmt:
            return self.export(fmt)
        response = super().get(request, *args, **kwargs)
        table = response.context_data["table"]
        page = getattr(table, "page", None)
        # len() runs the page's query; the table renders from the same, now cached, queryset.
        rows = len(page.object_list) if page is not None else len(table.rows)
        self.listed(filters=self.applied_filters(), rows=rows)
        return response

    def applied_filters(self) -> dict:
        """The validated filters, or the names of the invalid ones (for the log: never the raw input)."""
        fs = self.filterset
        if fs.is_bound and not fs.is_valid():
            return {"invalid": sorted(fs.errors)}
        return (
            {k: v for k, v in fs.form.cleaned_data.items() if v not in (None, "", [])} if fs.is_bound else {}
        )

    def export(self, fmt: str):
        if fmt not in self.export_formats:
            return HttpResponse(
                f"Unknown format {fmt[:20]!r}: use {' or '.join(self.export_formats)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            lines = [f"{field}: {' '.join(errors)}" for field, errors in self.filterset.errors.items()]
            return HttpResponse(
                "Invalid filters:\n" + "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
            )
        queryset = self.filterset.qs
        count = queryset.count()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_name}-{stamp}.{fmt}"
        rows = self.export_rows(queryset)
        if fmt == "xlsx":
            response = exports.xlsx_response(rows, filename, title=self.export_name)
        else:
            response = exports.csv_response(rows, filename)
        self.exported(fmt=fmt, filters=self.applied_filters(), rows=count)
        return response

    def export_rows(self, queryset):
        """A header, then one list of plain values per row: by default the table's own columns."""
        table = self.get_table_class()(data=queryset)
        columns = [column for column in table.columns if column.name not in self.export_exclude]
        yield [str(column.header) for column in columns]
        # Row by row from the database (iterator), not the table's cached queryset: an export can be long.
        for record in queryset.iterator(chunk_size=2000):
            row = BoundRow(record, table=table)
            yield [row.get_cell_value(column.name) for column in columns]

    export_exclude: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exports"] = [(EXPORT_LABELS[fmt], self.export_url(fmt)) for fmt in self.export_formats]
        return context

    def export_url(self, fmt: str) -> str:
        """This list with its filters (not its page) as a download."""
        query = self.request.GET.copy()
        for name in ("page", "per_page", "format"):
            query.pop(name, None)
        query["format"] = fmt
        return f"{self.request.path}?{query.urlencode()}"

    def listed(self, *, filters: dict, rows: int) -> None:
        """Called after a page of the list is shown."""

    def exported(self, *, fmt: str, filters: dict, rows: int) -> None:
        """Called when an export is returned."""
