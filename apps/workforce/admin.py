"""Workers and posts, read-only (they come in by the bundle import). Allocations, supervisions and audits name
a child, and Families First families and members are people's records: none has an admin, they are seen at
/children/ where access is checked and logged (apps/accounts/admin_site.py)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin, TeamListFilter

from .models import Post, Worker


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "name", "team", "employment", "fte", "start_date", "end_date")
    list_filter = ("employment", ("team", TeamListFilter))
    search_fields = ("worker_id", "name")
    list_select_related = ("team",)
    show_full_result_count = False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("post_id", "team", "funded", "status", "fte", "start_date", "end_date")
    list_filter = ("status", "funded", ("team", TeamListFilter))
    search_fields = ("post_id",)
    list_select_related = ("team",)
    date_hierarchy = "start_date"
