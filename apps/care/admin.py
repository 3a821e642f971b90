from django.contrib import admin

from apps.core.admin import RecordAdmin, TeamListFilter

from .models import (
    Adoption,
    CareEpisode,
    CareLeaverStatus,
    CLAReview,
    HealthAssessment,
    LifeStoryWork,
    MissingEpisode,
    Proceeding,
)


@admin.register(CareEpisode)
class CareEpisodeAdmin(RecordAdmin):
    list_display = (
        "episode_id",
        "child",
        "start_date",
        "end_date",
        "rne",
        "legal_status",
        "placement_type",
        "reason_ceased",
        "period_of_care_start",
        "placement_start",
        "team",
    )
    list_filter = (
        "rne",
        "legal_status",
        "placement_type",
        "placement_provider",
        "category_of_need",
        "reason_ceased",
        "placement_inside_la",
        ("team", TeamListFilter),
    )
    search_fields = ("episode_id", "child__child_id", "placement_postcode")
    list_select_related = ("child", "team")
    autocomplete_fields = ("team",)
    readonly_fields = ("period_of_care_start", "placement_start")
    date_hierarchy = "start_date"


@admin.register(CLAReview)
class CLAReviewAdmin(RecordAdmin):
    list_display = ("review_id", "child", "review_date", "participation")
    list_filter = ("participation",)
    search_fields = ("review_id", "child__child_id")
    date_hierarchy = "review_date"


@admin.register(HealthAssessment)
class HealthAssessmentAdmin(RecordAdmin):
    list_display = ("health_assessment_id", "child", "kind", "completed_date", "working_days_from_care_start")
    list_filter = ("kind",)
    search_fields = ("health_assessment_id", "child__child_id")
    readonly_fields = ("working_days_from_care_start",)
    date_hierarchy = "completed_date"


@admin.register(MissingEpisode)
class MissingEpisodeAdmin(RecordAdmin):
    list_display = (
        "episode_id",
        "child",
        "kind",
        "start_date",
        "end_date",
        "from_care",
        "return_interview_offered",
        "return_interview_accepted",
    )
    list_filter = ("kind", "from_care", "return_interview_offered", "return_interview_accepted")
    search_fields = ("episode_id", "child__child_id")
    date_hierarchy = "start_date"


@admin.register(CareLeaverStatus)
class CareLeaverStatusAdmin(RecordAdmin):
    list_display = (
        "child",
        "status_date",
        "eligibility",
        "in_touch",
        "activity",
        "accommodation",
        "accommodation_suitable",
        "pa_worker",
    )
    list_filter = ("eligibility", "in_touch", "activity", "accommodation", "accommodation_suitable")
    search_fields = ("child__child_id", "pa_worker__worker_id", "pa_worker__name")
    list_select_related = ("child", "pa_worker")
    autocomplete_fields = ("pa_worker",)
    date_hierarchy = "status_date"


@admin.register(Adoption)
class AdoptionAdmin(RecordAdmin):
    list_display = (
        "child",
        "entered_care_date",
        "decision_date",
        "placement_order_date",
        "matched_date",
        "placed_date",
        "adoption_order_date",
    )
    search_fields = ("child__child_id",)
    date_hierarchy = "placed_date"


@admin.register(Proceeding)
class ProceedingAdmin(RecordAdmin):
    list_display = ("proceeding_id", "child", "kind", "start_date", "end_date", "outcome")
    list_filter = ("kind", "outcome")
    search_fields = ("proceeding_id", "child__child_id")
    date_hierarchy = "start_date"


@admin.register(LifeStoryWork)
class LifeStoryWorkAdmin(RecordAdmin):
    list_display = ("child", "start_date", "end_date")
    search_fields = ("child__child_id",)
    date_hierarchy = "start_date"
