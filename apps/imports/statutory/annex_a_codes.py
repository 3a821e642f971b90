"""The Annex A code lists (Ofsted's Guidance and Codes_used sheets, "Update: August 2019", and the 2024 List 9
columns) as value maps: a cell's text -> the portal's code.

Three tiers, so that the report can say how sure a mapping is:
  exact    the Annex A option itself, with or without its "b) " prefix ("b) Female", "Female"), the bare
           code where the option leads with one ("q) 6: Police", "6: Police", "6"), the option's wording
           without its code where only one option has it ("Police");
  guesses  free-text variants councils' systems produce ("F", "Girl", "School", "Section 20"), mapped to the
           code they most plausibly mean; each use is a warning naming the sheet, row, column and value;
  blank    options that mean "not known" ("c) Unknown"), stored blank without a warning.
Anything else is not a value of the list: stored blank with a warning.

Matching is on normalised text: case, curly quotes and dashes, and runs of spaces do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apps.care.choices import Accommodation, Activity, PlacementType, ReasonCeased
from apps.core.choices import Ethnicity

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\xa0": " "})
_SPACES = re.compile(r"\s+")
_PREFIX = re.compile(r"^[a-z]{1,2}[0-9]?\)\s*")
# A leading code and its separator: "N1 - Abuse or neglect", "E1: Placement order", "PR4 - Private".
_TOKEN = re.compile(r"^([a-z0-9]{1,4})\s*(?::|-|\s)\s*")


def norm(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip().casefold()


def unprefixed(text: str) -> str:
    """Normalised text without its Annex A option letter ("b) female" -> "female")."""
    return _PREFIX.sub("", text, count=1)


CACHE_SIZE = 20_000


class NotACode(Exception):
    """The value is none of the list's options."""


@dataclass(frozen=True)
class Codes:
    """One Annex A code list. `lookup` returns (code or "" for a not-known option, guessed?)."""

    name: str
    exact: dict[str, str]
    guesses: dict[str, str] = field(default_factory=dict)
    blank: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()  # codes a leading token may name (upper case)
    labels: dict[str, str] = field(default_factory=dict)  # code -> wording, for messages
    yes_no_lead: bool = False  # "Yes if the section 47 ..." leads with its answer
    # A list's values repeat row after row: each distinct text is matched once (up to CACHE_SIZE texts).
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, text: str) -> tuple[str, bool]:
        hit = self._cache.get(text)
        if hit is None:
            try:
                hit = self._match(text)
            except NotACode as e:
                hit = e
            if len(self._cache) < CACHE_SIZE:
                self._cache[text] = hit
        if isinstance(hit, NotACode):
            raise hit
        return hit

    def _match(self, text: str) -> tuple[str, bool]:
        s = norm(text)
        p = unprefixed(s)
        for t in (s, p):
            if t in self.exact:
                return self.exact[t], False
            if t in self.blank:
                return "", False
        if self.tokens and (m := _TOKEN.match(p)) and m.group(1).upper() in self.tokens:
            return m.group(1).upper(), False
        if self.yes_no_lead and (m := re.match(r"^(yes|no)\b", p)):
            return self.exact[m.group(1)], False
        for t in (s, p):
            if t in self.guesses:
                return self.guesses[t], True
        raise NotACode(f"not a value of the Annex A {self.name} list")

    def allowed(self) -> str:
        codes = sorted(set(self.exact.values()))
        return ", ".join(codes)


def codes(
    name: str,
    options: list[tuple[str, str]],
    *,
    extra: dict[str, str] | None = None,
    guesses: dict[str, str] | None = None,
    blank: tuple[str, ...] = (),
    tokens: bool = False,
    more_tokens: tuple[str, ...] = (),
    yes_no_lead: bool = False,
) -> Codes:
    """`options`: (code, the option's wording) as the Guidance lists them. With `tokens` the option leads
    with its code ("6: Police"), so the code alone, "code: wording" and "code - wording" are exact too; the
    wording alone is exact when only one option has it."""
    exact: dict[str, str] = {}
    wording: dict[str, list[str]] = {}
    for code, label in options:
        wording.setdefault(norm(label), []).append(code)
        if tokens:
            exact[norm(code)] = code
            exact[norm(f"{code}: {label}")] = code
            exact[norm(f"{code} - {label}")] = code
    for label, which in wording.items():
        if len(which) == 1:
            exact[label] = which[0]
    for text, code in (extra or {}).items():
        exact[norm(text)] = code
    return Codes(
        name,
        exact,
        guesses={norm(k): v for k, v in (guesses or {}).items()},
        blank=frozenset(norm(b) for b in blank),
        tokens=frozenset({c for c, _ in options} | set(more_tokens)) if tokens else frozenset(),
        labels={code: label for code, label in options},
        yes_no_lead=yes_no_lead,
    )


SEX = codes(
    "gender",
    [("M", "Male"), ("F", "Female"), ("U", "Not stated/recorded"), ("I", "Neither")],
    extra={"not stated/recorded (or unborn)": "U", "not stated / recorded (or unborn)": "U"},
    guesses={
        **dict.fromkeys(["m", "1", "1 - male", "boy", "man"], "M"),
        **dict.fromkeys(["f", "2", "2 - female", "girl", "woman"], "F"),
        **dict.fromkeys(
            ["u", "0", "9", "unknown", "not known", "unborn", "not recorded", "not stated", "unspecified",
             "withheld", "0 - not known", "0 - not stated", "not stated/recorded/unborn"],
            "U",
        ),
        **dict.fromkeys(["i", "indeterminate", "non-binary", "non binary", "other"], "I"),
    },
)  # fmt: skip

ETHNICITY = codes(
    "ethnicity",
    [(c.value, c.label) for c in Ethnicity],
    tokens=True,
    extra={
        "gypsy/roma": "WROM",
        "traveller of irish heritage": "WIRT",
        "any other white background": "WOTH",
        "any other mixed background": "MOTH",
        "any other asian background": "AOTH",
        "any other black background": "BOTH",
        "any other ethnic group": "OOTH",
        "information not yet obtained": "NOBT",
    },
    guesses={
        **dict.fromkeys(["british", "english", "white - british", "white-british", "white english"], "WBRI"),
        **dict.fromkeys(["irish", "white - irish", "white-irish"], "WIRI"),
        **dict.fromkeys(["white other", "white - other", "other white"], "WOTH"),
        **dict.fromkeys(["gypsy", "roma", "gypsy roma", "gypsy / roma"], "WROM"),
        **dict.fromkeys(["irish traveller", "traveller"], "WIRT"),
        **dict.fromkeys(["mixed other", "other mixed", "mixed"], "MOTH"),
        **dict.fromkeys(["asian other", "other asian"], "AOTH"),
        **dict.fromkeys(["black caribbean", "black - caribbean"], "BCRB"),
        **dict.fromkeys(["black african", "black - african"], "BAFR"),
        **dict.fromkeys(["black other", "other black"], "BOTH"),
        **dict.fromkeys(["other", "other ethnic group"], "OOTH"),
        **dict.fromkeys(["declined", "refused to say", "not given"], "REFU"),
        **dict.fromkeys(["unknown", "not known", "not obtained", "not recorded", "not stated"], "NOBT"),
    },
)

SOURCE = codes(
    "contact/referral source",
    [
        ("1A", "Individual"),
        ("1B", "Individual"),
        ("1C", "Individual"),
        ("1D", "Individual"),
        ("2A", "Schools"),
        ("2B", "Education services"),
        ("3A", "Health services"),
        ("3B", "Health services"),
        ("3C", "Health services"),
        ("3D", "Health services"),
        ("3E", "Health services"),
        ("3F", "Health services"),
        ("4", "Housing"),
        ("5A", "LA services"),
        ("5B", "LA services"),
        ("5C", "LA services"),
        ("6", "Police"),
        ("7", "Other legal agency"),
        ("8", "Other"),
        ("9", "Anonymous"),
        ("10", "Unknown"),
    ],
    tokens=True,
    more_tokens=("5D",),  # the CIN census's youth offending team source (2024 on)
    guesses={
        **dict.fromkeys(["school", "education", "nursery", "college"], "2A"),
        **dict.fromkeys(["education service", "education welfare"], "2B"),
        **dict.fromkeys(["gp", "general practitioner", "doctor"], "3A"),
        "health visitor": "3B",
        "school nurse": "3C",
        **dict.fromkeys(["a&e", "a & e", "hospital", "accident and emergency"], "3E"),
        **dict.fromkeys(["health", "health services", "nhs", "midwife", "midwifery"], "3F"),
        **dict.fromkeys(["family", "family member", "relative", "parent", "carer", "parent/carer"], "1A"),
        **dict.fromkeys(["acquaintance", "neighbour", "friend"], "1B"),
        **dict.fromkeys(["self", "self referral", "self-referral"], "1C"),
        **dict.fromkeys(["individual", "member of public", "public"], "1D"),
        **dict.fromkeys(["social care", "la services", "adult social care", "children's social care"], "5A"),
        **dict.fromkeys(["youth offending", "youth offending team", "yot"], "5D"),
        **dict.fromkeys(["police", "police/ppu"], "6"),
        **dict.fromkeys(["court", "probation", "cafcass", "legal agency", "prison", "immigration"], "7"),
        **dict.fromkeys(["voluntary", "voluntary organisation", "children's centre"], "8"),
        **dict.fromkeys(["anonymous referral"], "9"),
        **dict.fromkeys(["not known"], "10"),
    },
)

YES_NO = codes(
    "yes/no",
    [("Y", "Yes"), ("N", "No")],
    extra={"y": "Y", "n": "N"},
    blank=("unknown", "not known", "n/k"),
    guesses={"true": "Y", "false": "N", "1": "Y", "0": "N"},
    yes_no_lead=True,
)

PRIMARY_NEED = codes(
    "primary need",
    [
        ("N1", "Abuse or neglect"),
        ("N2", "Child's disability"),
        ("N3", "Parental disability or illness"),
        ("N4", "Family in acute stress"),
        ("N5", "Family dysfunction"),
        ("N6", "Socially unacceptable behaviour"),
        ("N7", "Low income"),
        ("N8", "Absent parenting"),
        ("N9", "Cases other than children in need"),
        ("N0", "Not stated"),
    ],
    tokens=True,
    extra={"parental illness or disability": "N3", "child’s disability": "N2"},
    guesses={
        **dict.fromkeys(["abuse", "neglect", "abuse/neglect"], "N1"),
        **dict.fromkeys(["disability", "disabled child"], "N2"),
        **dict.fromkeys(["acute stress", "family stress"], "N4"),
        **dict.fromkeys(["dysfunction"], "N5"),
        **dict.fromkeys(["behaviour"], "N6"),
        **dict.fromkeys(["absent parents"], "N8"),
    },
)

# List 8's category of need is the 903 CIN code, N1-N8 (no N0/N9).
CATEGORY_OF_NEED = codes(
    "category of need",
    [(c, label) for c, label in PRIMARY_NEED.labels.items() if c not in ("N0", "N9")],
    tokens=True,
    extra={"parental illness or disability": "N3"},
    guesses={k: v for k, v in PRIMARY_NEED.guesses.items() if v not in ("N0", "N9")},
)

CLOSURE_REASON = codes(
    "reason for closure",
    [
        ("RC1", "Adopted"),
        ("RC2", "Died"),
        ("RC3", "Child arrangements order"),
        ("RC4", "Special guardianship order"),
        ("RC5", "Transferred to services of another local authority"),
        ("RC6", "Transferred to adult social care services"),
        ("RC7", "Services ceased for any other reason, including child no longer in need"),
        ("RC8", "Case closed after assessment, no further action"),
        ("RC9", "Case closed after assessment, referred to early help"),
    ],
    tokens=True,
    guesses={
        "residence order": "RC3",
        "sgo": "RC4",
        "transferred to another la": "RC5",
        "adult services": "RC6",
        **dict.fromkeys(["services ceased", "no longer in need", "closed"], "RC7"),
        **dict.fromkeys(["nfa", "no further action"], "RC8"),
        "early help": "RC9",
    },
)

CASE_STATUS = codes(
    "case status",
    [
        ("cla", "Looked after child"),
        ("cp", "Child Protection plan"),
        ("cin", "Child in need plan"),
        ("assessment", "Open assessment"),
        ("closed", "Closed episode"),
    ],
    guesses={
        **dict.fromkeys(["cla", "lac", "looked after", "child looked after", "child in care"], "cla"),
        **dict.fromkeys(["cp", "cpp", "child protection", "cp plan"], "cp"),
        **dict.fromkeys(["cin", "child in need", "cin plan"], "cin"),
        **dict.fromkeys(["assessment", "open"], "assessment"),
        **dict.fromkeys(["closed", "close", "ceased"], "closed"),
    },
)

ABUSE = codes(
    "category of abuse",
    [
        ("NEG", "Neglect"),
        ("PHY", "Physical abuse"),
        ("SAB", "Sexual abuse"),
        ("EMO", "Emotional abuse"),
        ("MUL", "Multiple/not recommended"),
    ],
    extra={"neg": "NEG", "phy": "PHY", "sab": "SAB", "emo": "EMO", "mul": "MUL"},
    guesses={
        "physical": "PHY",
        "sexual": "SAB",
        "emotional": "EMO",
        **dict.fromkeys(["multiple", "mixed"], "MUL"),
    },
)

LEGAL_STATUS = codes(
    "legal status",
    [
        ("C1", "ICO"),
        ("C2", "FCO"),
        ("D1", "Freeing order"),
        ("E1", "Placement order"),
        ("V2", "Single period under S20"),
        ("L1", "Police protection LA accommodation"),
        ("L2", "EPO"),
        ("L3", "Child assessment order LA accommodation"),
        ("J1", "Remanded to LA or youth detention"),
        ("J2", "LA accommodation under PACE"),
        ("J3", "Youth rehabilitation order"),
        ("V3", "Short term breaks, episodes recorded"),
        ("V4", "Short term breaks, agreements recorded"),
    ],
    tokens=True,
    guesses={
        **dict.fromkeys(["interim care order", "interim care"], "C1"),
        **dict.fromkeys(["full care order", "care order"], "C2"),
        **dict.fromkeys(["section 20", "s20", "s.20", "voluntary", "accommodated under s20"], "V2"),
        **dict.fromkeys(["emergency protection order"], "L2"),
        **dict.fromkeys(["police protection", "police powers"], "L1"),
        **dict.fromkeys(["remand", "remanded"], "J1"),
    },
)

REASON_CEASED = codes(
    "reason ceased",
    [
        ("E11", "Adopted - application unopposed"),
        ("E12", "Adopted - consent dispensed"),
        ("E2", "Died"),
        ("E3", "Care taken by another LA"),
        ("E4A", "Returned home to live with parents or relatives - part of planning"),
        ("E4B", "Returned home to live with parents or relatives - not part of planning"),
        ("E13", "Parents, relatives or other with no parental responsibility"),
        ("E41", "Residence order granted"),
        ("E45", "Special Guardianship Orders - former carer relative/friend"),
        ("E46", "Special Guardianship Orders - former carer other"),
        ("E47", "Special Guardianship Orders - relative/friend"),
        ("E48", "Special Guardianship Orders - other"),
        ("E5", "Moved into independent living - supported"),
        ("E6", "Moved into independent living - no support"),
        ("E7", "Transferred to residential care funded by adult social services"),
        ("E9", "Sentenced to custody"),
        ("E14", "Accommodation on remand ended"),
        ("E15", "Age assessment determined child was 18 or over"),
        ("E16", "Child moved abroad"),
        ("E8", "Care ceased for any other reason"),
        ("X1", "CodeError"),
    ],
    tokens=True,
    more_tokens=tuple(ReasonCeased.values),  # codes of other collection years (E17, E43, E44)
    guesses={
        "adopted": "E11",
        "died": "E2",
        **dict.fromkeys(["returned home", "return home"], "E4A"),
        **dict.fromkeys(["sgo", "special guardianship order"], "E48"),
        **dict.fromkeys(["independent living"], "E5"),
        **dict.fromkeys(["custody"], "E9"),
        **dict.fromkeys(["other", "any other reason"], "E8"),
    },
)

PLACEMENT = codes(
    "placement type",
    [
        ("U1", "Foster placement - relatives - long term"),
        ("U2", "Foster placement - relative - FFA"),
        ("U3", "Foster placement - relative - not FFA"),
        ("U4", "Foster placement - long term"),
        ("U5", "Foster placement - FFA"),
        ("U6", "Foster placement - not FFA"),
        ("A3", "Placed for adoption - consent - current foster"),
        ("A4", "Placed for adoption - consent - not foster"),
        ("A5", "Placed for adoption - order - foster"),
        ("A6", "Placed for adoption - order - not foster"),
        ("P1", "Placed with parents"),
        ("P2", "Independent living"),
        ("P3", "Residential employment"),
        ("H5", "Residential accommodation"),
        ("K1", "Secure Children's Homes"),
        ("K2", "Children's Homes"),
        ("R1", "Residential Care Home"),
        ("R2", "NHS/Health Trust"),
        ("R3", "Family Centre or Mother and Baby Unit"),
        ("R5", "Young Offender Institution"),
        ("S1", "Residential school"),
        ("Z1", "Other placements"),
        ("T0", "Temporary placement"),
        ("T1", "Temporary placement - hospital"),
        ("T2", "Temporary placement - holiday"),
        ("T3", "Temporary placement - carer holiday"),
        ("T4", "Temporary placement - seven days or less"),
    ],
    tokens=True,
    more_tokens=tuple(PlacementType.values),  # K3, Z11-Z14 of the later collection years
    guesses={
        **dict.fromkeys(["foster", "foster placement", "fostering"], "U6"),
        **dict.fromkeys(["kinship", "connected person", "family and friends"], "U3"),
        **dict.fromkeys(["children's home", "residential"], "K2"),
        **dict.fromkeys(["placed with parent", "home with parents", "parents"], "P1"),
        **dict.fromkeys(["semi-independent", "semi independent"], "H5"),
        **dict.fromkeys(["secure", "secure unit"], "K1"),
    },
)

PROVIDER = codes(
    "placement provider",
    [
        ("PR0", "Parents/Parental responsibility"),
        ("PR1", "Own provision"),
        ("PR2", "Other LA provision"),
        ("PR3", "Other public provision"),
        ("PR4", "Private provision"),
        ("PR5", "Voluntary/third sector"),
    ],
    tokens=True,
    guesses={
        **dict.fromkeys(["parents", "parent"], "PR0"),
        **dict.fromkeys(["own", "in house", "in-house", "la", "local authority", "own la"], "PR1"),
        **dict.fromkeys(["other la", "another la"], "PR2"),
        **dict.fromkeys(["public", "nhs"], "PR3"),
        **dict.fromkeys(["private", "ifa", "independent"], "PR4"),
        **dict.fromkeys(["voluntary", "third sector", "charity"], "PR5"),
    },
)

LOCATION = codes(
    "placement location",
    [("Y", "In"), ("N", "Out")],
    guesses={
        **dict.fromkeys(["inside", "in la", "within", "inside la", "in area", "y", "yes"], "Y"),
        **dict.fromkeys(["outside", "out of la", "out of area", "outside la", "n", "no"], "N"),
    },
)

ELIGIBILITY = codes(
    "eligibility category",
    [
        ("relevant", "Relevant child"),
        ("former_relevant", "Former relevant child"),
        ("qualifying", "Qualifying care leaver"),
    ],
    guesses={
        "relevant": "relevant",
        **dict.fromkeys(["former relevant", "former-relevant", "former relevant young person"], "former_relevant"),
        **dict.fromkeys(["qualifying", "qualifying young person"], "qualifying"),
    },
)  # fmt: skip

IN_TOUCH = codes(
    "LA in touch",
    [("YES", "Yes"), ("NO", "No"), ("DIED", "Died"), ("REFU", "Refu"), ("NREQ", "NREQ"), ("RHOM", "Rhom")],
    guesses={
        **dict.fromkeys(["y", "in touch", "true"], "YES"),
        **dict.fromkeys(["n", "not in touch", "false", "lost touch"], "NO"),
        **dict.fromkeys(["refused", "refuses contact", "refuse"], "REFU"),
        **dict.fromkeys(["no longer requires services", "not required"], "NREQ"),
        **dict.fromkeys(["returned home", "returned to parents"], "RHOM"),
        "deceased": "DIED",
    },
)

ACCOMMODATION = codes(
    "type of accommodation",
    [
        ("B", "Parents/relatives"),
        ("C", "Community home / residential care"),
        ("D", "Semi-independent, transitional accommodation and self-contained accommodation"),
        ("E", "Supported lodgings"),
        ("G", "Abroad"),
        ("H", "Deported"),
        ("K", "Ordinary lodgings, without formal support"),
        ("R", "Residence not known"),
        ("S", "No fixed abode / homeless"),
        ("T", "Foyers and similar supported accommodation"),
        ("U", "Independent living"),
        ("V", "Emergency accommodation"),
        ("W", "Bed and breakfast"),
        ("X", "In custody"),
        ("Y", "Other accommodation"),
        ("Z", "With former foster carers"),
    ],
    tokens=True,
    more_tokens=tuple(Accommodation.values),
    guesses={
        **dict.fromkeys(["with parents", "parents", "relatives", "family"], "B"),
        **dict.fromkeys(["semi-independent", "semi independent", "supported accommodation"], "D"),
        **dict.fromkeys(["homeless", "no fixed abode"], "S"),
        **dict.fromkeys(["own tenancy", "independent", "tenancy"], "U"),
        **dict.fromkeys(["staying put", "former foster carers"], "Z"),
        **dict.fromkeys(["custody", "prison"], "X"),
        "b&b": "W",
        "foyer": "T",
    },
)

SUITABILITY = codes(
    "suitability of accommodation",
    [("Y", "Suitable"), ("N", "Unsuitable")],
    guesses={
        **dict.fromkeys(["yes", "y", "1"], "Y"),
        **dict.fromkeys(["not suitable", "no", "n", "2"], "N"),
    },
)

ACTIVITY = codes(
    "activity status",
    [
        ("F1", "Full time in higher education"),
        ("P1", "Part time in higher education"),
        ("F2", "Full time in education other than higher"),
        ("P2", "Part time in education other than higher"),
        ("F3", "Full time in training or employment"),
        ("P3", "Part time in training or employment"),
        ("G4", "Not in education, employment or training - illness or disability"),
        ("G5", "Not in education, employment or training - other"),
        ("G6", "Not in education, employment or training - pregnancy or parenting"),
    ],
    tokens=True,
    more_tokens=tuple(c for c in Activity.values if c != "0"),  # F4, P4, F5, P5 of the later years
    guesses={
        **dict.fromkeys(["university", "higher education"], "F1"),
        **dict.fromkeys(["college", "education"], "F2"),
        **dict.fromkeys(["employment", "employed", "training", "apprenticeship", "eet"], "F3"),
        **dict.fromkeys(["neet", "neet - other"], "G5"),
    },
)

NO_LONGER_PLACED = codes(
    "reason no longer placed for adoption",
    [
        ("RD1", "The child's needs changed subsequent to the decision"),
        ("RD2", "The Court did not make a placement order"),
        ("RD3", "Prospective adopters could not be found"),
        ("RD4", "Any other reason"),
    ],
    tokens=True,
)
