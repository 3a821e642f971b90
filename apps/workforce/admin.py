from django.contrib import admin

from apps.core.admin import RecordAdmin, TeamListFilter

from .models import Allocation, Audit, Family, FamilyMember, Post, Supervision, Worker


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "name", "team", "employment", "fte", "start_date", "end_date")
    list_filter = ("employment", ("team", TeamListFilter))
    search_fields = ("worker_id", "name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)
    show_full_result_count = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("post_id", "team", "funded", "status", "fte", "start_date", "end_date")
    list_filter = ("status", "funded", ("team", TeamListFilter))
    search_fields = ("post_id",)
    list_select_related = ("team",)
    autocomplete_fields = ("team",)
    date_hierarchy = "start_date"


@admin.register(Allocation)
class AllocationAdmin(RecordAdmin):
    list_display = ("allocation_id", "child", "team", "worker", "start_date", "end_date")
    list_filter = (("team", TeamListFilter),)
    search_fields = ("allocation_id", "child__child_id", "worker__worker_id", "worker__name")
    list_select_related = ("child", "team", "worker")
    raw_id_fields = ("child",)
    autocomplete_fields = ("team", "worker")
    date_hierarchy = "start_date"


@admin.register(Supervision)
class SupervisionAdmin(RecordAdmin):
    list_display = ("supervision_id", "kind", "held_date", "child", "team")
    list_filter = ("kind", ("team", TeamListFilter))
    search_fields = ("supervision_id", "child__child_id")
    list_select_related = ("child", "team")
    autocomplete_fields = ("team",)
    date_hierarchy = "held_date"


@admin.register(Audit)
class AuditAdmin(RecordAdmin):
    list_display = ("audit_id", "kind", "completed_date", "grade", "oversight_grade", "child", "team")
    list_filter = ("kind", "grade", "oversight_grade", ("team", TeamListFilter))
    search_fields = ("audit_id", "child__child_id")
    list_select_related = ("child", "team")
    autocomplete_fields = ("team",)
    date_hierarchy = "completed_date"


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    fields = ("person_id", "role", "sex", "date_of_birth", "ethnicity")


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ("family_id", "attached_date", "outcome_met_date", "claimed_date")
    search_fields = ("family_id",)
    date_hierarchy = "attached_date"
    inlines = (FamilyMemberInline,)
    show_full_result_count = False


@admin.register(FamilyMember)
class FamilyMemberAdmin(admin.ModelAdmin):
    list_display = ("person_id", "family", "role", "sex", "date_of_birth", "ethnicity")
    list_filter = ("role", "sex", "ethnicity")
    search_fields = ("person_id", "family__family_id")
    list_select_related = ("family",)
    raw_id_fields = ("family",)
    show_full_result_count = False
