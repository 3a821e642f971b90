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
        "warning_count",
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
        "year",
        "upload_dir",
        "counts",
        "problems",
        "error_count",
        "warnings_listed",
        "warning_count",
    )

    fields = readonly_fields

    @admin.display(description="errors (file, line, column, reason)")
    def problems(self, obj):
        return self._listed(obj.errors)

    @admin.display(description="warnings, not blocking (file, line, column, reason)")
    def warnings_listed(self, obj):
        return self._listed(obj.warnings)

    @staticmethod
    def _listed(problems):
        # Without the offending values: a value from children.csv can be a child's name or date of birth, and
        # the Django admin is not a logged child-level page. The import report where the file was imported
        # (import_bundle prints it) has them.
        lines = [
            " ".join(
                str(part)
                for part in (
                    error.get("file", ""),
                    f"line {error['row']}" if error.get("row") else "",
                    f"column {error['column']}" if error.get("column") else "",
                    "-",
                    error.get("reason", ""),
                )
                if part
            )
            for error in (problems or [])
            if isinstance(error, dict)
        ]
        return "\n".join(lines) or "-"

    @admin.display(description="rows")
    def rows_total(self, obj):
        return obj.rows_total
