"""Read-only views of the scorecard layouts (edited at /manage/scorecard-layouts/, where every change writes
an audit event) and of commentary (written at /commentary/, each version audited)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Commentary, LayoutRow, LayoutSection, ScorecardLayout


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


@admin.register(Commentary)
class CommentaryAdmin(ReadOnlyAdmin):
    list_display = ("period", "org_unit", "section", "version", "author_name", "written_at")
    list_filter = ("section",)
    search_fields = ("period", "org_unit__code", "author_name")
    list_select_related = ("org_unit",)
