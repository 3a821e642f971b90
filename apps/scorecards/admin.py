"""Read-only views of the scorecard layouts (edited at /manage/scorecard-layouts/, where every change writes
an audit event), of commentary (written at /commentary/, each version audited) and of the booklet's
editions and recipients (made on publication or at /booklets/; recipients kept at /manage/), and of case
tracking's kept working-outs (their dates and sizes; the items themselves are child-level and not here)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import (
    BookletEdition,
    BookletFile,
    BookletRecipient,
    CaseWorkBuild,
    Commentary,
    LayoutRow,
    LayoutSection,
    ScorecardLayout,
    Timescale,
)


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


@admin.register(BookletEdition)
class BookletEditionAdmin(ReadOnlyAdmin):
    list_display = ("period", "org_unit", "version", "snapshot_version", "provisional", "trigger", "made_at")
    list_filter = ("trigger", "provisional")
    search_fields = ("period", "org_unit__code")
    list_select_related = ("org_unit",)


@admin.register(BookletFile)
class BookletFileAdmin(ReadOnlyAdmin):
    # The file itself is downloaded from /booklets/, where the reader's role decides which copy they get.
    list_display = ("edition", "audience", "format", "size", "seconds")
    list_filter = ("audience", "format")
    exclude = ("content",)
    list_select_related = ("edition", "edition__org_unit")


@admin.register(BookletRecipient)
class BookletRecipientAdmin(ReadOnlyAdmin):
    list_display = ("name", "email", "org_unit", "active")
    list_filter = ("active",)
    search_fields = ("name", "email")
    list_select_related = ("org_unit",)


@admin.register(Timescale)
class TimescaleAdmin(ReadOnlyAdmin):
    # Edited at /manage/timescales/, where every change is audited.
    list_display = (
        "kind",
        "first_amount",
        "first_unit",
        "then_amount",
        "then_unit",
        "later_amount",
        "due_soon",
    )


@admin.register(CaseWorkBuild)
class CaseWorkBuildAdmin(ReadOnlyAdmin):
    list_display = ("as_at", "data_version", "items", "seconds", "built_at")
    date_hierarchy = "built_at"
