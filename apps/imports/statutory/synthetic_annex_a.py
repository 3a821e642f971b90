"""A synthetic Annex A workbook of any size, for the import benchmark (manage.py bench_imports).

The rows are spread across the lists as a council's are (contacts the most, adopters the fewest), the
children shared between lists as the guidance has them (every child on a CP plan or in care is also on the
children in need list; children adopted are in care; care leavers are other, older young people), each
child's details the same wherever they appear, and every value written as the Annex A template's code ("b)
Female", "q) 6: Police"), so an import of it reports almost nothing and the time measured is the import's
own. Written with XlsxWriter with a shared-strings table, as Excel saves a workbook (constant-memory mode
would write inline strings, which openpyxl reads four times slower than a real Annex A); the benchmark runs
this in a process of its own so the writer's memory is not counted as the import's.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

# Share of the workbook's rows on each list.
SPREAD = {1: 0.30, 2: 0.08, 3: 0.14, 4: 0.14, 5: 0.05, 6: 0.12, 7: 0.03, 8: 0.07, 9: 0.04, 10: 0.01, 11: 0.02}
INSPECTION = date(2024, 10, 1)
WINDOW_START = date(2024, 4, 1)  # the six months the event lists cover

PERSON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
HEADERS = {
    1: [*PERSON, "Date of Contact", "Contact Source"],
    2: [*PERSON, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: [
        *PERSON,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: [
        *PERSON,
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children’s social care support",
        "Allocated Team",
        "Allocated Worker",
    ],
    5: [
        *PERSON,
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    6: [
        *PERSON,
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case status",
        "Allocated Team",
        "Allocated Worker",
    ],
    7: [
        *PERSON,
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
    8: [
        *PERSON,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Date Ceased to be Looked After ",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "Placement Location",
        "Allocated Team",
        "Allocated Worker",
    ],
    9: [
        *PERSON,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    10: [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order ",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
    ],
    11: [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date application approved",
    ],
}
TITLES = {
    1: "Contacts",
    2: "Early Help",
    3: "Referral",
    4: "Assessments",
    5: "Section 47 enquiries and Initial Child Protection Conferences",
    6: "Children in Need",
    7: "Child protection",
    8: "Children in care",
    9: "Care leavers",
    10: "Adoption",
    11: "Adopters",
}

GENDERS = ["a) Male", "b) Female", "a) Male", "b) Female", "c) Not stated/recorded (or unborn)"]
ETHNICITIES = ["a) WBRI"] * 6 + ["d) WOTH", "f) MWBC", "i) MOTH", "k) APKN", "o) BAFR", "r) OOTH", "t) NOBT"]
SOURCES = [
    "q) 6: Police",
    "e) 2A: Schools",
    "g) 3A: Health services",
    "j) 3D: Health services",
    "n) 5A: LA services",
]
SOURCES += ["a) 1A: Individual", "s) 8: Other", "t) 9: Anonymous", "m) 4: Housing"]
YES_NO = ["a) Yes", "b) No"]
NEEDS = [
    "N1 - Abuse or neglect",
    "N2 - Child's disability",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
]
LEGAL = ["C2: FCO", "C1: ICO", "V2: Single period under S20", "E1: Placement order"]
PLACEMENTS = [
    ("f) U6: Foster placement - not FFA", "b) PR1: Own provision"),
    ("d) U4: Foster placement - long term", "e) PR4: Private provision"),
    ("c) U3: Foster placement - relative - not FFA", "b) PR1: Own provision"),
    ("p) K2: Children's Homes", "e) PR4: Private provision"),
    ("k) P1: Placed with parents", "a) PR0: Parents/Parental responsibility"),
]
CEASED = [
    "e) E4A: Returned home to live with parents or relatives - part of planning",
    "a) E11: Adopted - application unopposed",
]
CEASED += ["l) E48: Special Guardianship Orders - other", "m) E5: Moved into independent living - supported"]
ABUSE = ["a) Neglect", "d) Emotional abuse", "b) Physical abuse", "e) Multiple/not recommended"]
ACCOMMODATION = [
    "U: Independent living",
    "D: Semi-independent, transitional accommodation",
    "B: Parents/relatives",
]
ACTIVITY = ["F3: Full time in training or employment", "F2: Full time in education other than higher"]
ACTIVITY += ["G5: Not in education, employment or training - other"]
TEAMS = ["Locality 1 Duty Team", "Locality 2 Unit 1", "Children in Care Team 1", "Care Leavers Team"]
WORKERS = ["Sam Hale", "Priya Shah", "Tom Reed", "Ada Okafor"]


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)  # noqa: DTZ001 - an Excel date cell


class _Children:
    """Each child's details, the same on every list they appear on."""

    def __init__(self, n: int, leavers: int, rng: random.Random):
        self.n, self.first_leaver = n, n - leavers
        self.details = []
        for i in range(n):
            if i >= self.first_leaver:
                dob = date(1999, 1, 1) + timedelta(days=rng.randrange(365 * 4))
            else:
                dob = date(2006, 1, 1) + timedelta(days=rng.randrange(365 * 18))
            disability = "a) Yes" if rng.random() < 0.1 else "b) No"
            self.details.append(
                (f"A{i + 1:07d}", rng.choice(GENDERS), rng.choice(ETHNICITIES), dob, disability)
            )

    def disability(self, i: int) -> str:
        return self.details[i][4]

    def person(self, i: int) -> list:
        child, gender, ethnicity, dob, _ = self.details[i]
        age = (INSPECTION - dob).days // 365
        return [child, gender, ethnicity, _dt(dob), age]


def _in_window(rng: random.Random) -> date:
    return WINDOW_START + timedelta(days=rng.randrange((INSPECTION - WINDOW_START).days))


def _after(rng: random.Random, d: date, most: int) -> date:
    return min(d + timedelta(days=rng.randrange(1, most)), INSPECTION - timedelta(days=1))


def write(folder: Path, rows: int, seed: int = 1) -> tuple[list[Path], dict[str, int]]:
    """Write an Annex A workbook of about `rows` data rows into `folder`; returns the paths to import and the
    rows per list."""
    rng = random.Random(seed)
    counts = {n: max(1, round(rows * share)) for n, share in SPREAD.items()}
    counts[1] += rows - sum(counts.values())  # exactly `rows` in all
    n6, n7, n8, n9, n10 = (counts[n] for n in (6, 7, 8, 9, 10))
    n7, n8, n10 = min(n7, n6), min(n8, max(n6 - n7, 1)), min(n10, n8)
    counts.update({7: n7, 8: n8, 10: n10})
    pool = max(n6 + n9, int(rows * 0.45))
    children = _Children(pool, n9, rng)
    path = folder / "annex_a_synthetic.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    for number in range(1, 12):
        ws = wb.add_worksheet(f"List_{number}")
        ws.write_string(0, 0, f"List {number}: {TITLES[number]}")
        ws.write_row(1, 0, HEADERS[number])
        for r, values in enumerate(_rows(number, counts[number], children, (n7, n8), rng), start=2):
            for c, v in enumerate(values):
                if isinstance(v, datetime):
                    ws.write_datetime(r, c, v, date_format)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return [path], {f"List_{n}": counts[n] for n in range(1, 12)}


def _rows(number: int, n: int, children: _Children, cp_cla: tuple[int, int], rng: random.Random):  # noqa: C901
    """List `number`'s `n` rows. List 6's first children are List 7's (on a CP plan), the next List 8's (in
    care), the first of those List 10's."""
    cp, cla = cp_cla
    pick = lambda: rng.randrange(children.first_leaver)  # noqa: E731 - a child of the event lists
    team = lambda: [rng.choice(TEAMS), rng.choice(WORKERS)]  # noqa: E731
    for k in range(n):
        if number == 1:
            yield [*children.person(pick()), _dt(_in_window(rng)), rng.choice(SOURCES)]
        elif number == 2:
            start = _in_window(rng)
            end = _dt(_after(rng, start, 90)) if rng.random() < 0.6 else None
            yield [
                *children.person(pick()),
                _dt(start),
                end,
                rng.choice(["Early Help Hub", "School", "Family Hub"]),
            ]
        elif number == 3:
            nfa = rng.choice(YES_NO)
            yield [
                *children.person(pick()),
                _dt(_in_window(rng)),
                rng.choice(SOURCES),
                nfa,
                rng.randrange(4),
                *team(),
            ]
        elif number == 4:
            start = _in_window(rng)
            done = rng.random() < 0.8
            i = pick()
            yield [
                *children.person(i),
                children.disability(i),
                _dt(start),
                rng.choice(["a) Yes", "a) Yes", "b) No"]),
                _dt(_after(rng, start, 45)) if done else None,
                rng.choice(YES_NO) if done else None,
                *team(),
            ]
        elif number == 5:
            start = _in_window(rng)
            needed = rng.random() < 0.4
            icpc = _dt(_after(rng, start, 15)) if needed else None
            i = pick()
            yield [
                *children.person(i),
                children.disability(i),
                _dt(start),
                "b) No" if needed else "a) Yes",
                icpc,
                rng.choice(YES_NO) if needed else None,
                rng.randrange(3),
                rng.randrange(2),
                *team(),
            ]
        elif number == 6:
            start = WINDOW_START - timedelta(days=rng.randrange(900))
            closed = rng.random() < 0.25
            status = (
                "e) Closed episode" if closed else rng.choice(["c) Child in need plan", "d) Open assessment"])
            )
            if k < cp:
                status = "b) Child Protection plan"
            elif k < cp + cla:
                status = "a) Looked after child"
            yield [
                *children.person(k),
                children.disability(k),
                _dt(start),
                rng.choice(NEEDS),
                _dt(_in_window(rng)),
                _dt(_after(rng, max(start, WINDOW_START), 120)) if closed else None,
                "RC7 - Services ceased for any other reason, including child no longer in need"
                if closed
                else None,
                status,
                *team(),
            ]
        elif number == 7:
            start = WINDOW_START - timedelta(days=rng.randrange(300))
            ended = _dt(_after(rng, max(start, WINDOW_START), 120)) if rng.random() < 0.2 else None
            yield [
                *children.person(k),
                children.disability(k),
                _dt(start),
                rng.choice(ABUSE),
                rng.choice(ABUSE),
                _dt(_in_window(rng)),
                rng.choice(YES_NO),
                _dt(_in_window(rng)),
                ended,
                "b) No",
                rng.randrange(2),
                *team(),
            ]
        elif number == 8:
            i = cp + k
            start = date(2018, 1, 1) + timedelta(days=rng.randrange(2000))
            ls_start = start + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.5 else start
            pl_start = start + timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.6 else start
            ceased = rng.random() < 0.15
            end = max(_in_window(rng), ls_start, pl_start) + timedelta(days=1) if ceased else None
            place, provider = rng.choice(PLACEMENTS)
            yield [
                *children.person(i),
                "b) No",
                children.disability(i),
                _dt(start),
                rng.choice(NEEDS[:1] * 3 + NEEDS[1:]),
                _dt(ls_start),
                rng.choice(LEGAL),
                _dt(_in_window(rng)),
                _dt(_in_window(rng)),
                _dt(_in_window(rng) - timedelta(days=120)),
                _dt(_in_window(rng) - timedelta(days=60)),
                _dt(end) if end else None,
                rng.choice(CEASED) if ceased else None,
                _dt(pl_start),
                place,
                provider,
                f"AB{rng.randrange(1, 99)} {rng.randrange(10)}CD",
                rng.choice(["a) In", "a) In", "b) Out"]),
                *team(),
            ]
        elif number == 9:
            i = children.first_leaver + k
            yield [
                *children.person(i),
                "b) No",
                children.disability(i),
                "Care Leavers Team",
                rng.choice(WORKERS),
                rng.choice(WORKERS),
                rng.choice(["a) Relevant child", "b) Former relevant child", "b) Former relevant child"]),
                _dt(_in_window(rng)),
                rng.choice(["a) Yes", "a) Yes", "a) Yes", "b) No"]),
                _dt(_in_window(rng)),
                rng.choice(ACCOMMODATION),
                rng.choice(["a) Suitable", "a) Suitable", "b) Unsuitable"]),
                rng.choice(ACTIVITY),
            ]
        elif number == 10:
            i = cp + k
            entered = date(2019, 1, 1) + timedelta(days=rng.randrange(1500))
            steps = [entered + timedelta(days=30 * s + rng.randrange(20)) for s in range(1, 6)]
            adopted = _dt(steps[4]) if steps[4] < INSPECTION else None
            yield [
                children.details[i][0],
                f"F{k + 1:05d}",
                children.details[i][1],
                children.details[i][2],
                _dt(children.details[i][3]),
                (INSPECTION - children.details[i][3]).days // 365,
                children.disability(i),
                _dt(entered),
                *(_dt(s) for s in steps[:4]),
                adopted,
                None,
                None,
            ]
        else:
            enquiry = _in_window(rng)
            yield [
                f"P{k + 1:06d}",
                f"F{k // 2 + 1:05d}",
                rng.choice(GENDERS[:2]),
                rng.choice(ETHNICITIES),
                "b) No",
                rng.choice(["Yes", "No"]),
                _dt(enquiry),
                _dt(_after(rng, enquiry, 60)),
            ]
