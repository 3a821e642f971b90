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
