from django.db import models


class Employment(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY = "agency", "Agency"


class PostStatus(models.TextChoices):
    PERMANENT = "permanent", "Filled: permanent"
    AGENCY = "agency", "Filled: agency"
    VACANT = "vacant", "Vacant"


class AuditKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    THEMATIC = "thematic", "Thematic"


class Grade(models.TextChoices):
    INADEQUATE = "inadequate", "Inadequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    GOOD = "good", "Good"
    OUTSTANDING = "outstanding", "Outstanding"


class SupervisionKind(models.TextChoices):
    CASE = "case", "Case supervision"
    GROUP = "group", "Group supervision"


class FamilyRole(models.TextChoices):
    ADULT = "adult", "Adult"
    CHILD = "child", "Child"
