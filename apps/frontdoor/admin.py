from django.contrib import admin

from apps.core.admin import RecordAdmin, TeamListFilter

from .models import Contact, EarlyHelpEpisode, Referral


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = (
        "contact_id",
        "child",
        "received_at",
        "source",
        "initial_rag",
        "final_rag",
        "decided_at",
        "outcome",
        "team",
    )
    list_filter = ("outcome", "initial_rag", "final_rag", "source", ("team", TeamListFilter))
    search_fields = ("contact_id", "child__child_id")
    list_select_related = ("child", "team")
    autocomplete_fields = ("team",)
    date_hierarchy = "received_at"


@admin.register(Referral)
class ReferralAdmin(RecordAdmin):
    list_display = (
        "referral_id",
        "child",
        "referral_date",
        "source",
        "primary_need",
        "nfa",
        "team",
        "worker",
        "closure_date",
        "closure_reason",
    )
    list_filter = ("primary_need", "nfa", "closure_reason", "source", ("team", TeamListFilter))
    search_fields = ("referral_id", "child__child_id", "contact__contact_id")
    list_select_related = ("child", "team", "worker")
    raw_id_fields = ("child", "contact")
    autocomplete_fields = ("team", "worker")
    date_hierarchy = "referral_date"


@admin.register(EarlyHelpEpisode)
class EarlyHelpEpisodeAdmin(RecordAdmin):
    list_display = ("episode_id", "child", "start_date", "completion_date", "organisation")
    search_fields = ("episode_id", "child__child_id", "organisation")
    date_hierarchy = "start_date"
