from django.contrib import admin

from apps.core.admin import RecordAdmin, TeamListFilter

from .models import Assessment, Conference, S47Enquiry, StrategyDiscussion


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    list_display = (
        "assessment_id",
        "child",
        "start_date",
        "authorised_date",
        "working_days",
        "child_seen",
        "outcome",
        "team",
        "worker",
    )
    list_filter = ("outcome", "child_seen", ("team", TeamListFilter))
    search_fields = ("assessment_id", "child__child_id", "referral__referral_id")
    list_select_related = ("child", "team", "worker")
    raw_id_fields = ("child", "referral")
    autocomplete_fields = ("team", "worker")
    readonly_fields = ("working_days",)
    date_hierarchy = "start_date"


@admin.register(StrategyDiscussion)
class StrategyDiscussionAdmin(RecordAdmin):
    list_display = ("discussion_id", "child", "held_date", "completed", "attended_police", "attended_health")
    list_filter = ("completed", "attended_police", "attended_health", "attended_education")
    search_fields = ("discussion_id", "child__child_id", "referral__referral_id")
    raw_id_fields = ("child", "referral")
    date_hierarchy = "held_date"


@admin.register(S47Enquiry)
class S47EnquiryAdmin(RecordAdmin):
    list_display = ("s47_id", "child", "start_date", "completed_date", "outcome", "icpc_not_required", "team")
    list_filter = ("outcome", "icpc_not_required", ("team", TeamListFilter))
    search_fields = ("s47_id", "child__child_id", "referral__referral_id", "discussion__discussion_id")
    list_select_related = ("child", "team")
    raw_id_fields = ("child", "referral", "discussion")
    autocomplete_fields = ("team",)
    date_hierarchy = "start_date"


@admin.register(Conference)
class ConferenceAdmin(RecordAdmin):
    list_display = (
        "conference_id",
        "child",
        "kind",
        "held_date",
        "working_days_from_strategy",
        "plan_made",
        "participation",
    )
    list_filter = ("kind", "plan_made", "participation")
    search_fields = ("conference_id", "child__child_id", "s47__s47_id")
    raw_id_fields = ("child", "s47")
    readonly_fields = ("working_days_from_strategy",)
    date_hierarchy = "held_date"
