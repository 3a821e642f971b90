"""A synthetic SSDA903 CSV set of a chosen size, for the import benchmark (bench_imports). Fictional children
only, from a seeded random generator, so the same size always gives the same files.

Shaped like a council's return for 2023/24: children with one to six care episodes each (a period of care
starting S, placement changes ending X1 and the next starting P, T or L, sometimes a second period after a
gap), the last episode open or ceased with a REC code; a review about every six months in care; missing or
absent episodes for about one child in twelve; UASC for one in twenty; and a cohort of care leavers with OC3
statuses. About one episode in a hundred is left open although another follows, as real extracts have, so
the import's repairs are part of what is timed.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

YEAR_START, YEAR_END = date(2019, 4, 1), date(2024, 3, 31)
LS = ("C2", "C2", "C2", "C1", "V2", "V2", "E1", "L1", "L2", "J2")
CIN = ("N1", "N1", "N1", "N2", "N4", "N5", "N6", "N8")
PLACE = ("U1", "U3", "U4", "U4", "U5", "U6", "U6", "K2", "R1", "P1", "H5", "S1", "A3", "T0")
PROVIDER = ("PR1", "PR1", "PR1", "PR4", "PR4", "PR2", "PR0")
REC_CEASED = ("E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E4A", "E8", "E9")
PLACE_CHANGE = ("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE")
ETHNIC = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "NOBT")
ACTIV = ("F1", "P1", "F2", "P2", "F3", "G4", "G5", "G6")
ACCOM = ("B", "C", "D", "E", "G", "H", "K", "R", "S", "T", "U", "V", "W", "X", "Y", "Z")
EPISODE_COUNTS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6)

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)


def _dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice('BEGLMNS')}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRS')}"


def generate(directory: Path, size: int, *, seed: int = 903) -> list[Path]:
    """Write a 903 CSV set with exactly `size` care episodes into `directory`; return its files."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    header, episodes, reviews, missing, uasc, oc3 = [], [], [], [], [], []
    n = 0
    while len(episodes) < size:
        n += 1
        child = f"C{n:07d}"
        start = YEAR_START + timedelta(days=rng.randint(0, (YEAR_END - YEAR_START).days - 30))
        dob = start - timedelta(days=rng.randint(0, 17 * 365))
        header.append((child, rng.choice("12"), _dmy(dob), rng.choice(ETHNIC), "", "", ""))
        if rng.random() < 0.05:
            uasc.append((child, "", _dmy(dob), _dmy(dob + timedelta(days=18 * 365))))
        wanted = min(rng.choice(EPISODE_COUNTS), size - len(episodes))
        decom, rne = start, "S"
        ls, cin = rng.choice(LS), rng.choice(CIN)
        first_start, last_end = decom, None
        for k in range(wanted):
            nxt = decom + timedelta(days=rng.randint(20, 400))
            last = k == wanted - 1 or nxt >= YEAR_END
            place, provider = rng.choice(PLACE), rng.choice(PROVIDER)
            if not last:
                gap = rng.random() < 0.05  # care ends and a later period begins
                dec = nxt - timedelta(days=rng.randint(30, 90)) if gap else nxt
                if dec <= decom:
                    dec, gap = nxt, False
                rec = rng.choice(REC_CEASED) if gap else "X1"
                change = "" if gap else rng.choice(PLACE_CHANGE)
                shown_dec = "" if not gap and rng.random() < 0.01 else _dmy(dec)  # left open: repaired
            else:
                ends = rng.random() < 0.4
                dec = min(decom + timedelta(days=rng.randint(1, 300)), YEAR_END) if ends else None
                if dec is not None and dec <= decom:
                    dec = None
                rec, change, shown_dec = (rng.choice(REC_CEASED) if dec else ""), "", _dmy(dec)
            episodes.append(
                (
                    child,
                    _dmy(decom),
                    rne,
                    ls,
                    cin,
                    place,
                    provider,
                    shown_dec,
                    rec,
                    change,
                    "",
                    _postcode(rng),
                    "",
                )
            )
            last_end = dec
            if last:
                break
            rne = "S" if rec != "X1" else rng.choice("PPPTL")
            decom = nxt
        in_care_until = last_end or YEAR_END
        review = first_start + timedelta(days=20)
        seen: set[date] = set()
        while review < in_care_until and len(seen) < 6:
            seen.add(review)
            reviews.append((child, _dmy(dob), _dmy(review), f"PN{rng.randint(0, 7)}"))
            review += timedelta(days=rng.randint(120, 200))
        if rng.random() < 0.08:
            starts: set[date] = set()
            for _ in range(rng.randint(1, 3)):
                span = max((in_care_until - first_start).days, 1)
                s = first_start + timedelta(days=rng.randint(0, span - 1))
                if s in starts:
                    continue
                starts.add(s)
                end = s + timedelta(days=rng.randint(0, 5))
                missing.append((child, _dmy(dob), rng.choice("MMMMA"), _dmy(s), _dmy(end)))
    # Care leavers: young people aged 17 to 21, no longer looked after, with their OC3 status.
    for _ in range(max(size // 20, 1)):
        n += 1
        child = f"C{n:07d}"
        dob = date(2002, 4, 1) + timedelta(days=rng.randint(0, 4 * 365))
        header.append((child, rng.choice("12"), _dmy(dob), rng.choice(ETHNIC), "", "", ""))
        in_touch = rng.choice(("YES", "YES", "YES", "NO", "REFU"))
        activity = rng.choice(ACTIV) if in_touch == "YES" else "0"
        accom = f"{rng.choice(ACCOM)}{rng.choice('112')}" if in_touch == "YES" else "0"
        oc3.append((child, _dmy(dob), in_touch, activity, accom))
    tables = {
        "header.csv": (HEADER, header),
        "episodes.csv": (EPISODES, episodes),
        "reviews.csv": (("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), reviews),
        "missing.csv": (("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), missing),
        "uasc.csv": (("CHILD", "SEX", "DOB", "DUC"), uasc),
        "oc3.csv": (("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), oc3),
    }
    paths = []
    for name, (columns, rows) in tables.items():
        path = directory / name
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        paths.append(path)
    return paths
