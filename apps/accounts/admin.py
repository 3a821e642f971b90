"""The access log and audit trail, and django-axes' login records, read-only. No User admin: users, their
roles, teams, passwords and second factors are managed at /manage/ through audited services
(apps/accounts/admin_site.py says why)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import AccessLog, AuditEvent


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


# django-axes' own admins (switched off by AXES_ENABLE_ADMIN = False) delete attempts, which unlocks an
# account with no audit event and erases the trace of an attack. Here the same pages, read-only, no actions.
@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin, axes_admin.AccessAttemptAdmin):
    actions = None


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    actions = None


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    actions = None
