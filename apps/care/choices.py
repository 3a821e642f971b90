"""SSDA903 and OC3 codes. The lists are the union of the code years the portal reads (2017 to 2026), so a
history spanning a code change stays valid."""

from django.db import models


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement only"
    T = "T", "Change of legal status and placement"
    B = "B", "Change of legal status and placement (same day)"
    U = "U", "Change of placement and legal status (same carer)"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Section 20: single period of accommodation"
    V3 = "V3", "Section 20: agreed series of short-term breaks (single)"
    V4 = "V4", "Section 20: agreed series of short-term breaks"
    L1 = "L1", "Police protection"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Child assessment order"
    J1 = "J1", "Remanded to LA accommodation or youth detention"
    J2 = "J2", "Placed in LA accommodation under PACE"
    J3 = "J3", "Sentenced to a youth rehabilitation order"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness/disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption: consent, with former foster carer"
    A4 = "A4", "Placed for adoption: consent, not with former foster carer"
    A5 = "A5", "Placed for adoption: placement order, with former foster carer"
    A6 = "A6", "Placed for adoption: placement order, not with former foster carer"
    H5 = "H5", "Semi-independent living (pre-2024 code)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Residential holiday scheme for disabled children"
    P1 = "P1", "Placed with parents"
    P2 = "P2", "Independent living"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS/health trust"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "All residential schools"
    T0 = "T0", "Temporary: all types"
    T1 = "T1", "Temporary: periods of less than a week"
    T2 = "T2", "Temporary: holiday"
    T3 = "T3", "Temporary: hospital"
    T4 = "T4", "Temporary: other"
    U1 = "U1", "Foster: relative/friend, long term"
    U2 = "U2", "Foster: relative/friend, FFA/concurrent"
    U3 = "U3", "Foster: relative/friend, other"
    U4 = "U4", "Foster: other carer, long term"
    U5 = "U5", "Foster: other carer, FFA/concurrent"
    U6 = "U6", "Foster: other carer, other"
    Z1 = "Z1", "Other placements"
    Z11 = "Z11", "Supported accommodation: not registered"
    Z12 = "Z12", "Supported accommodation: registered"
    Z13 = "Z13", "Supported accommodation: other"
    Z14 = "Z14", "Supported lodgings"


ADOPTION_PLACEMENTS = ["A3", "A4", "A5", "A6"]


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parents or other person with parental responsibility"
    PR1 = "PR1", "Own provision (by the LA)"
    PR2 = "PR2", "Other LA provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary/third sector provision"


class ReasonCeased(models.TextChoices):
    X1 = "X1", "Episode ceased, care continues"
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with"
    E13 = "E13", "Left care to live with parents: not SGO/CAO"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment: aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18, remained with former foster carers"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another LA"
    E41 = "E41", "Residence/child arrangements order"
    E43 = "E43", "Special guardianship order: former foster carers"
    E44 = "E44", "Special guardianship order: other carers"
    E45 = "E45", "Special guardianship order: former foster carers (2016+)"
    E46 = "E46", "Special guardianship order: relatives or friends"
    E47 = "E47", "Special guardianship order: other carers"
    E48 = "E48", "Special guardianship order: relatives/friends, not former carers"
    E4A = "E4A", "Returned home to parents: planned"
    E4B = "E4B", "Returned home to parents: not planned"
    E5 = "E5", "Moved to independent living: supportive"
    E6 = "E6", "Moved to independent living: no support"
    E7 = "E7", "Transferred to adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"


class ReasonPlacementChange(models.TextChoices):
    CARPL = "CARPL", "Change to/implementation of care plan"
    CLOSE = "CLOSE", "Carer/provider closure"
    ALLEG = "ALLEG", "Allegation (s47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer request: child's behaviour"
    CREQO = "CREQO", "Carer request: other"
    CHILD = "CHILD", "Child requests"
    LAREQ = "LAREQ", "Responsible/area authority requests"
    PLACE = "PLACE", "Change in placement status"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"
    ABSENC = "ABSENC", "Absconded"
    CHCHAN = "CHCHAN", "Change of circumstances: child"
    FCONTA = "FCONTA", "Family contact"
    LEFTRL = "LEFTRL", "Left residential/lodging"
    MANAGE = "MANAGE", "Managed move"
    ORGRST = "ORGRST", "Organisational restructure"
    OTHERS = "OTHERS", "Other (2026)"
    PCCHAN = "PCCHAN", "Change of circumstances: provider/carer"
    SWDIED = "SWDIED", "Carer died"
    TSPROC = "TSPROC", "Transition between services"


class HealthAssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial health assessment"
    REVIEW = "review", "Review health assessment"
    DENTAL = "dental", "Dental check"


class MissingKind(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Away from placement without authorisation"


class Eligibility(models.TextChoices):
    RELEVANT = "relevant", "Relevant"
    FORMER_RELEVANT = "former_relevant", "Former relevant"
    QUALIFYING = "qualifying", "Qualifying"


class InTouch(models.TextChoices):
    YES = "YES", "In touch"
    NO = "NO", "Not in touch"
    DIED = "DIED", "Died"
    REFU = "REFU", "Refuses contact"
    NREQ = "NREQ", "No longer requires services"
    RHOM = "RHOM", "Returned home"


class Activity(models.TextChoices):
    """OC3 main activity (ACTIV) of every code year read: F = full time, P = part time. Training or
    employment was F3/P3 until the code set split it into F4/P4 (training, apprenticeship) and F5/P5
    (employment); both years' codes are accepted. "0" = not known (the LA is not in touch or does not know)."""

    F1 = "F1", "Higher education, full time"
    P1 = "P1", "Higher education, part time"
    F2 = "F2", "Other education, full time"
    P2 = "P2", "Other education, part time"
    F3 = "F3", "Training or employment, full time (earlier code years)"
    P3 = "P3", "Training or employment, part time (earlier code years)"
    F4 = "F4", "Training or apprenticeship, full time"
    P4 = "P4", "Training or apprenticeship, part time"
    F5 = "F5", "Employment, full time"
    P5 = "P5", "Employment, part time"
    G4 = "G4", "NEET: illness or disability"
    G5 = "G5", "NEET: other reasons"
    G6 = "G6", "NEET: pregnancy or parenting"
    NOT_KNOWN = "0", "Not known"


# cl.eet and its split (catalogue section 8); cl.neet counts NEET_ACTIVITIES. "0" (not known) and blank are
# neither: such a care leaver stays in cl.eet's denominator and is not NEET.
HIGHER_EDUCATION = ["F1", "P1"]
OTHER_EDUCATION = ["F2", "P2"]
TRAINING_EMPLOYMENT = ["F3", "P3", "F4", "P4", "F5", "P5"]
EET_ACTIVITIES = HIGHER_EDUCATION + OTHER_EDUCATION + TRAINING_EMPLOYMENT
NEET_ACTIVITIES = ["G4", "G5", "G6"]


class Accommodation(models.TextChoices):
    """OC3 accommodation letter (suitability is held separately)."""

    B = "B", "With parents or relatives"
    C = "C", "Community home"
    D = "D", "Semi-independent, transitional"
    E = "E", "Supported lodgings"
    G = "G", "Gone abroad"
    H = "H", "Deported"
    K = "K", "Ordinary lodgings"
    R = "R", "Residence not known"
    S = "S", "No fixed abode/homeless"
    T = "T", "Foyers"
    U = "U", "Independent living"
    V = "V", "Emergency accommodation"
    W = "W", "Bed and breakfast"
    X = "X", "In custody"
    Y = "Y", "Other accommodation"
    Z = "Z", "With former foster carers"


class ProceedingKind(models.TextChoices):
    PRE = "pre_proceedings", "Pre-proceedings (PLO)"
    CARE = "care_proceedings", "Care proceedings"


class ProceedingOutcome(models.TextChoices):
    ISSUED = "issued", "Care proceedings issued"
    DIVERTED = "diverted", "Diverted from proceedings"
    PLACEMENT_ORDER = "placement_order", "Placement order"
    CARE_ORDER = "care_order", "Care order"
    SGO = "sgo", "Special guardianship order"
    SUPERVISION_ORDER = "supervision_order", "Supervision order"
    CAO = "child_arrangements_order", "Child arrangements order"
    NO_ORDER = "no_order", "No public law order"
