from django.db import models


class AbuseCategory(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple"


class VisitKind(models.TextChoices):
    CIN = "cin", "Child in need"
    CP = "cp", "Child protection"
    CLA = "cla", "Child looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
