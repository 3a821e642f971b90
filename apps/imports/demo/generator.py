"""The demo council: a simulation of child journeys through a fictional London-like borough's children's
social care, streamed into a CSV bundle.

Each child is simulated from first contact (or, for children already in care before the window, from entry
into care) to the horizon, stage by stage: contact -> referral -> assessment / strategy discussion -> S47 ->
ICPC -> CIN or CP plan -> proceedings -> care -> leaving care, with the team holding the case following the
journey. A child's rows are buffered while their journey is simulated and written once it is done, so memory
holds one child at a time. Children whose whole journey lies before the window are simulated (so those in the
window have a realistic history) and then dropped.

Everything comes from one random.Random(seed), consumed in a fixed order, so a seed and the same arguments
give a byte-identical bundle. No record is dated after the horizon (the day before today, like a nightly
extract) except expected dates of birth; anything that would end later is left open.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable
from datetime import date

from . import names
from .calendar import WorkCalendar
from .profiles import SERVICES, Profile

WARMUP_MONTHS = 24  # front-door history simulated before the window (re-referrals, plans open at the start)
LEGACY_YEARS = 26  # children entering care this long before the window can still be care leavers in it
WORKER = "?"  # placeholder for a worker resolved from the child's allocations when the child is written

# Booklet-council rates per year, scaled by Profile.scale.
FIRST_CONTACT_CHILDREN = 11_000
UASC_ARRIVALS = 34
LEGACY_CARE_ENTRIES = 155
FAMILIES_ATTACHED = 2_200


def add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1)


def plus(d: date, n: int) -> date:
    return date.fromordinal(d.toordinal() + n)


class Pick:
    """A weighted choice: Pick({"a": 3, "b": 1})(rng)."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cum = []
        acc = 0.0
        for w in weights.values():
            acc += w
            self.cum.append(acc)
        self.total = acc

    def __call__(self, rng: random.Random):
        return self.values[bisect_right(self.cum, rng.random() * self.total)]


# --- mixes (catalogue figures where it gives them) -------------------------------------------------------

ETHNICITY = Pick(
    {
        "WBRI": 30,
        "WIRI": 1,
        "WIRT": 0.5,
        "WOTH": 10,
        "WROM": 1,
        "MWBC": 5,
        "MWBA": 2,
        "MWAS": 2,
        "MOTH": 5,
        "AIND": 4,
        "APKN": 3,
        "ABAN": 4,
        "AOTH": 4,
        "BCRB": 7,
        "BAFR": 11,
        "BOTH": 3,
        "CHNE": 0.5,
        "OOTH": 4,
        "REFU": 1,
        "NOBT": 2,
        "": 1,
    }
)
UASC_ETHNICITY = Pick({"AOTH": 30, "BAFR": 35, "OOTH": 20, "WOTH": 6, "BOTH": 4, "AIND": 2, "NOBT": 3})
FAMILY_ETHNICITY = Pick(
    {
        "WBRI": 65,
        "WOTH": 14,
        "WIRI": 2,
        "BCRB": 4,
        "BAFR": 5,
        "MWBC": 3,
        "AIND": 2,
        "APKN": 1,
        "ABAN": 2,
        "OOTH": 2,
    }
)
AGE_AT_FIRST_CONTACT = Pick(
    {
        -1: 2.5,
        0: 6,
        1: 5.5,
        2: 5.5,
        3: 5,
        4: 5,
        5: 5,
        6: 5,
        7: 5,
        8: 5,
        9: 5,
        10: 5.5,
        11: 5.5,
        12: 5.5,
        13: 5.5,
        14: 5,
        15: 5,
        16: 7,
        17: 6.5,
    }
)
CONTACT_SOURCE = Pick(
    {
        "6": 33,
        "7": 1,
        "2A": 17,
        "2B": 2,
        "3A": 3,
        "3B": 3,
        "3C": 1,
        "3D": 2,
        "3E": 4,
        "3F": 4,
        "4": 3,
        "5A": 4,
        "5B": 2,
        "5C": 2,
        "5D": 1,
        "1A": 6,
        "1B": 1,
        "1C": 1,
        "1D": 2,
        "8": 3,
        "9": 1,
        "10": 1,
    }
)
REFERRAL_SOURCE = Pick(
    {
        "6": 29,
        "7": 1,
        "2A": 20,
        "2B": 2.5,
        "3A": 3,
        "3B": 3,
        "3C": 1,
        "3D": 2,
        "3E": 4,
        "3F": 4,
        "4": 2,
        "5A": 5,
        "5B": 2.5,
        "5C": 2,
        "5D": 1,
        "1A": 9,
        "1B": 1.5,
        "1C": 1.5,
        "1D": 2,
        "8": 3,
        "9": 1,
        "10": 1,
    }
)
CONTACT_OTHER_OUTCOME = Pick({"early_help": 9.3, "information": 19.6, "nfa": 41.9, "signposting": 0.6})
RAG_CSC = Pick({"RED": 30, "AMBER": 50, "GREEN": 18, "BLUE": 2})
RAG_OTHER = Pick({"RED": 2, "AMBER": 18, "GREEN": 50, "BLUE": 30})
RAG_ORDER = ("BLUE", "GREEN", "AMBER", "RED")
PRIMARY_NEED = Pick(
    {"N1": 55, "N2": 5, "N3": 4, "N4": 10, "N5": 12, "N6": 4, "N7": 0.5, "N8": 2, "N9": 6, "N0": 1.5}
)
ASSESSMENT_OUTCOME = Pick(
    {
        "nfa": 60,
        "cin_plan": 13,
        "continue_cin_cp_cla": 5,
        "early_help": 11.5,
        "other_agency": 2,
        "legal_action": 0.5,
        "strategy_discussion": 3,
    }
)
S47_OUTCOME = Pick({"assessment": 45, "icpc": 43, "legal_action": 4, "continue_cin_cp_cla": 6, "nfa": 2})
CP_CATEGORY = Pick({"NEG": 45, "EMO": 33, "PHY": 11, "SAB": 4, "MUL": 7})
EH_ORGANISATION = Pick(
    {
        "Children's centre": 30,
        "Family support service": 30,
        "School": 20,
        "Youth service": 10,
        "Health visiting": 10,
    }
)
PARTICIPATION_CONF = Pick({"PN1": 3, "PN2": 1, "PN3": 1, "PN4": 1, "PN5": 25, "PN6": 56, "PN7": 13})
PARTICIPATION_REVIEW = Pick({"PN1": 45, "PN2": 10, "PN3": 6, "PN4": 4, "PN5": 10, "PN6": 20, "PN7": 5})
CARE_NEED = Pick({"N1": 62, "N2": 3, "N3": 3, "N4": 9, "N5": 12, "N6": 4, "N7": 0.5, "N8": 6.5})
AGE_OUT_REC = Pick({"E17": 15, "E5": 45, "E6": 10, "E8": 15, "E4A": 7, "E7": 3, "E13": 5})
UASC_AGE_OUT_REC = Pick({"E17": 10, "E5": 50, "E6": 15, "E8": 25})
SGO_REC = Pick({"E45": 30, "E46": 45, "E47": 10, "E48": 15})
RPC_OLD = Pick(
    {
        "CARPL": 30,
        "CLOSE": 3,
        "ALLEG": 3,
        "STAND": 4,
        "APPRR": 1,
        "CREQB": 20,
        "CREQO": 12,
        "CHILD": 10,
        "LAREQ": 10,
        "PLACE": 3,
        "CUSTOD": 1,
        "OTHER": 3,
    }
)
RPC_NEW = Pick(
    {
        "CARPL": 28,
        "ALLEG": 3,
        "CHILD": 8,
        "LAREQ": 8,
        "ABSENC": 3,
        "CHCHAN": 15,
        "PCCHAN": 15,
        "FCONTA": 3,
        "LEFTRL": 3,
        "MANAGE": 6,
        "OTHERS": 6,
        "TSPROC": 2,
    }
)
CARE_ENTRY_AGE = Pick(
    {
        0: 18,
        1: 4,
        2: 4,
        3: 3,
        4: 3,
        5: 3,
        6: 3,
        7: 3,
        8: 3,
        9: 3,
        10: 4,
        11: 5,
        12: 6,
        13: 8,
        14: 9,
        15: 9,
        16: 7,
        17: 3,
    }
)
IN_TOUCH = Pick({"YES": 86, "NO": 6, "REFU": 3, "RHOM": 4, "DIED": 0.2})
ACTIVITY = Pick(
    {
        "F1": 9,
        "P1": 3,
        "F2": 19,
        "P2": 7,
        "F4": 5,
        "P4": 3,
        "F5": 5,
        "P5": 3,
        "G4": 8,
        "G5": 28,
        "G6": 7,
        "0": 3,
    }
)
# The shares of episodes whose legal status is left blank: (open current episodes, the others). The booklet
# has 1 of 336 children in care.
LEGAL_STATUS_NOT_RECORDED = (0.01, 0.002)
# The OC3 code year in which training or employment (F3/P3) split into F4/P4 and F5/P5: a status dated
# before it is recorded with the older codes, as a real history spanning the change is.
ACTIVITY_SPLIT = date(2019, 4, 1)
OLD_ACTIVITY = {"F4": "F3", "F5": "F3", "P4": "P3", "P5": "P3"}
OLD_ACTIVITY_CODES = 0.1
ACCOMMODATION = Pick(
    {
        "U": 41,
        "V": 14,
        "Z": 8,
        "D": 6,
        "B": 5,
        "E": 4,
        "T": 3,
        "C": 2,
        "K": 3,
        "S": 1,
        "W": 1,
        "Y": 4,
        "R": 1,
        "G": 0.5,
    }
)
UNSUITABLE = {"S", "W", "X", "R", "G"}
MISSING_DAYS_CARE = Pick({0: 30, 1: 35, 2: 20, 3: 10, 4: 5})
MISSING_DAYS_HOME = Pick({0: 12, 1: 25, 2: 25, 3: 18, 4: 10, 5: 6, 7: 4})
GRADE = Pick({"inadequate": 14, "requires_improvement": 60, "good": 23, "outstanding": 3})
# Group supervisions per team per month, by service (booklet: last 3 months DAT 7, I&P 24, REACH 15 ...).
GROUP_SUPERVISIONS = {
    "SVC-MASH": 0.3,
    "SVC-DA": 0.6,
    "SVC-IP": 2.0,
    "SVC-CIC": 0.25,
    "SVC-D25": 0.5,
    "SVC-OU": 0.25,
    "SVC-REACH": 5.0,
}
SEASON = (1.0, 0.97, 1.05, 0.92, 1.0, 1.05, 1.05, 0.72, 1.0, 1.1, 1.1, 0.92)
POSTCODES_IN = ("N15", "N17", "N22", "N8", "N4", "N10", "N11", "N13")
POSTCODES_OUT = (
    "E17",
    "EN1",
    "EN3",
    "E4",
    "SE18",
    "CR0",
    "RM8",
    "IG1",
    "ME7",
    "TN34",
    "CT9",
    "SS1",
    "LU1",
    "MK9",
    "B12",
    "NN1",
    "CB1",
    "BN1",
    "HP13",
    "SG1",
    "PE1",
    "NR1",
    "CM1",
    "DA1",
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
EMERGENCY_STATUS = ("L1", "L2")


class Kid:
    """A child being simulated: characteristics, their buffered rows and the case's holding teams."""

    __slots__ = (
        "id",
        "sex",
        "dob",
        "edob",
        "eth",
        "disabled",
        "uasc",
        "given",
        "family",
        "rows",
        "holds",
        "last",
        "open",
        "teams",
        "needs",
        "missing_prone",
        "had_cp",
        "unstable",
        "row",
    )

    def __init__(self, cid: str):
        self.id = cid
        self.rows: list[tuple[str, dict]] = []
        self.holds: list[list] = []  # [team, start, end | None]
        self.last = date.min
        self.open = False
        self.teams: dict[str, str] = {}
        self.needs: list[tuple[dict, str, date]] = []  # (row, worker column, date) to resolve at flush
        self.uasc = False
        self.disabled = False
        self.had_cp = False


class DemoCouncil:
    def __init__(
        self,
        *,
        profile: Profile,
        seed: int,
        start: date,
        horizon: date,
        writer,
        progress: Callable[[str], None] | None = None,
    ):
        self.p = profile
        self.scale = profile.scale
        self.rng = random.Random(seed)
        self.S = start
        self.S0 = add_months(start, -WARMUP_MONTHS)
        self.H = horizon
        self.detail_from = plus(self.S0, -365)
        self.writer = writer
        self.progress = progress or (lambda msg: None)
        self.wd = WorkCalendar(date(self.S.year - LEGACY_YEARS - 1, 1, 1), plus(horizon, 3 * 366))
        self.counters: dict[str, int] = {}
        self.teams: dict[str, list[str]] = {}
        self.team_service: dict[str, str] = {}
        self.month0 = self.S0.year * 12 + self.S0.month - 1
        self.team_workers: dict[str, list[list[str]]] = {}  # team -> per month from S0: worker IDs
        self.stats = {"children_simulated": 0, "children_written": 0}
        self.adopted: set[str] = set()  # children with an adoptions.csv row (one journey per child)

    # --- plumbing -----------------------------------------------------------------------------------------

    def nid(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n:07d}"

    def out(self, k: Kid, name: str, row: dict, last: date | None) -> dict:
        """Buffer a row of the child; `last` is its latest date (None: open at the horizon)."""
        k.rows.append((name, row))
        if last is None:
            k.open = True
        elif last > k.last:
            k.last = last
        return row

    def need_worker(self, k: Kid, row: dict, column: str, d: date) -> None:
        row[column] = WORKER
        k.needs.append((row, column, d))

    def team(self, k: Kid, service: str) -> str:
        t = k.teams.get(service)
        if t is None:
            t = k.teams[service] = self.rng.choice(self.teams[service])
        return t

    def hold(self, k: Kid, team: str, d: date) -> None:
        """The case is held by `team` from d (the previous holding ends on d)."""
        if d > self.H:
            return
        if k.holds and k.holds[-1][2] is None:
            last = k.holds[-1]
            if last[0] == team:
                return
            if d <= last[1]:
                last[0] = team
                return
            last[2] = d
        k.holds.append([team, d, None])

    def release(self, k: Kid, d: date) -> None:
        if d > self.H or not k.holds or k.holds[-1][2] is not None:
            return
        k.holds[-1][2] = max(d, k.holds[-1][1])

    def age(self, k: Kid, d: date) -> int:
        """Whole years at d; -1 when unborn at d."""
        dob = k.dob
        if dob is None or d < dob:
            return -1
        return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))

    def wd_add(self, d: date, n: int) -> date:
        return self.wd.add(d, n)

    # --- the run ------------------------------------------------------------------------------------------

    def run(self) -> dict:
        self.org()
        self.population()
        self.progress("org, workforce and population written")
        self.legacy_care()
        self.progress(f"children already in care before the window: {self.stats['children_written']} written")
        self.front_door()
        self.progress(f"front door simulated: {self.stats['children_written']} children written")
        self.group_supervisions()
        self.families()
        self.entered_measures()
        return self.stats

    # --- organisation, workforce, population ---------------------------------------------------------------

    def org(self) -> None:
        rng = self.rng
        w = self.writer
        for svc, n in self.p.teams.items():
            svc_name, prefix, label = SERVICES[svc]
            codes = []
            for i in range(1, n + 1):
                code = f"{prefix}{i}"
                name = f"{label} {i}" if n > 1 or prefix not in ("MASH",) else label
                w.write(
                    "teams",
                    {"team_code": code, "team_name": name, "service_code": svc, "service_name": svc_name},
                )
                codes.append(code)
                self.team_service[code] = svc
            self.teams[svc] = codes
        months = (self.H.year * 12 + self.H.month - 1) - self.month0 + 1
        state_pick = Pick({"permanent": 2.5, "agency": 2.8, "vacant": 1.6})
        mean_days = {"permanent": 900, "agency": 300, "vacant": 75}
        min_days = {"permanent": 90, "agency": 30, "vacant": 14}
        for codes in self.teams.values():
            for code in codes:
                per_month: list[list[str]] = [[] for _ in range(months)]
                extra = sum(rng.random() < 0.2 for _ in range(self.p.workers_per_team))
                for s in range(self.p.workers_per_team + extra):
                    # posts over establishment: filled while someone is in them, gone when they leave
                    unfunded = s >= self.p.workers_per_team
                    t = plus(self.S0, -rng.randint(0, 6 * 365))
                    fte = 1 if rng.random() < 0.85 else rng.choice((0.5, 0.6, 0.8))
                    while t <= self.H:
                        state = (
                            ("agency" if rng.random() < 0.7 else "permanent") if unfunded else state_pick(rng)
                        )
                        dur = min_days[state] + int(rng.expovariate(1 / mean_days[state]))
                        end = plus(t, dur)
                        if unfunded and rng.random() < 0.3:
                            t = plus(end, rng.randint(30, 300))  # no post between occupants
                            continue
                        if end < self.detail_from:
                            t = end
                            continue
                        end_out = end if end <= self.H else None
                        w.write(
                            "posts",
                            {
                                "post_id": self.nid("PO"),
                                "team_code": code,
                                "funded": not unfunded,
                                "status": state,
                                "fte": fte,
                                "start_date": t,
                                "end_date": end_out,
                            },
                        )
                        if state != "vacant":
                            wid = self.nid("W")
                            given = rng.choice(names.GIVEN_FEMALE if rng.random() < 0.8 else names.GIVEN_MALE)
                            w.write(
                                "workers",
                                {
                                    "worker_id": wid,
                                    "name": f"{given} {rng.choice(names.FAMILY)}",
                                    "team_code": code,
                                    "fte": fte,
                                    "employment": state,
                                    "start_date": t,
                                    "end_date": end_out,
                                },
                            )
                            # a worker takes cases in the months they are in post throughout
                            m1 = t.year * 12 + t.month - self.month0 + (0 if t.day == 1 else 1) - 1
                            m2 = end.year * 12 + end.month - 1 - self.month0 - 1
                            for m in range(max(0, m1), min(months - 1, m2) + 1):
                                per_month[m].append(wid)
                        t = end
                self.team_workers[code] = per_month

    def worker_at(self, team: str, d: date) -> str | None:
        m = d.year * 12 + d.month - 1 - self.month0
        months = self.team_workers.get(team)
        if not months or m < 0:
            return None
        candidates = months[min(m, len(months) - 1)]
        return self.rng.choice(candidates) if candidates else None

    def population(self) -> None:
        fy_first = self.S0.year - (1 if self.S0.month < 4 else 0)
        fy_last = self.H.year - (1 if self.H.month < 4 else 0)
        for fy in range(fy_first, fy_last + 1):
            growth = 1 + 0.004 * (fy - fy_last)
            self.writer.write("population", {"year": fy, "age_0_17": round(self.p.population * growth)})

    # --- children -----------------------------------------------------------------------------------------

    def new_child(self, d: date, age: int, *, uasc: bool = False) -> Kid:
        """A child first known on d, aged `age` there (-1: unborn)."""
        rng = self.rng
        k = Kid(self.nid("C"))
        self.stats["children_simulated"] += 1
        k.edob = None
        if age < 0:
            k.edob = plus(d, rng.randint(20, 160))
            born = plus(k.edob, rng.randint(-14, 10))
            k.dob = born if born <= self.H else None
        else:
            k.dob = plus(d, -(age * 365 + rng.randint(0, 364)))
        if uasc:
            k.sex = "M" if rng.random() < 0.93 else "F"
            k.eth = UASC_ETHNICITY(rng)
            k.given = rng.choice(names.UASC_GIVEN) if k.sex == "M" else rng.choice(names.GIVEN_FEMALE)
            k.family = rng.choice(names.UASC_FAMILY)
        else:
            k.sex = ("M" if rng.random() < 0.51 else "F") if k.dob is not None else "U"
            k.eth = ETHNICITY(rng)
            k.given = rng.choice(names.GIVEN_MALE if k.sex == "M" else names.GIVEN_FEMALE)
            k.family = rng.choice(names.FAMILY)
        k.uasc = uasc
        k.disabled = rng.random() < 0.07
        k.missing_prone = rng.random() < 0.3
        k.unstable = rng.random() < 0.06
        return k

    def flush(self, k: Kid) -> None:
        if not k.open and k.last < self.S:
            return
        rng = self.rng
        w = self.writer
        self.stats["children_written"] += 1
        uasc_ceased = None
        if k.uasc and k.dob is not None:
            b18 = birthday(k.dob, 18)
            uasc_ceased = b18 if b18 <= self.H else None
        w.write(
            "children",
            {
                "child_id": k.id,
                "given_name": k.given if k.dob is not None or rng.random() < 0.3 else "",
                "family_name": k.family,
                "sex": k.sex,
                "date_of_birth": k.dob,
                "expected_date_of_birth": k.edob,
                "ethnicity": k.eth,
                "disability": k.disabled if rng.random() < 0.9 else None,
                "uasc": k.uasc,
                "uasc_ceased_date": uasc_ceased,
            },
        )
        allocations = self.allocations(k)
        starts = [a[1] for a in allocations]
        for row, column, d in k.needs:
            i = bisect_right(starts, d) - 1
            worker = None
            if i >= 0:
                a = allocations[i]
                if a[2] is None or d <= a[2]:
                    worker = a[3]
            row[column] = worker
        for name, row in k.rows:
            w.write(name, row)

    def allocations(self, k: Kid) -> list[tuple]:
        """Write the child's allocations (a new worker every 4-18 months), case supervisions and audits."""
        rng = self.rng
        w = self.writer
        H = self.H
        result = []
        for team, start, end in k.holds:
            # case supervision every 4-8 weeks (sometimes late) and audits, over the team's holding
            stop = end if end is not None else H
            d = plus(start, rng.randint(5, 40))
            while d <= stop and d <= H:
                if d >= self.detail_from:
                    w.write(
                        "supervisions",
                        {
                            "supervision_id": self.nid("SU"),
                            "child_id": k.id,
                            "team_code": team,
                            "held_date": d,
                            "kind": "case",
                        },
                    )
                d = plus(d, rng.randint(28, 56) if rng.random() < 0.88 else rng.randint(57, 110))
            months = (stop - start).days // 30
            for _ in range(months):
                u = rng.random()
                if u < 0.03:
                    d = plus(start, rng.randint(0, max(0, (stop - start).days)))
                    if self.S0 <= d <= H:
                        regular = u < 0.008
                        w.write(
                            "audits",
                            {
                                "audit_id": self.nid("AU"),
                                "child_id": k.id,
                                "team_code": team,
                                "completed_date": d,
                                "kind": "regular" if regular else "thematic",
                                "grade": GRADE(rng),
                                "oversight_grade": GRADE(rng) if regular else "",
                            },
                        )
            t = start
            while True:
                seg_end = plus(t, rng.randint(120, 540))
                worker = self.worker_at(team, t) if t >= self.S0 else None
                if end is not None and seg_end >= end:
                    result.append((team, t, end, worker))
                    break
                if seg_end > H:
                    result.append((team, t, None, worker))
                    break
                result.append((team, t, seg_end, worker))
                t = seg_end
        for team, s, e, worker in result:
            w.write(
                "allocations",
                {
                    "allocation_id": self.nid("AL"),
                    "child_id": k.id,
                    "team_code": team,
                    "worker_id": worker,
                    "start_date": s,
                    "end_date": e,
                },
            )
        return result

    # --- front door ---------------------------------------------------------------------------------------

    def daily_count(self, rate_per_year: float, d: date) -> int:
        lam = rate_per_year / 365.25 * SEASON[d.month - 1] * (1.22 if d.weekday() < 5 else 0.45)
        if lam < 30:
            # Poisson by inversion: exact and cheap for small rates
            n, p = 0, math.exp(-lam)
            cum, u = p, self.rng.random()
            while u > cum:
                n += 1
                p *= lam / n
                cum += p
            return n
        return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))

    def front_door(self) -> None:
        rate = FIRST_CONTACT_CHILDREN * self.scale
        uasc_rate = UASC_ARRIVALS * self.scale
        d = self.S0
        month = None
        while d <= self.H:
            if d.month != month:
                month = d.month
                if d.month == 1 or d == self.S0:
                    self.progress(
                        f"simulating {d.isoformat()[:7]}: {self.stats['children_written']} children written"
                    )
            for _ in range(self.daily_count(rate, d)):
                k = self.new_child(d, AGE_AT_FIRST_CONTACT(self.rng))
                self.contact_chain(k, d)
                self.flush(k)
            for _ in range(self.daily_count(uasc_rate, d)):
                age = Pick({17: 35, 16: 40, 15: 15, 14: 6, 13: 4})(self.rng)
                k = self.new_child(d, age, uasc=True)
                self.uasc_arrival(k, d)
                self.flush(k)
            d = plus(d, 1)

    def contact_chain(self, k: Kid, t: date) -> None:
        rng = self.rng
        last_close = None
        last_contact = None
        while t <= self.H:
            if self.age(k, t) >= 18:
                return
            p = 0.20
            if last_close is not None and (t - last_close).days <= 365:
                p = 0.55
            elif last_contact is not None and (t - last_contact).days <= 90:
                p = 0.30
            last_contact = t
            outcome, decided, contact_id, source, rag = self.contact(k, t, p)
            if decided is None:
                return
            if outcome == "csc_referral":
                close = self.referral(k, decided, contact_id, source, rag)
                if close is None:
                    return
                last_close = close
                if rng.random() >= 0.56:
                    return
                t = plus(close, 7 + int(rng.expovariate(1 / 170)))
            else:
                if outcome == "early_help":
                    self.early_help(k, decided)
                if rng.random() >= 0.3:
                    return
                t = plus(decided, 3 + int(rng.expovariate(1 / 120)))

    def contact(self, k: Kid, d: date, p_csc: float):
        rng = self.rng
        if d.weekday() >= 5 and rng.random() < 0.5:
            d = plus(d, 7 - d.weekday())
            if d > self.H:
                return None, None, None, None, None
        csc = rng.random() < p_csc
        outcome = "csc_referral" if csc else CONTACT_OTHER_OUTCOME(rng)
        source = CONTACT_SOURCE(rng) if rng.random() < 0.97 else ""
        hour = rng.randint(8, 18) if rng.random() < 0.9 else rng.randint(19, 23)
        minute = rng.randint(0, 59)
        received = f"{d.isoformat()}T{hour:02d}:{minute:02d}:00"
        u = rng.random()
        delay = (
            rng.randint(20, 1430)
            if u < 0.85
            else rng.randint(1450, 5760)
            if u < 0.96
            else rng.randint(5760, 14400)
        )
        total = hour * 60 + minute + delay
        day_off, rem = divmod(total, 1440)
        if rem < 7 * 60:
            rem += 7 * 60
        decided = plus(d, day_off)
        initial = (RAG_CSC if csc else RAG_OTHER)(rng)
        final = initial
        if rng.random() < 0.25:
            i = RAG_ORDER.index(initial) + (1 if csc or rng.random() < 0.4 else -1)
            final = RAG_ORDER[max(0, min(3, i))]
        row = {
            "contact_id": self.nid("CT"),
            "child_id": k.id,
            "received_at": received,
            "source": source,
            "initial_rag": initial,
            "team_code": self.teams["SVC-MASH"][0]
            if len(self.teams["SVC-MASH"]) == 1
            else self.team(k, "SVC-MASH"),
        }
        if decided > self.H:
            self.out(k, "contacts", row, None)
            return outcome, None, row["contact_id"], source, initial
        row.update(
            final_rag=final,
            outcome=outcome,
            decided_at=f"{decided.isoformat()}T{rem // 60:02d}:{rem % 60:02d}:00",
        )
        self.out(k, "contacts", row, decided)
        return outcome, decided, row["contact_id"], source, final

    def early_help(self, k: Kid, d: date) -> None:
        rng = self.rng
        s = plus(d, rng.randint(2, 30))
        if s > self.H:
            return
        c = plus(s, rng.randint(40, 270))
        c = c if c <= self.H else None
        self.out(
            k,
            "early_help",
            {
                "episode_id": self.nid("EH"),
                "child_id": k.id,
                "start_date": s,
                "completion_date": c,
                "organisation": EH_ORGANISATION(rng),
            },
            c,
        )

    # --- referral and what follows ------------------------------------------------------------------------

    def referral(self, k: Kid, r: date, contact_id: str | None, source: str, rag: str) -> date | None:
        """A referral on r and everything that follows it. Returns the closure date (None: open at the horizon,
        or the journey has moved past the front door for good)."""
        rng = self.rng
        da = self.team(k, "SVC-DA")
        self.hold(k, da, r)
        need = "N8" if k.uasc else ("N2" if k.disabled and rng.random() < 0.6 else PRIMARY_NEED(rng))
        if rng.random() < 0.85 and source:
            ref_source = source if rng.random() < 0.7 else REFERRAL_SOURCE(rng)
        else:
            ref_source = REFERRAL_SOURCE(rng)
        rid = self.nid("RF")
        row = {
            "referral_id": rid,
            "child_id": k.id,
            "contact_id": contact_id,
            "referral_date": r,
            "source": ref_source,
            "primary_need": need,
            "nfa": False,
            "team_code": da,
        }
        self.need_worker(k, row, "worker_id", r)
        self.out(k, "referrals", row, r)
        if rng.random() < 0.07:
            close, reason = plus(r, rng.randint(0, 3)), "RC8"
            row["nfa"] = True
        else:
            close, reason = self.after_referral(k, rid, r, da, ref_source, rag)
        if close is None or close > self.H:
            k.open = True
            return None
        row["closure_date"], row["closure_reason"] = close, reason
        self.release(k, close)
        if close > k.last:
            k.last = close
        return close

    def after_referral(self, k: Kid, rid: str, r: date, da: str, source: str, rag: str):
        rng = self.rng
        p_s47 = 0.13 + (0.12 if rag == "RED" else 0) + (0.05 if source in ("6", "3E") else 0)
        if k.had_cp:
            p_s47 += 0.35
        a_start = plus(r, Pick({0: 25, 1: 25, 2: 15, 3: 12, 4: 8, 5: 6, 7: 5, 10: 4})(rng))
        if a_start > self.H:
            return None, ""
        if rng.random() < p_s47:
            sd = plus(r, rng.randint(0, 5))
            if sd > self.H:
                return None, ""
            arow, auth = self.assessment(k, rid, a_start, da, "")
            return self.s47_path(k, rid, sd, da, arow, auth)
        outcome = ASSESSMENT_OUTCOME(rng)
        arow, auth = self.assessment(k, rid, a_start, da, outcome)
        if auth is None:
            return None, ""
        return self.after_assessment(k, rid, auth, outcome, da)

    def assessment(self, k: Kid, rid: str, start: date, team: str, outcome: str, *, quick: bool = False):
        if start > self.H:
            return None, None
        rng = self.rng
        u = rng.random()
        if quick:
            n = rng.randint(5, 30)
        elif u < 0.37:
            n = rng.randint(4, 25)
        elif u < 0.695:
            n = rng.randint(26, 40)
        elif u < 0.775:
            n = rng.randint(41, 45)
        else:
            n = rng.randint(46, 75)
        auth = self.wd_add(start, n)
        row = {
            "assessment_id": self.nid("AS"),
            "child_id": k.id,
            "referral_id": rid,
            "start_date": start,
            "team_code": team,
        }
        self.need_worker(k, row, "worker_id", start)
        if self.age(k, start) >= 0 and rng.random() < 0.96:
            seen = plus(start, rng.randint(0, min(15, (auth - start).days)))
            if seen <= self.H:
                row["child_seen"], row["child_seen_date"] = True, seen
        elif auth <= self.H:
            row["child_seen"] = False
        if auth > self.H:
            self.out(k, "assessments", row, None)
            return row, None
        row["authorised_date"] = auth
        row["outcome"] = outcome
        self.out(k, "assessments", row, auth)
        return row, auth

    def after_assessment(self, k: Kid, rid: str, auth: date, outcome: str, da: str):
        rng = self.rng
        if outcome == "nfa":
            return auth, "RC8"
        if outcome == "other_agency":
            return auth, "RC7"
        if outcome == "early_help":
            self.early_help(k, auth)
            return auth, "RC9"
        if outcome in ("cin_plan", "continue_cin_cp_cla"):
            return self.cin_plan(k, rid, auth)
        if outcome == "legal_action":
            return self.legal(k, rid, auth, home_plan=None)
        # strategy_discussion
        sd = plus(auth, rng.randint(0, 3))
        if sd > self.H:
            return None, ""
        return self.s47_path(k, rid, sd, da, None, None)

    def s47_path(self, k: Kid, rid: str, sd: date, da: str, arow: dict | None, auth: date | None):
        """A strategy discussion on sd, the S47 it starts and the ICPC or other outcome. `arow` is an assessment
        running alongside whose outcome follows the S47's."""
        rng = self.rng
        under4 = self.age(k, sd) < 4
        disc = {
            "discussion_id": self.nid("SD"),
            "child_id": k.id,
            "referral_id": rid,
            "held_date": sd,
            "completed": rng.random() < 0.97,
        }
        for agency, inv, att in (
            ("social_care", 1.0, 1.0),
            ("police", 0.995, 0.967),
            ("health", 0.84, 0.937),
            ("education", 0.6 if under4 else 0.82, 0.957),
        ):
            invited = rng.random() < inv
            disc[f"invited_{agency}"] = invited
            disc[f"attended_{agency}"] = invited and rng.random() < att
        self.out(k, "strategy_discussions", disc, sd)
        if rng.random() < 0.06:
            # discussion without an S47: continue with the assessment
            if arow is not None:
                outcome = ASSESSMENT_OUTCOME(rng)
                outcome = "nfa" if outcome == "strategy_discussion" else outcome
                if auth is not None:
                    arow["outcome"] = outcome
                    return self.after_assessment(k, rid, auth, outcome, da)
                return None, ""
            return plus(sd, rng.randint(1, 10)), "RC8"
        outcome = S47_OUTCOME(rng)
        s47 = {
            "s47_id": self.nid("SF"),
            "child_id": k.id,
            "referral_id": rid,
            "discussion_id": disc["discussion_id"],
            "start_date": sd,
            "team_code": da,
        }
        self.out(k, "s47_enquiries", s47, sd)
        done = plus(sd, max(1, int(rng.gammavariate(3.0, 6.0))))
        icpc = None
        if outcome == "icpc":
            u = rng.random()
            n = rng.randint(6, 15) if u < 0.58 else rng.randint(16, 25) if u < 0.92 else rng.randint(26, 40)
            icpc = self.wd_add(sd, n)
            done = min(done, icpc)
        if done > self.H:
            k.open = True
            return None, ""
        s47.update(completed_date=done, outcome=outcome, icpc_not_required=outcome != "icpc")
        # the assessment alongside takes the S47's outcome
        a_outcome = {
            "icpc": "continue_cin_cp_cla",
            "legal_action": "legal_action",
            "continue_cin_cp_cla": "continue_cin_cp_cla",
            "nfa": "nfa",
        }.get(outcome)
        if arow is not None and auth is not None:
            if a_outcome is None:
                a_outcome = ASSESSMENT_OUTCOME(rng)
                a_outcome = "cin_plan" if a_outcome == "strategy_discussion" else a_outcome
            arow["outcome"] = a_outcome
        if outcome == "icpc":
            if icpc > self.H:
                k.open = True
                return None, ""
            made = rng.random() < 0.88
            self.out(
                k,
                "conferences",
                {
                    "conference_id": self.nid("CF"),
                    "child_id": k.id,
                    "s47_id": s47["s47_id"],
                    "kind": "initial",
                    "held_date": icpc,
                    "plan_made": made,
                    "participation": self.conf_pn(k, icpc),
                },
                icpc,
            )
            if made:
                return self.cp_plan(k, rid, icpc)
            return self.cin_plan(k, rid, icpc)
        if outcome == "legal_action":
            return self.legal(k, rid, done, home_plan=None, emergency=rng.random() < 0.5)
        if outcome == "continue_cin_cp_cla":
            return self.cin_plan(k, rid, done)
        if outcome == "nfa":
            return done, "RC8"
        # continue with the assessment
        if auth is None:
            if arow is None:
                outcome2 = ASSESSMENT_OUTCOME(rng)
                outcome2 = "nfa" if outcome2 == "strategy_discussion" else outcome2
                a2, auth2 = self.assessment(k, rid, done, da, outcome2)
                if auth2 is None:
                    return None, ""
                return self.after_assessment(k, rid, auth2, outcome2, da)
            return None, ""
        return self.after_assessment(k, rid, max(auth, done), arow["outcome"], da)

    def conf_pn(self, k: Kid, d: date) -> str:
        return "PN0" if self.age(k, d) < 4 else PARTICIPATION_CONF(self.rng)

    def plan_team(self, k: Kid, d: date) -> str:
        if k.disabled:
            return self.team(k, "SVC-D25")
        if self.age(k, d) >= 12 and k.teams.get("reach", "") != "no":
            if "reach" not in k.teams:
                k.teams["reach"] = "yes" if self.rng.random() < 0.3 else "no"
            if k.teams["reach"] == "yes":
                return self.team(k, "SVC-REACH")
        return self.team(k, "SVC-IP")

    def cin_plan(self, k: Kid, rid: str, start: date):
        rng = self.rng
        if start > self.H:
            return None, ""
        team = self.plan_team(k, start)
        self.hold(k, team, start)
        end = plus(start, rng.randint(45, 120) if rng.random() < 0.3 else rng.randint(121, 420))
        plan = {
            "plan_id": self.nid("CI"),
            "child_id": k.id,
            "referral_id": rid,
            "start_date": start,
            "team_code": team,
        }
        self.out(k, "cin_plans", plan, start)
        if rng.random() < 0.6:
            # a reassessment during the plan; an NFA outcome ends the plan
            a_start = plus(start, rng.randint(60, 200))
            if a_start < end and a_start <= self.H:
                nfa = rng.random() < 0.35
                _, auth = self.assessment(k, rid, a_start, team, "nfa" if nfa else "continue_cin_cp_cla")
                if nfa and auth is not None and auth < end:
                    end = auth
        age = self.age(k, start)
        u = rng.random()
        nxt = "cp" if u < 0.08 else "care" if u < (0.27 if age >= 11 else 0.1) else "close"
        stop = min(end, plus(self.H, 1))
        self.visits(k, "cin", start, stop, 20, 12, 20, 35, 0.12)
        if k.missing_prone:
            self.missing(k, start, stop, False)
        if end > self.H:
            k.open = True
            return None, ""
        plan["end_date"] = end
        if nxt == "cp":
            return self.s47_path(k, rid, end, self.team(k, "SVC-DA"), None, None)
        if nxt == "care":
            if age >= 11:
                return self.enter_care(k, rid, end, "s20")
            return self.legal(k, rid, end, home_plan=None)
        if rng.random() < 0.2:
            self.early_help(k, end)
            return end, "RC9"
        return end, "RC7"

    def cp_plan(self, k: Kid, rid: str, start: date):
        rng = self.rng
        team = self.plan_team(k, start) if not k.disabled else self.team(k, "SVC-D25")
        if team.startswith("REACH"):
            team = self.team(k, "SVC-IP")
        self.hold(k, team, start)
        k.had_cp = True
        initial = CP_CATEGORY(rng)
        latest = initial if rng.random() < 0.9 else CP_CATEGORY(rng)
        u = rng.random()
        months = (
            rng.uniform(2, 5)
            if u < 0.4
            else rng.uniform(5, 11)
            if u < 0.8
            else rng.uniform(11, 17)
            if u < 0.93
            else rng.uniform(17, 22)
            if u < 0.97
            else rng.uniform(22, 32)
        )
        planned = plus(start, int(months * 30.4))
        plan = {
            "plan_id": self.nid("CP"),
            "child_id": k.id,
            "referral_id": rid,
            "start_date": start,
            "initial_category": initial,
            "latest_category": latest,
            "team_code": team,
        }
        self.out(k, "cp_plans", plan, start)
        # proceedings: pre-proceedings during the plan, maybe care proceedings
        care_at = None
        final = None
        u = rng.random()
        if u < 0.18:
            pre_start = plus(start, rng.randint(45, 200))
            pre_end = plus(pre_start, 7 * rng.randint(15, 30))
            issued = rng.random() < 0.7
            self.proceeding(k, "pre_proceedings", pre_start, pre_end, "issued" if issued else "diverted")
            if issued and pre_end <= self.H:
                if rng.random() < 0.65:
                    care_at = pre_end
                else:
                    final = pre_end
        # review conferences: first within 3 months, then 6-monthly; the plan ends at a review
        d = start
        first = True
        end = None
        stop_at = care_at
        while True:
            if first:
                d = plus(d, rng.randint(50, 90) if rng.random() < 0.92 else rng.randint(91, 120))
                first = False
            else:
                d = plus(d, rng.randint(140, 182) if rng.random() < 0.9 else rng.randint(183, 220))
            if stop_at is not None and d >= stop_at:
                end = stop_at
                break
            if d > self.H:
                break
            ends = d >= planned and final is None
            self.out(
                k,
                "conferences",
                {
                    "conference_id": self.nid("CF"),
                    "child_id": k.id,
                    "kind": "review",
                    "held_date": d,
                    "plan_made": not ends,
                    "participation": self.conf_pn(k, d),
                },
                d,
            )
            if ends:
                end = d
                break
        result = None
        if final is not None:
            # care proceedings with the child at home; the plan runs until the final order
            f = plus(final, 7 * self.proceedings_weeks())
            outcome = Pick(
                {
                    "care_order": 40,
                    "sgo": 20,
                    "supervision_order": 25,
                    "child_arrangements_order": 10,
                    "no_order": 5,
                }
            )(rng)
            self.proceeding(k, "care_proceedings", final, f, outcome)
            if f <= self.H and (end is None or f < end):
                end = f
                if outcome == "care_order":
                    result = "c2"
        stop = min(end or plus(self.H, 1), plus(self.H, 1))
        self.visits(k, "cp", start, stop, 10, 5, 10, 16, 0.12)
        if k.missing_prone:
            self.missing(k, start, stop, False)
        if end is None or end > self.H:
            k.open = True
            return None, ""
        plan["end_date"] = end
        if care_at is not None:
            return self.enter_care(k, rid, care_at, "legal")
        if result == "c2":
            return self.enter_care(k, rid, end, "c2")
        if final is not None:
            return end, "RC3" if rng.random() < 0.3 else "RC7"
        if rng.random() < 0.6:
            return self.cin_plan(k, rid, end)
        return end, "RC7"

    def legal(self, k: Kid, rid: str, d: date, *, home_plan, emergency: bool = False):
        """Legal action: an emergency entry into care, or pre-proceedings then care."""
        rng = self.rng
        if emergency:
            return self.enter_care(k, rid, d, "legal", emergency=True)
        pre_end = plus(d, 7 * rng.randint(15, 30))
        issued = rng.random() < 0.7
        self.proceeding(k, "pre_proceedings", d, pre_end, "issued" if issued else "diverted")
        if pre_end > self.H:
            k.open = True
            return None, ""
        if issued:
            return self.enter_care(k, rid, pre_end, "legal")
        return self.cin_plan(k, rid, pre_end)

    def proceedings_weeks(self) -> int:
        u = self.rng.random()
        return (
            self.rng.randint(18, 26)
            if u < 0.3
            else self.rng.randint(27, 40)
            if u < 0.8
            else self.rng.randint(41, 60)
        )

    def proceeding(self, k: Kid, kind: str, start: date, end: date, outcome: str) -> None:
        if start > self.H:
            return
        row = {"proceeding_id": self.nid("PR"), "child_id": k.id, "kind": kind, "start_date": start}
        if end <= self.H:
            row.update(end_date=end, outcome=outcome)
        self.out(k, "proceedings", row, row.get("end_date"))

    # --- care ---------------------------------------------------------------------------------------------

    def uasc_arrival(self, k: Kid, d: date) -> None:
        rng = self.rng
        hour = rng.randint(8, 22)
        contact = {
            "contact_id": self.nid("CT"),
            "child_id": k.id,
            "received_at": f"{d.isoformat()}T{hour:02d}:{rng.randint(0, 59):02d}:00",
            "source": Pick({"6": 60, "5C": 20, "8": 20})(rng),
            "initial_rag": "RED",
            "final_rag": "RED",
            "decided_at": f"{d.isoformat()}T{min(23, hour + 1):02d}:{rng.randint(0, 59):02d}:00",
            "outcome": "csc_referral",
            "team_code": self.teams["SVC-MASH"][0],
        }
        self.out(k, "contacts", contact, d)
        da = self.team(k, "SVC-DA")
        self.hold(k, da, d)
        rid = self.nid("RF")
        row = {
            "referral_id": rid,
            "child_id": k.id,
            "contact_id": contact["contact_id"],
            "referral_date": d,
            "source": contact["source"],
            "primary_need": "N8",
            "nfa": False,
            "team_code": da,
        }
        self.need_worker(k, row, "worker_id", d)
        self.out(k, "referrals", row, d)
        self.assessment(k, rid, plus(d, rng.randint(0, 3)), da, "continue_cin_cp_cla", quick=True)
        close, reason = self.enter_care(k, rid, d, "uasc")
        if close is not None and close <= self.H:
            row["closure_date"], row["closure_reason"] = close, reason
        else:
            k.open = True

    def legacy_care(self) -> None:
        """Children who came into care before the window (some still in care, some now care leavers)."""
        rng = self.rng
        first = date(self.S.year - LEGACY_YEARS, self.S.month, 1)
        span = (self.S0 - first).days
        n = round(LEGACY_CARE_ENTRIES * self.scale * span / 365.25)
        n_uasc = round(UASC_ARRIVALS * self.scale * min(span, 9 * 365) / 365.25)
        entries = sorted(
            [(plus(first, rng.randint(0, span - 1)), False) for _ in range(n)]
            + [(plus(self.S0, -rng.randint(1, 9 * 365)), True) for _ in range(n_uasc)]
        )
        for e, uasc in entries:
            if uasc:
                age = Pick({17: 35, 16: 40, 15: 15, 14: 6, 13: 4})(rng)
            else:
                age = CARE_ENTRY_AGE(rng)
            # nobody who would be over 25 at the window start, or out of care and leaving care long before it
            if age + (self.S - e).days / 365.25 > 25.5:
                continue
            if not uasc and age < 13 and age + (self.S0 - e).days / 365.25 > 19:
                continue
            k = self.new_child(e, age, uasc=uasc)
            if uasc:
                self.uasc_arrival(k, e)
            else:
                r = plus(e, -rng.randint(0, 40))
                da = self.team(k, "SVC-DA")
                self.hold(k, da, r)
                rid = self.nid("RF")
                row = {
                    "referral_id": rid,
                    "child_id": k.id,
                    "referral_date": r,
                    "source": REFERRAL_SOURCE(rng),
                    "primary_need": CARE_NEED(rng),
                    "nfa": False,
                    "team_code": da,
                }
                self.out(k, "referrals", row, r)
                route = self.entry_route(age)
                close, reason = self.enter_care(k, rid, e, route)
                if close is not None and close <= self.H:
                    row["closure_date"], row["closure_reason"] = close, reason
                else:
                    k.open = True
            self.flush(k)

    def entry_route(self, age: int) -> str:
        u = self.rng.random()
        if age < 1:
            return "legal" if u < 0.85 else "s20"
        if age < 10:
            return "legal" if u < 0.55 else "s20"
        if age < 16:
            return "legal" if u < 0.25 else "s20" if u < 0.95 else "police"
        return "s20" if u < 0.8 else "legal" if u < 0.9 else "remand" if u < 0.95 else "police"

    def enter_care(self, k: Kid, rid: str, e: date, route: str, *, emergency: bool = False):
        """A period of care from e. Returns (referral closure date or None, closure reason)."""
        rng = self.rng
        H = self.H
        if e > H:
            return None, ""
        if k.dob is None or e < k.dob:
            if k.dob is None:
                k.open = True
                return None, ""
            e = k.dob
        age = self.age(k, e)
        b18 = birthday(k.dob, 18)
        if e >= b18:
            return e, "RC7"
        segs: list[tuple[date, str]] = []
        adoption = None
        rec = ""
        if route == "police":
            segs.append((e, "L1"))
            route = "s20"
            t = plus(e, rng.randint(1, 3))
        else:
            t = e
        if route == "uasc":
            segs.append((t, "V2"))
            u = rng.random()
            if u < 0.08:
                x, rec = plus(t, rng.randint(30, 200)), "E15"
            elif u < 0.11:
                x, rec = plus(t, rng.randint(30, 300)), "E8"
            else:
                x, rec = b18, UASC_AGE_OUT_REC(rng)
        elif route == "remand":
            segs.append((t, "J1"))
            x, rec = plus(t, rng.randint(20, 120)), "E14" if rng.random() < 0.7 else "E9"
        elif route == "c2":
            segs.append((t, "C2"))
            x, rec = self.c2_exit(k, t)
        elif route == "legal":
            if emergency:
                segs.append((t, rng.choice(EMERGENCY_STATUS)))
                t = plus(t, rng.randint(1, 8))
            x, rec, adoption = self.care_proceedings(k, t, segs)
        else:  # s20
            segs.append((t, "V2"))
            u = rng.random()
            if u < 0.45:
                x = plus(t, 14 + int(rng.lognormvariate(4.3, 0.8)))
                rec = "E4A" if rng.random() < 0.75 else "E4B"
            elif u < 0.75 and age >= 10:
                x, rec = b18, ""
            else:
                pre_start = plus(t, rng.randint(20, 120))
                pre_end = plus(pre_start, 7 * rng.randint(15, 30))
                issued = rng.random() < 0.75
                self.proceeding(k, "pre_proceedings", pre_start, pre_end, "issued" if issued else "diverted")
                if issued:
                    x, rec, adoption = self.care_proceedings(k, pre_end, segs)
                else:
                    x, rec = plus(pre_end, rng.randint(30, 300)), "E4A"
        if x >= b18 or not rec:
            x, rec = b18, ("E7" if k.disabled and rng.random() < 0.5 else AGE_OUT_REC(rng))
        if x <= e:
            x = plus(e, 1)
        closed = x <= H
        ends = x if closed else plus(H, 1)  # exclusive end of what is written
        # placements
        placed_for_adoption = adoption[4] if adoption and adoption[4] and adoption[4] < ends else None
        legal_dates = [s[0] for s in segs]
        placements = []
        tp = e
        first = True
        unstable = k.unstable or (age >= 11 and rng.random() < 0.07)
        while tp < ends:
            if placed_for_adoption and tp >= placed_for_adoption:
                break
            ls = segs[bisect_right(legal_dates, tp) - 1][1]
            placements.append((tp, *self.placement(k, tp, ls, route)))
            if first and rng.random() < 0.3:
                dur = rng.randint(3, 60)
            else:
                dur = 14 + int(rng.expovariate(1 / (110 if unstable else 700)))
            first = False
            tp = plus(tp, dur)
            if placed_for_adoption and tp > placed_for_adoption:
                tp = placed_for_adoption
        # a court order often comes with a move (RNE T: legal status and placement change together)
        for ld, ls in segs[1:]:
            if ld < ends and rng.random() < 0.2 and (not placed_for_adoption or ld < placed_for_adoption):
                i = bisect_right([p[0] for p in placements], ld)
                if placements[i - 1][0] != ld:
                    placements.insert(i, (ld, *self.placement(k, ld, ls, route)))
        if placed_for_adoption:
            ptype = "A5" if rng.random() < 0.25 else "A6"
            inside = rng.random() < 0.3
            placements.append((placed_for_adoption, ptype, "PR1", inside, self.postcode(inside)))
        self.episodes(k, e, segs, placements, x if closed else None, rec, ends)
        # who holds the case
        svc = "SVC-D25" if k.disabled and rng.random() < 0.6 else "SVC-CIC"
        b16 = birthday(k.dob, 16)
        self.hold(k, self.team(k, "SVC-OU") if age >= 16 else self.team(k, svc), e)
        if age < 16 and b16 < ends:
            self.hold(k, self.team(k, "SVC-OU"), b16)
        # the work of care
        stop = min(ends, plus(H, 1))
        self.cla_visits(k, e, stop, [p[0] for p in placements])
        self.cla_reviews(k, e, stop)
        self.health(k, e, stop)
        if k.missing_prone:
            self.missing(k, e, stop, True)
        if (
            age < 12
            and (adoption or route in ("legal", "c2"))
            and rng.random() < (0.85 if adoption else 0.25)
        ):
            s = plus(e, rng.randint(60, 360))
            if s <= H:
                f = plus(s, rng.randint(120, 400))
                f = f if f <= H else None
                self.out(k, "life_story_work", {"child_id": k.id, "start_date": s, "end_date": f}, f)
        if adoption:
            self.adoption(k, e, adoption)
        if not closed:
            k.open = True
            return None, ""
        # leaving care
        exit_age = self.age(k, x)
        if (
            exit_age >= 16
            and (x - e).days >= 91
            and rec in ("E17", "E5", "E6", "E8", "E13", "E4A", "E4B", "E14")
        ):
            if exit_age >= 17 and rec in ("E17", "E5", "E6", "E8"):
                self.leaving_care(k, x)
                return x, "RC7"
        self.release(k, x)
        return x, {
            "E11": "RC1",
            "E12": "RC1",
            "E2": "RC2",
            "E41": "RC3",
            "E45": "RC4",
            "E46": "RC4",
            "E47": "RC4",
            "E48": "RC4",
            "E43": "RC4",
            "E44": "RC4",
            "E3": "RC5",
            "E7": "RC6",
        }.get(rec, "RC7")

    def c2_exit(self, k: Kid, t: date):
        rng = self.rng
        x = plus(t, int(rng.expovariate(1 / (8 * 365))) + 60)
        rec = Pick({"SGO": 50, "E4A": 20, "E13": 15, "E8": 8, "E3": 5, "E41": 5, "E2": 0.5})(rng)
        if rec == "SGO":
            rec = SGO_REC(rng)
        return x, rec

    def care_proceedings(self, k: Kid, issue: date, segs: list):
        """Care proceedings issued while the child is looked after: interim care order from issue, then the
        final order. Returns (planned exit, reason ceased, adoption timeline or None)."""
        rng = self.rng
        segs.append((issue, "C1"))
        f = plus(issue, 7 * self.proceedings_weeks())
        age = self.age(k, issue)
        if age < 5:
            outcome = Pick(
                {
                    "placement_order": 52,
                    "care_order": 18,
                    "sgo": 21,
                    "supervision_order": 5,
                    "child_arrangements_order": 2,
                    "no_order": 2,
                }
            )(rng)
        else:
            outcome = Pick(
                {
                    "care_order": 50,
                    "sgo": 28,
                    "supervision_order": 9,
                    "child_arrangements_order": 8,
                    "no_order": 3,
                    "placement_order": 8 if age < 9 else 0,
                }
            )(rng)
        self.proceeding(k, "care_proceedings", issue, f, outcome)
        if outcome == "care_order":
            segs.append((f, "C2"))
            return (*self.c2_exit(k, f), None)
        if outcome == "placement_order":
            segs.append((f, "E1"))
            e = segs[0][0]
            decision = plus(e, rng.randint(60, 200))
            if decision >= f:
                decision = plus(e, max(1, (f - e).days // 2))
            matched = plus(f, rng.randint(30, 280))
            placed = plus(matched, rng.randint(7, 42))
            order = plus(placed, rng.randint(150, 380))
            return order, "E11" if rng.random() < 0.6 else "E12", (decision, f, matched, order, placed)
        if outcome == "sgo":
            return f, SGO_REC(rng), None
        return (
            f,
            {"supervision_order": "E13", "child_arrangements_order": "E41", "no_order": "E4A"}[outcome],
            None,
        )

    def adoption(self, k: Kid, e: date, adoption) -> None:
        decision, po, matched, order, placed = adoption
        H = self.H
        # adoptions.csv holds one journey per child (Annex A list 10, keyed by child): a child who comes
        # back into care and is placed for adoption again keeps the first journey.
        if decision > H or k.id in self.adopted:
            return
        self.adopted.add(k.id)
        row = {"child_id": k.id, "entered_care_date": e, "decision_date": decision}
        last = decision
        for column, d in (
            ("placement_order_date", po),
            ("matched_date", matched),
            ("placed_date", placed),
            ("adoption_order_date", order),
        ):
            if d <= H:
                row[column] = d
                last = d
        self.out(k, "adoptions", row, last if order <= H else None)

    def placement(self, k: Kid, t: date, ls: str, route: str):
        """(placement type, provider, inside the LA, postcode) for a placement starting on t."""
        rng = self.rng
        age = self.age(k, t)
        new_codes = t >= date(2023, 10, 28)
        if k.uasc:
            u = rng.random()
            if u < 0.63 or age < 16:
                kind = "ifa" if rng.random() < 0.5 else "foster"
            elif u < 0.96:
                kind = "semi"
            else:
                kind = "resi"
        elif ls == "C2" and rng.random() < 0.06:
            kind = "parents"
        elif age < 12:
            u = rng.random()
            kind = "foster" if u < 0.42 else "kin" if u < 0.62 else "ifa" if u < 0.95 else "resi"
        elif age < 16:
            u = rng.random()
            kind = "foster" if u < 0.35 else "kin" if u < 0.45 else "ifa" if u < 0.72 else "resi"
        else:
            u = rng.random()
            kind = "foster" if u < 0.22 else "ifa" if u < 0.45 else "semi" if u < 0.85 else "resi"
        if ls in ("J1", "J2", "J3") and rng.random() < 0.3:
            kind = "custody"
        if kind == "foster":
            ptype, prov, p_in = ("U4" if rng.random() < 0.35 else "U6"), "PR1", 0.62
            if ls in ("C1", "E1") and age < 2 and rng.random() < 0.3:
                ptype = "U5"
        elif kind == "kin":
            ptype, prov, p_in = ("U1" if rng.random() < 0.4 else "U3"), "PR1", 0.45
        elif kind == "ifa":
            ptype, prov, p_in = (
                ("U4" if rng.random() < 0.35 else "U6"),
                ("PR4" if rng.random() < 0.8 else "PR5"),
                0.12,
            )
        elif kind == "resi":
            ptype = Pick({"K2": 70, "R1": 10, "S1": 8, "K1": 4, "R2": 4, "R3": 4})(rng)
            prov, p_in = ("PR4" if rng.random() < 0.8 else "PR2"), 0.1
        elif kind == "semi":
            ptype = Pick({"Z11": 10, "Z12": 55, "Z13": 15, "Z14": 20})(rng) if new_codes else "H5"
            prov, p_in = ("PR4" if rng.random() < 0.7 else "PR1"), 0.3
        elif kind == "custody":
            ptype, prov, p_in = "R5", "PR3", 0.0
        else:
            ptype, prov, p_in = "P1", "PR0", 0.8
        inside = rng.random() < p_in
        return ptype, prov, inside, self.postcode(inside)

    def postcode(self, inside: bool) -> str:
        rng = self.rng
        outward = rng.choice(POSTCODES_IN if inside else POSTCODES_OUT)
        return f"{outward} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"

    def episodes(self, k: Kid, e: date, segs, placements, x: date | None, rec: str, ends: date) -> None:
        """SSDA903 episodes: a new one whenever the legal status or the placement changes."""
        rng = self.rng
        legal_dates = [s[0] for s in segs]
        place_dates = [p[0] for p in placements]
        points = sorted({d for d in legal_dates if d < ends} | {d for d in place_dates if d < ends})
        need = "N8" if k.uasc else ("N2" if k.disabled and rng.random() < 0.5 else CARE_NEED(rng))
        prev_ls = prev_pl = None
        episodes = []
        for d in points:
            ls = segs[bisect_right(legal_dates, d) - 1][1]
            pl = placements[bisect_right(place_dates, d) - 1]
            legal_change = ls != prev_ls
            place_change = pl is not prev_pl
            if not legal_change and not place_change:
                continue
            if prev_ls is None:
                rne = "S"
            elif legal_change and place_change:
                u = rng.random()
                rne = "T" if u < 0.85 else "B" if u < 0.95 else "U"
            else:
                rne = "P" if place_change else "L"
            episodes.append((d, rne, ls, pl))
            prev_ls, prev_pl = ls, pl
        for i, (d, rne, ls, pl) in enumerate(episodes):
            last = i == len(episodes) - 1
            end = x if last else episodes[i + 1][0]
            rpc = ""
            if rne in ("P", "T", "B", "U"):
                rpc = (RPC_NEW if d >= date(2023, 4, 1) else RPC_OLD)(rng)
            team = self.team(k, "SVC-OU") if self.age(k, d) >= 16 else self.team(k, "SVC-CIC")
            # Real extracts hold a few episodes whose legal status is not recorded, most of them current.
            if rng.random() < (
                LEGAL_STATUS_NOT_RECORDED[0] if last and end is None else LEGAL_STATUS_NOT_RECORDED[1]
            ):
                ls = ""
            self.out(
                k,
                "care_episodes",
                {
                    "episode_id": self.nid("EP"),
                    "child_id": k.id,
                    "start_date": d,
                    "rne": rne,
                    "legal_status": ls,
                    "category_of_need": need,
                    "placement_type": pl[1],
                    "placement_provider": pl[2],
                    "placement_postcode": pl[4],
                    "placement_inside_la": pl[3],
                    "end_date": end,
                    "reason_ceased": ("X1" if not last else rec) if end is not None else "",
                    "reason_placement_change": rpc,
                    "team_code": team,
                },
                end,
            )

    def visits(
        self,
        k: Kid,
        kind: str,
        start: date,
        stop: date,
        first_max: int,
        lo: int,
        hi: int,
        late_hi: int,
        late_p: float,
        *,
        working: bool = True,
        changes: list[date] | None = None,
    ) -> None:
        """Visits from start while before stop: the first within first_max (working) days, then every lo-hi,
        sometimes late (up to late_hi)."""
        rng = self.rng
        add = self.wd.add if working else plus
        d = add(start, rng.randint(1, first_max))
        H = self.H
        detail_from = self.detail_from
        old = k.dob is not None and self.age(k, start) >= 5
        while d < stop and d <= H:
            if d >= detail_from:
                row = {
                    "visit_id": self.nid("VI"),
                    "child_id": k.id,
                    "visit_date": d,
                    "kind": kind,
                    "seen": rng.random() < 0.95 if k.dob is not None and d >= k.dob else False,
                    "seen_alone": old and rng.random() < 0.6,
                }
                self.need_worker(k, row, "worker_id", d)
                self.out(k, "visits", row, d)
            d = add(d, rng.randint(lo, hi) if rng.random() >= late_p else rng.randint(hi + 1, late_hi))

    def cla_visits(self, k: Kid, e: date, stop: date, placement_starts: list[date]) -> None:
        """Within a week of each placement starting, then about 6-weekly."""
        for i, p in enumerate(placement_starts):
            nxt = placement_starts[i + 1] if i + 1 < len(placement_starts) else stop
            self.visits(k, "cla", p, min(nxt, stop), 6, 28, 42, 65, 0.1, working=False)

    def cla_reviews(self, k: Kid, e: date, stop: date) -> None:
        rng = self.rng
        d = self.wd.add(e, rng.randint(10, 20) if rng.random() < 0.9 else rng.randint(21, 35))
        n = 0
        while d < stop and d <= self.H:
            if d >= self.detail_from:
                pn = "PN0" if self.age(k, d) < 4 else PARTICIPATION_REVIEW(rng)
                self.out(
                    k,
                    "cla_reviews",
                    {"review_id": self.nid("RV"), "child_id": k.id, "review_date": d, "participation": pn},
                    d,
                )
            n += 1
            if n == 1:
                d = plus(d, rng.randint(60, 91) if rng.random() < 0.9 else rng.randint(92, 120))
            else:
                d = plus(d, rng.randint(150, 182) if rng.random() < 0.9 else rng.randint(183, 230))

    def health(self, k: Kid, e: date, stop: date) -> None:
        rng = self.rng
        H = self.H

        def emit(kind, d):
            if d >= self.detail_from:
                self.out(
                    k,
                    "health_assessments",
                    {
                        "health_assessment_id": self.nid("HA"),
                        "child_id": k.id,
                        "kind": kind,
                        "completed_date": d,
                    },
                    d,
                )

        iha = self.wd.add(e, rng.randint(5, 20) if rng.random() < 0.6 else rng.randint(21, 60))
        if iha >= stop or iha > H:
            return
        emit("initial", iha)
        d = iha
        while True:
            d = plus(d, (182 if self.age(k, d) < 5 else 365) + rng.randint(-30, 45))
            if d >= stop or d > H:
                break
            emit("review", d)
        d = plus(e, rng.randint(30, 200))
        while d < stop and d <= H:
            if self.age(k, d) >= 3:
                emit("dental", d)
            d = plus(d, 365 + rng.randint(-40, 60))

    def missing(self, k: Kid, start: date, stop: date, from_care: bool) -> None:
        rng = self.rng
        H = self.H
        if k.dob is None:
            return
        b11 = birthday(k.dob, 11)
        mean_gap = 45 if from_care else 100
        d = plus(max(start, b11), int(rng.expovariate(1 / mean_gap)))
        while d < stop and d <= H:
            n = (MISSING_DAYS_CARE if from_care else MISSING_DAYS_HOME)(rng)
            end = plus(d, n)
            row = {
                "episode_id": self.nid("MI"),
                "child_id": k.id,
                "kind": "missing" if rng.random() < 0.85 else "absent",
                "start_date": d,
                "from_care": from_care,
            }
            if end <= H:
                offered = rng.random() < 0.9
                row.update(
                    end_date=end,
                    return_interview_offered=offered,
                    return_interview_accepted=offered and rng.random() < 0.62,
                )
            if d >= self.detail_from:
                self.out(k, "missing_episodes", row, row.get("end_date"))
            d = plus(end, 1 + int(rng.expovariate(1 / mean_gap)))

    def leaving_care(self, k: Kid, x: date) -> None:
        """The leaving-care service from x (aged 17+) to 21, or to 25 for some; quarterly status rows."""
        rng = self.rng
        H = self.H
        ou = self.team(k, "SVC-OU")
        self.hold(k, ou, x)
        service_end = birthday(k.dob, 21 if rng.random() < 0.6 else 25)
        in_touch = IN_TOUCH(rng)
        activity = ACTIVITY(rng)
        # Some records stay on the earlier code list after the split (a system not yet updated).
        old_codes = rng.random() < OLD_ACTIVITY_CODES
        accommodation = (
            "Z" if rng.random() < 0.5 and k.rows and self.last_rec(k) == "E17" else ACCOMMODATION(rng)
        )
        d = plus(x, rng.randint(1, 30))
        last_review = x
        while d < service_end and d <= H:
            if rng.random() < 0.15:
                in_touch = IN_TOUCH(rng)
            if rng.random() < 0.25:
                activity = ACTIVITY(rng)
            if rng.random() < 0.2:
                accommodation = ACCOMMODATION(rng)
            age = self.age(k, d)
            act = activity
            if act in ("F1", "P1") and age < 18:
                act = "F2"
            if d < ACTIVITY_SPLIT or old_codes:
                act = OLD_ACTIVITY.get(act, act)
            if in_touch == "YES":
                last_contact = plus(d, -rng.randint(0, 60))
            elif in_touch in ("NO", "REFU"):
                last_contact = plus(d, -rng.randint(100, 500))
            else:
                last_contact = plus(d, -rng.randint(0, 150))
            if (d - last_review).days > 150 and rng.random() < 0.85:
                last_review = plus(d, -rng.randint(0, 60))
            accom = "X" if act == "G6" else accommodation
            row = {
                "child_id": k.id,
                "status_date": d,
                "eligibility": "relevant" if age < 18 else "former_relevant",
                "in_touch": in_touch,
                "last_contact_date": max(last_contact, x),
                "activity": act,
                "accommodation": accom,
                "accommodation_suitable": accom not in UNSUITABLE
                and (accom != "V" or rng.random() < 0.6)
                and rng.random() < 0.95,
                "pathway_plan_review_date": max(last_review, x),
            }
            if d >= self.detail_from:
                self.need_worker(k, row, "pa_worker_id", d)
                self.out(k, "care_leavers", row, d)
            if in_touch == "DIED":
                service_end = d
                break
            d = plus(d, rng.randint(75, 100))
        self.visits(k, "care_leaver", x, min(service_end, plus(H, 1)), 30, 40, 70, 120, 0.1, working=False)
        if service_end <= H:
            if service_end > d or (service_end >= self.detail_from and service_end != d):
                if service_end >= self.detail_from and not (in_touch == "DIED"):
                    self.out(
                        k,
                        "care_leavers",
                        {
                            "child_id": k.id,
                            "status_date": service_end,
                            "eligibility": "former_relevant",
                            "in_touch": "NREQ",
                        },
                        service_end,
                    )
            self.release(k, service_end)
        else:
            k.open = True

    def last_rec(self, k: Kid) -> str:
        for name, row in reversed(k.rows):
            if name == "care_episodes":
                return row.get("reason_ceased", "")
        return ""

    # --- council-wide records -----------------------------------------------------------------------------

    def group_supervisions(self) -> None:
        rng = self.rng
        for svc, codes in self.teams.items():
            rate = GROUP_SUPERVISIONS[svc]
            for code in codes:
                m = self.S0
                while m <= self.H:
                    n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
                    for _ in range(n):
                        d = plus(m, rng.randint(0, 27))
                        if d <= self.H:
                            self.writer.write(
                                "supervisions",
                                {
                                    "supervision_id": self.nid("SU"),
                                    "team_code": code,
                                    "held_date": d,
                                    "kind": "group",
                                },
                            )
                    m = add_months(m, 1)

    def families(self) -> None:
        rng = self.rng
        n = round(FAMILIES_ATTACHED * self.scale)
        first = plus(self.S, -730)
        span = (self.H - first).days
        dates = sorted(plus(first, rng.randint(0, span)) for _ in range(n))
        for attached in dates:
            fid = self.nid("FF")
            met = claimed = None
            if rng.random() < 0.62:
                met = plus(attached, rng.randint(120, 480))
                if met > self.H:
                    met = None
                elif rng.random() < 0.85:
                    claimed = plus(met, rng.randint(20, 120))
                    if claimed > self.H:
                        claimed = None
            self.writer.write(
                "families",
                {
                    "family_id": fid,
                    "attached_date": attached,
                    "outcome_met_date": met,
                    "claimed_date": claimed,
                },
            )
            eth = FAMILY_ETHNICITY(rng)
            adults = Pick({1: 40, 2: 50, 3: 10})(rng)
            children = Pick({1: 30, 2: 35, 3: 20, 4: 10, 5: 5})(rng)
            for i in range(adults + children):
                adult = i < adults
                age = (
                    (rng.randint(19, 58) if rng.random() < 0.9 else rng.randint(59, 75))
                    if adult
                    else rng.randint(0, 17)
                )
                sex = ("F" if (i == 0 or rng.random() < 0.4) else "M") if adult else rng.choice("MF")
                dob = plus(attached, -(age * 365 + rng.randint(0, 364)))
                self.writer.write(
                    "family_members",
                    {
                        "family_id": fid,
                        "person_id": f"{fid}-{i + 1}",
                        "role": "adult" if adult else "child",
                        "sex": sex,
                        "date_of_birth": dob,
                        "ethnicity": eth if rng.random() < 0.9 else FAMILY_ETHNICITY(rng),
                    },
                )

    def entered_measures(self) -> None:
        rng = self.rng
        m = self.S
        while m <= self.H:
            period = f"{m.year:04d}-{m.month:02d}"
            fte = max(0, round(rng.gauss(6 * self.scale, math.sqrt(6 * self.scale))))
            self.writer.write(
                "entered_measures",
                {
                    "kpi_code": "yot.first_time_entrants",
                    "period": period,
                    "value": fte,
                    "note": "Youth Justice Service monthly return",
                },
            )
            cohort = max(1, round(rng.gauss(45 * self.scale, math.sqrt(45 * self.scale))))
            reoffended = sum(rng.random() < 0.36 for _ in range(cohort))
            self.writer.write(
                "entered_measures",
                {
                    "kpi_code": "yot.reoffending",
                    "period": period,
                    "numerator": reoffended,
                    "denominator": cohort,
                    "value": round(100 * reoffended / cohort, 1),
                    "note": "Youth Justice Service cohort tracker",
                },
            )
            if m.month in (3, 6, 9, 12):
                self.writer.write(
                    "entered_measures",
                    {
                        "kpi_code": "tf.national_rank",
                        "period": period,
                        "value": rng.randint(20, 80),
                        "note": "Families First quarterly league table (MHCLG)",
                    },
                )
            m = add_months(m, 1)
