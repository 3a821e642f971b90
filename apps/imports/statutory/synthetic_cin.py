"""A synthetic CIN census XML file of a chosen number of children, for the import benchmark (bench_imports).
Fictional children only, from a seeded random generator, so the same size always gives the same file.

Shaped like a council's 2024 census (reference date 31 March 2024, GenderCurrent, yes/no as 0/1, elements in
the 2024 schema's order, so it passes that XSD where one is configured): each child has one or two referrals,
most with an assessment (some with its factors), some with a CIN plan, an S47 enquiry (most leading to an
initial conference) and a CP plan with review dates.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

YEAR_START, YEAR_END = date(2021, 4, 1), date(2024, 3, 31)
SOURCES = (
    "1A",
    "1B",
    "2A",
    "2B",
    "3A",
    "3B",
    "3E",
    "3F",
    "4",
    "5A",
    "5C",
    "6",
    "6",
    "6",
    "7",
    "8",
    "9",
    "10",
)
NEEDS = ("N1", "N1", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
CLOSURES = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC7", "RC7", "RC8", "RC8", "RC9")
ETHNIC = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "NOBT")
FACTORS = ("1B", "2B", "3A", "3B", "4B", "5A", "6B", "14A", "16A", "17A", "21", "24A")
ABUSE = ("NEG", "NEG", "PHY", "SAB", "EMO", "EMO", "MUL")


def _d(d: date) -> str:
    return d.isoformat()


def _el(name: str, value) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _child(rng: random.Random, n: int) -> str:
    child = f"CIN{n:07d}"
    dob = YEAR_START - timedelta(days=rng.randint(0, 16 * 365))
    parts = [
        "<Child><ChildIdentifiers>",
        _el("LAchildID", child),
        _el("PersonBirthDate", _d(dob)),
        _el("GenderCurrent", rng.choice("1122220")),
        "</ChildIdentifiers><ChildCharacteristics>",
        _el("Ethnicity", rng.choice(ETHNIC)),
    ]
    if rng.random() < 0.1:
        parts.append(
            "<Disabilities>" + _el("Disability", rng.choice(("AUT", "LD", "COMM", "BEH"))) + "</Disabilities>"
        )
    parts.append("</ChildCharacteristics>")
    referral = YEAR_START + timedelta(days=rng.randint(0, (YEAR_END - YEAR_START).days - 120))
    for _ in range(rng.choice((1, 1, 1, 2))):
        if referral >= YEAR_END:
            break
        parts.append(_referral(rng, referral))
        referral += timedelta(days=rng.randint(150, 400))
    parts.append("</Child>\n")
    return "".join(parts)


def _referral(rng: random.Random, referral: date) -> str:
    closed = rng.random() < 0.6
    closure = referral + timedelta(days=rng.randint(10, 120)) if closed else None
    if closure and closure > YEAR_END:
        closure, closed = None, False
    parts = ["<CINdetails>", _el("CINreferralDate", _d(referral)), _el("ReferralSource", rng.choice(SOURCES))]
    parts.append(_el("PrimaryNeedCode", rng.choice(NEEDS)))
    if closed:
        parts += [_el("CINclosureDate", _d(closure)), _el("ReasonForClosure", rng.choice(CLOSURES))]
    s47 = rng.random() < 0.2
    icpc = referral + timedelta(days=rng.randint(10, 20)) if s47 and rng.random() < 0.6 else None
    if icpc:
        parts.append(_el("DateOfInitialCPC", _d(icpc)))
    nfa = rng.random() < 0.1
    if not nfa and rng.random() < 0.85:
        start = referral + timedelta(days=rng.randint(0, 3))
        parts += ["<Assessments>", _el("AssessmentActualStartDate", _d(start))]
        if rng.random() < 0.9:
            parts.append(_el("AssessmentAuthorisationDate", _d(start + timedelta(days=rng.randint(5, 60)))))
            factors = rng.sample(FACTORS, rng.randint(1, 3))
            parts.append(
                "<FactorsIdentifiedAtAssessment>"
                + "".join(_el("AssessmentFactors", f) for f in factors)
                + "</FactorsIdentifiedAtAssessment>"
            )
        parts.append("</Assessments>")
    if not nfa and rng.random() < 0.3:
        start = referral + timedelta(days=rng.randint(20, 60))
        parts += ["<CINPlanDates>", _el("CINPlanStartDate", _d(start))]
        if rng.random() < 0.5:
            parts.append(_el("CINPlanEndDate", _d(start + timedelta(days=rng.randint(30, 300)))))
        parts.append("</CINPlanDates>")
    if s47:
        start = referral + timedelta(days=rng.randint(0, 5))
        parts += ["<Section47>", _el("S47ActualStartDate", _d(start))]
        parts.append(_el("InitialCPCtarget", _d(start + timedelta(days=15))))
        if icpc:
            parts.append(_el("DateOfInitialCPC", _d(icpc)))
        parts += [_el("ICPCnotRequired", "0" if icpc else rng.choice("01")), "</Section47>"]
    parts.append(_el("ReferralNFA", "1" if nfa else "0"))
    if icpc and rng.random() < 0.7:
        parts += ["<ChildProtectionPlans>", _el("CPPstartDate", _d(icpc))]
        end = icpc + timedelta(days=rng.randint(60, 500))
        if end <= YEAR_END and rng.random() < 0.6:
            parts.append(_el("CPPendDate", _d(end)))
        parts += [
            _el("InitialCategoryOfAbuse", rng.choice(ABUSE)),
            _el("LatestCategoryOfAbuse", rng.choice(ABUSE)),
        ]
        parts.append(_el("NumberOfPreviousCPP", rng.choice((0, 0, 0, 1, 2))))
        reviews = [icpc + timedelta(days=90 + 180 * k) for k in range(rng.randint(0, 3))]
        reviews = [r for r in reviews if r <= YEAR_END]
        if reviews:
            parts.append("<Reviews>" + "".join(_el("CPPreviewDate", _d(r)) for r in reviews) + "</Reviews>")
        parts.append("</ChildProtectionPlans>")
    parts.append("</CINdetails>")
    return "".join(parts)


def generate(directory: Path, size: int, *, seed: int = 2024) -> list[Path]:
    """Write a CIN census XML file of `size` children into `directory`; return it (in a list, as every
    benchmark generator does)."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "cin_census_2024.xml"
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n<Message><Header><CollectionDetails><Collection>CIN"
            "</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source>"
            "<SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>synthetic</SoftwareCode></Source></Header>\n"
            "<Children>\n"
        )
        for n in range(1, size + 1):
            f.write(_child(rng, n))
        f.write("</Children></Message>\n")
    return [path]
