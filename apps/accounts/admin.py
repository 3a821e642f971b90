from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.core.admin import ReadOnlyAdmin

from .models import AccessLog, AuditEvent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the portal's role and team/service membership."""

    list_display = ("username", "get_full_name", "email", "role", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "org_units")
    search_fields = ("username", "first_name", "last_name", "email")
    filter_horizontal = ("org_units", "groups", "user_permissions")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Portal access", {"fields": ("role", "org_units")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Portal access", {"fields": ("first_name", "last_name", "email", "role", "org_units")}),
    )

    @admin.display(description="name", ordering="last_name")
    def get_full_name(self, obj):
        return obj.get_full_name()


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "role", "action", "what", "rows", "ip")
    list_filter = ("action", "role")
    search_fields = ("username", "what", "path")
    date_hierarchy = "at"
    list_select_related = ()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_repr", "object_id")
    date_hierarchy = "at"
