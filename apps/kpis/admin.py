from django.contrib import admin

from .models import EnteredMeasure


@admin.register(EnteredMeasure)
class EnteredMeasureAdmin(admin.ModelAdmin):
    list_display = ("kpi_code", "period", "org_unit", "value", "numerator", "denominator")
    list_filter = ("org_unit__level", "kpi_code")
    search_fields = ("kpi_code", "period", "org_unit__code", "org_unit__name", "note")
    list_select_related = ("org_unit",)
    autocomplete_fields = ("org_unit",)
    show_full_result_count = False
