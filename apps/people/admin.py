from django.contrib import admin

from .models import Child


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = (
        "child_id",
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "expected_date_of_birth",
        "ethnicity",
        "disability",
        "uasc",
    )
    list_filter = ("sex", "ethnicity", "disability", "uasc")
    search_fields = ("child_id", "given_name", "family_name")
    date_hierarchy = "date_of_birth"
    list_per_page = 50
    show_full_result_count = False
