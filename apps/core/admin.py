"""Admin for the org structure and population, plus the pieces every record admin shares.

Record tables reach 100k+ rows: no admin here renders a select box of children, workers or referrals
(raw ID widgets or autocomplete instead), related columns are fetched with list_select_related, and the
changelist skips the unfiltered second COUNT(*)."""

from django.contrib import admin
from django.db.models import Count

from .models import OrgLevel, OrgUnit, Population, WorkingDay


class TeamListFilter(admin.RelatedFieldListFilter):
    """Filter by team: lists only team-level org units, not the LA and its services."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False, limit_choices_to={"level": OrgLevel.TEAM}, ordering=("name",)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows the portal writes itself (logs, runs, derived calendars): viewable, never added, changed
    or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordAdmin(admin.ModelAdmin):
    """Defaults for the child-level record tables."""

    list_per_page = 50
    show_full_result_count = False
    # A record's child is picked by its database ID; a select box of every child would be unusable.
    raw_id_fields: tuple[str, ...] = ("child",)
    list_select_related: tuple[str, ...] | bool = ("child",)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "member_count")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("level", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members", distinct=True))

    @admin.display(description="users", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("year", "age_0_17", "source")
    search_fields = ("source",)
    ordering = ("-year",)


@admin.register(WorkingDay)
class WorkingDayAdmin(ReadOnlyAdmin):
    """The calendar is derived from the `holidays` package (apps.core.derived): read-only here."""

    list_display = ("date", "is_working", "ordinal")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    show_full_result_count = False
