from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    DIRECTOR = "director", "Director"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    TEAM_MANAGER = "team_manager", "Team manager"
    ANALYST = "analyst", "Performance analyst"
    VIEWER = "viewer", "Viewer"


class User(AbstractUser):
    """A portal user. The role decides what they may see; org units (services, teams) scope child-level lists
    for managers."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    org_units = models.ManyToManyField("core.OrgUnit", blank=True, related_name="members")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid")]

    def __str__(self):
        return self.get_full_name() or self.username


class AccessAction(models.TextChoices):
    LIST = "list", "Viewed a list"
    DETAIL = "detail", "Viewed a record"
    EXPORT = "export", "Exported"
    API = "api", "API call"


class AccessLog(models.Model):
    """One row per child-level page, list, export or API call: who saw what, when, from where. Append-only:
    the portal offers no way to change or delete a row (the model refuses updates and deletes too)."""

    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="access_log")
    username = models.CharField(max_length=150, help_text="kept if the account is ever removed")
    role = models.CharField(max_length=20, choices=Role.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    what = models.CharField(max_length=200, help_text="the view or record, e.g. 'child list', 'child 1234'")
    path = models.CharField(max_length=500)
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True, help_text="rows returned")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["action", "at"])]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AccessAction.values), name="access_action_valid")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

    def save(self, *args, **kwargs):
        # The log is evidence: a row once written is never rewritten.
        if self.pk is not None:
            raise PermissionError("access log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("access log rows cannot be deleted")


class AuditEvent(models.Model):
    """A change made through the portal's admin pages (users, teams, targets, benchmarks, baseline, entered
    measures): who, when, and the object's fields before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="audit_events")
    actor_username = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=100)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")


class ApiToken(models.Model):
    """A key that a case system (or a script) calls the API with, on behalf of one user: that user's role and
    teams decide what it may read, exactly as for the person (apps.accounts.access), and its calls are in the
    access log under that user. Only the key's SHA-256 is kept, with its first characters to tell keys apart:
    the key itself is shown once, when it is made (apps.accounts.services_tokens). A key no longer wanted is
    revoked, never deleted, so the record of what it was stays."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="what uses the key, e.g. 'case system nightly push'")
    prefix = models.CharField(max_length=12, help_text="the key's first characters, to tell keys apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="api_tokens_made"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_blank"),
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_hex"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.user.username})"
