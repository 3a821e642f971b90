"""The DfE code lists that children and the workforce share (CIN census, SSDA903, the workforce census):
the ground floor, so that every record app, the people app among them, reads them from one place."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown"
    INDETERMINATE = "I", "Indeterminate"


class Ethnicity(models.TextChoices):
    """DfE ethnicity codes (CIN census / SSDA903)."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


# The catalogue's ethnicity groups (Annex A "Grouped" column); blank is "Missing".
ETHNICITY_GROUPS = {
    "White": ["WBRI", "WIRI", "WIRT", "WOTH", "WROM"],
    "Mixed": ["MWBC", "MWBA", "MWAS", "MOTH"],
    "Asian": ["AIND", "APKN", "ABAN", "AOTH", "CHNE"],
    "Black": ["BCRB", "BAFR", "BOTH"],
    "Other": ["OOTH"],
    "Not stated": ["REFU", "NOBT"],
}
