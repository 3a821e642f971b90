"""django-tables2 tables of the imports app's lists. The history's starter is fetched by the view's queryset
(select_related), so a page costs the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from .models import ImportRun


class ImportRunTable(tables.Table):
    started_at = tables.DateTimeColumn(
        verbose_name="When", format="j M Y H:i", linkify=("imports:run", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name="Kind")
    source = tables.Column(verbose_name="Source", attrs={"td": {"class": "breakable"}})
    started_by = tables.Column(verbose_name="Who", accessor="started_by__username", default="(command line)")
    status = tables.Column(verbose_name="Status")
    rows = tables.Column(verbose_name="Rows", accessor="pk", orderable=False, attrs={"td": {"class": "num"}})
    error_count = tables.Column(verbose_name="Errors", attrs={"td": {"class": "num"}})
    warning_count = tables.Column(verbose_name="Warnings", attrs={"td": {"class": "num"}})

    class Meta:
        model = ImportRun
        fields = (
            "started_at",
            "kind",
            "source",
            "started_by",
            "status",
            "rows",
            "error_count",
            "warning_count",
        )
        attrs = {"class": "table table--compact"}
        empty_text = "No imports match."
        order_by = ("-started_at",)

    def render_status(self, record):
        return format_html(
            '<span class="status status--{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_rows(self, record):
        return f"{record.rows_total:,}"

    def value_rows(self, record):
        return record.rows_total

    def render_error_count(self, value):
        return f"{value:,}"

    def render_warning_count(self, value):
        return f"{value:,}"

    def render_source(self, value):
        # A long list of a return's files: the first part, the whole on the run's page.
        return value if len(value) <= 80 else f"{value[:77]}..."
