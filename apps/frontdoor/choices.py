from django.db import models


class ReferralSource(models.TextChoices):
    """CIN census referral source codes."""

    S1A = "1A", "Individual: family member/relative/carer"
    S1B = "1B", "Individual: acquaintance"
    S1C = "1C", "Individual: self"
    S1D = "1D", "Individual: other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health: GP"
    S3B = "3B", "Health: health visitor"
    S3C = "3C", "Health: school nurse"
    S3D = "3D", "Health: other primary health services"
    S3E = "3E", "Health: A&E"
    S3F = "3F", "Health: other"
    S4 = "4", "Housing"
    S5A = "5A", "LA services: social care"
    S5B = "5B", "LA services: other internal"
    S5C = "5C", "LA services: external"
    S5D = "5D", "LA services: youth offending team"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


# fd.referral_source groups (catalogue section 1); blank falls into "Other".
REFERRAL_SOURCE_GROUPS = {
    "police_legal": ["6", "7"],
    "school_education": ["2A", "2B"],
    "health": ["3A", "3B", "3C", "3D", "3E", "3F"],
    "la_services": ["4", "5A", "5B", "5C", "5D"],
    "other": ["1A", "1B", "1C", "1D", "8", "9", "10", ""],
}


class Rag(models.TextChoices):
    BLUE = "BLUE", "Blue"
    GREEN = "GREEN", "Green"
    AMBER = "AMBER", "Amber"
    RED = "RED", "Red"


class ContactOutcome(models.TextChoices):
    CSC_REFERRAL = "csc_referral", "Referral to children's social care"
    EARLY_HELP = "early_help", "Referral to early help (CAF)"
    INFORMATION = "information", "Information and advice"
    NFA = "nfa", "No further action"
    SIGNPOSTING = "signposting", "Signposting"


class PrimaryNeed(models.TextChoices):
    N0 = "N0", "Not stated"
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness/disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class ClosureReason(models.TextChoices):
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another LA"
    RC6 = "RC6", "Transferred to adult social care"
    RC7 = "RC7", "Services ceased for any other reason"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"
