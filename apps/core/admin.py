"""Admin for the org structure, population and calendar, read-only, plus the pieces other admins share.

The Django admin is an operator's console (apps/accounts/admin_site.py): it shows no child-level record, and
it changes nothing that /manage/ changes with an audit event. Org units are edited at /manage/org-units/
(moving a team to another service changes which children a head of service sees, so it must be audited)."""

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
    """Viewable, never added, changed or deleted by hand: for rows the portal writes itself (logs, runs,
    imports, derived calendars) and for what /manage/ edits, whose writes carry an audit event."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "level", "parent", "member_count")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("level", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members", distinct=True))

    @admin.display(description="users", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Population)
class PopulationAdmin(ReadOnlyAdmin):
    """Written by import_dfe_statistics from the published ONS estimates."""

    list_display = ("year", "age_0_17", "source")
    search_fields = ("source",)
    ordering = ("-year",)


@admin.register(WorkingDay)
class WorkingDayAdmin(ReadOnlyAdmin):
    """The calendar is derived from the `holidays` package (apps.core.calendar): read-only here."""

    list_display = ("date", "is_working", "ordinal")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    show_full_result_count = False
