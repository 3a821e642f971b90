"""Read-only views of the scorecard layouts (edited at /manage/scorecard-layouts/, where every change writes
an audit event)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import LayoutRow, LayoutSection, ScorecardLayout


@admin.register(ScorecardLayout)
class ScorecardLayoutAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "is_default")
    search_fields = ("name", "slug")


@admin.register(LayoutSection)
class LayoutSectionAdmin(ReadOnlyAdmin):
    list_display = ("title", "layout", "order")
    list_filter = ("layout",)
    list_select_related = ("layout",)


@admin.register(LayoutRow)
class LayoutRowAdmin(ReadOnlyAdmin):
    list_display = ("plan_ref", "measure", "basis", "dimension", "breakdown", "figure", "section", "order")
    list_filter = ("section__layout",)
    search_fields = ("plan_ref", "measure", "label")
    list_select_related = ("section",)
