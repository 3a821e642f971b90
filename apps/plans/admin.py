from django.contrib import admin

from apps.core.admin import RecordAdmin, TeamListFilter

from .models import CINPlan, CPPlan, Visit


@admin.register(CINPlan)
class CINPlanAdmin(RecordAdmin):
    list_display = ("plan_id", "child", "start_date", "end_date", "team")
    list_filter = (("team", TeamListFilter),)
    search_fields = ("plan_id", "child__child_id", "referral__referral_id")
    list_select_related = ("child", "team")
    raw_id_fields = ("child", "referral")
    autocomplete_fields = ("team",)
    date_hierarchy = "start_date"


@admin.register(CPPlan)
class CPPlanAdmin(RecordAdmin):
    list_display = (
        "plan_id",
        "child",
        "start_date",
        "end_date",
        "initial_category",
        "latest_category",
        "team",
    )
    list_filter = ("initial_category", "latest_category", ("team", TeamListFilter))
    search_fields = ("plan_id", "child__child_id", "referral__referral_id")
    list_select_related = ("child", "team")
    raw_id_fields = ("child", "referral")
    autocomplete_fields = ("team",)
    date_hierarchy = "start_date"


@admin.register(Visit)
class VisitAdmin(RecordAdmin):
    list_display = ("visit_id", "child", "visit_date", "kind", "seen", "seen_alone", "worker")
    list_filter = ("kind", "seen", "seen_alone")
    search_fields = ("visit_id", "child__child_id", "worker__worker_id")
    list_select_related = ("child", "worker")
    autocomplete_fields = ("worker",)
    date_hierarchy = "visit_date"
