from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """The import log is a record of what happened: nobody adds, edits or deletes runs by hand."""

    list_display = (
        "started_at",
        "kind",
        "source",
        "dry_run",
        "status",
        "rows_total",
        "error_count",
        "started_by",
        "finished_at",
    )
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("source", "command", "started_by__username")
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    readonly_fields = (
        "kind",
        "source",
        "dry_run",
        "status",
        "started_at",
        "finished_at",
        "started_by",
        "command",
        "counts",
        "errors",
        "error_count",
    )

    @admin.display(description="rows")
    def rows_total(self, obj):
        return obj.rows_total
