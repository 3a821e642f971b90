"""Checks of a generated bundle, read back from its CSV files: referential consistency and the headline
figures a booklet would show. Used by the tests and to tune the generator (`python -m` is not needed: call
`summary(folder)` from a shell)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from apps.care.choices import EET_ACTIVITIES
from apps.core.workdays import working_days_between
from apps.imports.bundle.spec import FILES

from .generator import add_months


def read(folder: Path, name: str) -> list[dict]:
    path = Path(folder) / f"{name}.csv"
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def d(text: str) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def consistency_errors(folder: Path, *, today: date) -> list[str]:
    """Every broken rule found: unknown references, duplicate IDs, ends before starts, future dates,
    overlapping care episodes."""
    errors: list[str] = []
    ids: dict[str, set[str]] = {}
    key_of = {
        "children": "child_id",
        "teams": "team_code",
        "workers": "worker_id",
        "contacts": "contact_id",
        "referrals": "referral_id",
        "strategy_discussions": "discussion_id",
        "s47_enquiries": "s47_id",
        "families": "family_id",
    }
    data = {f.name: read(folder, f.name) for f in FILES}
    for spec in FILES:
        rows = data[spec.name]
        keys = Counter(tuple(r[c] for c in spec.key) for r in rows)
        dup = [k for k, n in keys.items() if n > 1]
        if dup:
            errors.append(f"{spec.name}: duplicate keys {dup[:3]}")
        if spec.name in key_of:
            ids[spec.name] = {r[key_of[spec.name]] for r in rows}
        for col in spec.columns:
            if col.kind == "code" and col.choices is not None:
                valid = set(col.choices.values)
                bad = {r[col.name] for r in rows if r[col.name] and r[col.name] not in valid}
                if bad:
                    errors.append(f"{spec.name}.{col.name}: invalid codes {sorted(bad)[:5]}")
            if col.required:
                if any(not r[col.name] for r in rows):
                    errors.append(f"{spec.name}.{col.name}: required value missing")
            if col.kind in ("date", "datetime") and col.name != "expected_date_of_birth":
                late = [r[col.name] for r in rows if r[col.name] and d(r[col.name]) >= today]
                if late:
                    errors.append(f"{spec.name}.{col.name}: dated today or later: {late[:3]}")
    for spec in FILES:
        for col in spec.columns:
            if col.kind == "ref" and col.ref in ids:
                known = ids[col.ref]
                missing = {r[col.name] for r in data[spec.name] if r[col.name] and r[col.name] not in known}
                if missing:
                    errors.append(f"{spec.name}.{col.name}: unknown {col.ref} {sorted(missing)[:3]}")
    pairs = {
        "referrals": ("referral_date", "closure_date"),
        "early_help": ("start_date", "completion_date"),
        "assessments": ("start_date", "authorised_date"),
        "s47_enquiries": ("start_date", "completed_date"),
        "cin_plans": ("start_date", "end_date"),
        "cp_plans": ("start_date", "end_date"),
        "care_episodes": ("start_date", "end_date"),
        "missing_episodes": ("start_date", "end_date"),
        "proceedings": ("start_date", "end_date"),
        "allocations": ("start_date", "end_date"),
        "posts": ("start_date", "end_date"),
        "workers": ("start_date", "end_date"),
        "life_story_work": ("start_date", "end_date"),
        "contacts": ("received_at", "decided_at"),
    }
    for name, (a, b) in pairs.items():
        bad = [r for r in data[name] if r[b] and r[b] < r[a]]
        if bad:
            errors.append(f"{name}: {b} before {a} ({len(bad)} rows)")
    for name in ("cp_plans", "cin_plans", "care_episodes", "allocations"):
        by_child = defaultdict(list)
        for r in data[name]:
            by_child[r["child_id"]].append((r["start_date"], r["end_date"]))
        for child, spans in by_child.items():
            spans.sort()
            for (s1, e1), (s2, _) in zip(spans, spans[1:], strict=False):
                if not e1 or e1 > s2:
                    errors.append(f"{name}: overlapping rows for {child}: {s1}..{e1} and {s2}")
                    break
    for r in data["care_episodes"]:
        if r["end_date"] and not r["reason_ceased"]:
            errors.append(f"care_episodes {r['episode_id']}: ended without a reason")
        if not r["end_date"] and r["reason_ceased"]:
            errors.append(f"care_episodes {r['episode_id']}: open with a reason ceased")
    episodes = defaultdict(list)
    for r in data["care_episodes"]:
        episodes[r["child_id"]].append(r)
    for child, rows in episodes.items():
        rows.sort(key=lambda r: r["start_date"])
        for prev, nxt in zip(rows, rows[1:], strict=False):
            if prev["reason_ceased"] == "X1" and prev["end_date"] != nxt["start_date"]:
                errors.append(f"care_episodes {child}: X1 episode not followed the same day")
            if prev["reason_ceased"] == "X1" and nxt["rne"] == "S":
                errors.append(f"care_episodes {child}: care continued but next episode has RNE S")
            if prev["reason_ceased"] != "X1" and nxt["rne"] != "S":
                errors.append(f"care_episodes {child}: new period of care without RNE S")
        if rows[0]["rne"] != "S":
            errors.append(f"care_episodes {child}: first episode has RNE {rows[0]['rne']}")
    for r in data["conferences"]:
        if r["kind"] == "initial" and not r["s47_id"]:
            errors.append(f"conferences {r['conference_id']}: initial conference without an S47")
    return errors


def month_ends(first: date, last: date) -> list[date]:
    out = []
    m = first.replace(day=1)
    while True:
        end = add_months(m, 1) - timedelta(days=1)
        if end > last:
            return out
        out.append(end)
        m = add_months(m, 1)


def open_at(rows, start: str, end: str, at: date) -> list[dict]:
    a = at.isoformat()
    return [r for r in rows if r[start] <= a and (not r[end] or r[end] > a)]


def pct(n: int, of: int) -> float:
    return round(100 * n / of, 1) if of else float("nan")


def summary(folder: Path) -> dict:
    """Headline figures over the last 12 complete months of the bundle (and stocks at their last month end)."""
    folder = Path(folder)
    contacts = read(folder, "contacts")
    horizon = max(d(r["received_at"]) for r in contacts)
    end = month_ends(horizon - timedelta(days=400), horizon)[-1]
    start = end - timedelta(days=364)
    s, e = start.isoformat(), end.isoformat()

    def in_year(rows, col):
        return [r for r in rows if s <= r[col][:10] <= e]

    out: dict = {"year": f"{s}..{e}"}
    c = in_year(contacts, "received_at")
    out["contacts"] = len(c)
    out["contact_outcome_%"] = {k: pct(v, len(c)) for k, v in Counter(r["outcome"] for r in c).most_common()}
    decided = [r for r in c if r["decided_at"]]
    from datetime import datetime

    fast = sum(
        (datetime.fromisoformat(r["decided_at"]) - datetime.fromisoformat(r["received_at"])).total_seconds()
        <= 86400
        for r in decided
    )
    out["decided_24h_%"] = pct(fast, len(decided))
    refs = read(folder, "referrals")
    by_child = defaultdict(list)
    for r in refs:
        by_child[r["child_id"]].append(d(r["referral_date"]))
    ry = in_year(refs, "referral_date")
    rerefs = 0
    for r in ry:
        rd = d(r["referral_date"])
        if any(rd - timedelta(days=365) <= x < rd for x in by_child[r["child_id"]]):
            rerefs += 1
    out["referrals"] = len(ry)
    out["conversion_%"] = pct(sum(r["outcome"] == "csc_referral" for r in c), len(c))
    out["rereferral_%"] = pct(rerefs, len(ry))
    groups = {
        "6": "police",
        "7": "police",
        "2A": "school",
        "2B": "school",
        "4": "la",
        "5A": "la",
        "5B": "la",
        "5C": "la",
        "5D": "la",
    }
    src = Counter(groups.get(r["source"], "health" if r["source"].startswith("3") else "other") for r in ry)
    out["referral_source_%"] = {k: pct(v, len(ry)) for k, v in src.most_common()}
    out["referral_nfa_%"] = pct(sum(r["nfa"] == "Y" for r in ry), len(ry))
    assessments = read(folder, "assessments")
    done = [r for r in assessments if r["authorised_date"] and s <= r["authorised_date"] <= e]
    out["assessments_completed"] = len(done)
    within = sum(working_days_between(d(r["start_date"]), d(r["authorised_date"])) <= 45 for r in done)
    out["assessments_45wd_%"] = pct(within, len(done))
    out["assessment_seen_%"] = pct(sum(r["child_seen"] == "Y" for r in done), len(done))
    out["assessment_outcome_%"] = {
        k: pct(v, len(done)) for k, v in Counter(r["outcome"] for r in done).most_common()
    }
    first_of = {}
    for r in sorted(assessments, key=lambda r: r["start_date"]):
        first_of.setdefault(r["referral_id"], r["assessment_id"])
    out["first_of_referral_%"] = pct(
        sum(first_of.get(r["referral_id"]) == r["assessment_id"] for r in done), len(done)
    )
    s47 = in_year(read(folder, "s47_enquiries"), "start_date")
    out["s47_started"] = len(s47)
    sds = {r["discussion_id"]: r for r in read(folder, "strategy_discussions")}
    out["strategy_discussions"] = sum(s <= r["held_date"] <= e for r in sds.values())
    s47_by_id = {r["s47_id"]: r for r in read(folder, "s47_enquiries")}
    confs = read(folder, "conferences")
    icpcs = [r for r in confs if r["kind"] == "initial" and s <= r["held_date"] <= e]
    ok = 0
    for r in icpcs:
        sd = sds[s47_by_id[r["s47_id"]]["discussion_id"]]["held_date"]
        ok += working_days_between(d(sd), d(r["held_date"])) <= 15
    out["icpcs"] = len(icpcs)
    out["icpc_15wd_%"] = pct(ok, len(icpcs))
    cp = read(folder, "cp_plans")
    out["cp_new"] = sum(s <= r["start_date"] <= e for r in cp)
    out["cp_open_at_end"] = len(open_at(cp, "start_date", "end_date", end))
    out["cin_open_at_end"] = len(open_at(read(folder, "cin_plans"), "start_date", "end_date", end))
    eps = read(folder, "care_episodes")
    series = [len(open_at(eps, "start_date", "end_date", m)) for m in month_ends(start, end)]
    out["cla_month_ends"] = series
    open_eps = open_at(eps, "start_date", "end_date", end)
    out["cla_legal_%"] = {
        k: pct(v, len(open_eps)) for k, v in Counter(r["legal_status"] for r in open_eps).most_common()
    }
    out["cla_inside_la_%"] = pct(sum(r["placement_inside_la"] == "Y" for r in open_eps), len(open_eps))
    leavers = [r for r in eps if r["end_date"] and s <= r["end_date"] <= e and r["reason_ceased"] != "X1"]
    recs = Counter(r["reason_ceased"] for r in leavers)
    out["cla_starts"] = sum(s <= r["start_date"] <= e and r["rne"] == "S" for r in eps)
    out["cla_leavers"] = len(leavers)
    out["adopted_%"] = pct(recs["E11"] + recs["E12"], len(leavers))
    out["sgo_%"] = pct(sum(recs[x] for x in ("E43", "E44", "E45", "E46", "E47", "E48")), len(leavers))
    # NI62: placements open in the 12 months (RNE other than L starts one)
    placements = defaultdict(int)
    for r in eps:
        if r["rne"] != "L" and r["start_date"] <= e and (not r["end_date"] or r["end_date"] > s):
            placements[r["child_id"]] += 1
    in_care = {r["child_id"] for r in open_eps}
    out["ni62_%"] = pct(sum(placements[c] >= 3 for c in in_care), len(in_care))
    children = {r["child_id"]: r for r in read(folder, "children")}
    out["uasc_in_care"] = sum(
        children[c]["uasc"] == "Y" and not children[c]["uasc_ceased_date"] for c in in_care
    )
    sexes = Counter(children[c]["sex"] for c in in_care)
    out["cla_male_%"] = pct(sexes["M"], len(in_care))
    statuses = defaultdict(list)
    for r in read(folder, "care_leavers"):
        if r["status_date"] <= e:
            statuses[r["child_id"]].append(r)
    latest = [max(v, key=lambda r: r["status_date"]) for v in statuses.values()]
    current = [r for r in latest if r["in_touch"] != "NREQ"]
    out["care_leavers"] = len(current)
    out["cl_in_touch_%"] = pct(sum(r["in_touch"] == "YES" for r in current), len(current))
    out["cl_eet_%"] = pct(sum(r["activity"] in EET_ACTIVITIES for r in current), len(current))
    out["cl_suitable_%"] = pct(sum(r["accommodation_suitable"] == "Y" for r in current), len(current))
    mis = in_year(read(folder, "missing_episodes"), "start_date")
    out["missing_per_month"] = {
        "home": round(sum(r["from_care"] == "N" for r in mis) / 12, 1),
        "care": round(sum(r["from_care"] == "Y" for r in mis) / 12, 1),
    }
    pop = read(folder, "population")
    out["population"] = int(pop[-1]["age_0_17"]) if pop else None
    out["cla_per_10k"] = round(len(in_care) / out["population"] * 10000, 1) if out["population"] else None
    posts = open_at(read(folder, "posts"), "start_date", "end_date", end)
    funded = [r for r in posts if r["funded"] == "Y"]
    out["posts_%"] = {k: pct(v, len(funded)) for k, v in Counter(r["status"] for r in funded).most_common()}
    out["unfunded_filled"] = sum(r["funded"] == "N" and r["status"] != "vacant" for r in posts)
    fam = read(folder, "families")
    out["families"] = {
        "attached": len(fam),
        "claimed_%": pct(sum(bool(r["claimed_date"]) for r in fam), len(fam)),
    }
    return out
