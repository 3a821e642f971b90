"""Sections 6, 6a and 7, hand-worked for March 2018: end 2018-03-31 (Good Friday 2018-03-30 is a bank holiday),
R12 and YTD both [2017-04-01, 2018-04-01).

Looked after at 2018-03-31 (open episode, its team else the allocation at the end):
  C1  M 2005-06-01 WBRI  e1d C2  K2/PR4 outside  T1   poc 2015-01-10  placement 2017-09-01  UASC (ceases 04-01)
  C2  F 2010-03-31 BAFR  e2b C2  U1/PR1 inside   T2*  poc 2015-06-01  placement 2015-06-01 (L run)
  C3  F 2014-02-01 MWAS  e3b E1  A4/PR1 blank    T1   poc 2015-09-30  placement 2017-01-01 (prev 2015-09-30)
  C4  M 2001-04-01 --    e4a V2  H5/PR4 outside  T3   poc 2017-03-31  UASC
  C5  F 2017-11-20 --    e5c L1  U5/PR4 inside   T1   poc 2018-03-01  placement 2018-03-31
  C12 M 2006-01-01 WBRI  e12c C2 U6/PR1 inside   T2   poc 2016-09-30  placement 2017-10-01  UASC ceased 03-31
  C13 F 2012-07-15 WIRI  e13e C2 U4/PR1 outside  T3   poc 2017-06-01  placement 2018-03-01
  (* by allocation.) Not looked after: C6 (V3 short breaks only), C7 (episode ended on 2018-03-31), C8-C11.
T1 holds C1 C3 C5, T2 C2 C12, T3 C4 C13: LA 7, SVC 5, SV2 2.
"""

from datetime import date

import pytest

from apps.care.derived import refresh_care_episode_spans, refresh_health_assessment_working_days
from apps.care.models import CareEpisode, CLAReview, HealthAssessment, MissingEpisode
from apps.core.models import Population
from apps.kpis.models import MeasureSetting
from apps.people.models import Child
from apps.plans.models import Visit
from apps.workforce.models import Allocation

from .conftest import assert_parts_sum_to_whole

D = date
P = "2018-03"


def episodes(org, child, rows):
    for i, (start, end, rne, ls, place, prov, team, rec, *inside) in enumerate(rows):
        CareEpisode.objects.create(
            episode_id=f"{child.child_id}-{i}",
            child=child,
            start_date=start,
            end_date=end,
            rne=rne,
            legal_status=ls,
            placement_type=place,
            placement_provider=prov,
            team=org[team] if team else None,
            reason_ceased=rec,
            placement_inside_la=inside[0] if inside else None,
        )


@pytest.fixture
def cic(org):
    kids = {}

    def child(cid, sex, dob, eth="", **kw):
        kids[cid] = Child.objects.create(child_id=cid, sex=sex, date_of_birth=dob, ethnicity=eth, **kw)
        return kids[cid]

    def alloc(aid, c, team, start, end=None):
        Allocation.objects.create(allocation_id=aid, child=c, team=org[team], start_date=start, end_date=end)

    c1 = child("C1", "M", D(2005, 6, 1), "WBRI", uasc=True, uasc_ceased_date=D(2018, 4, 1))
    episodes(
        org,
        c1,
        [
            (D(2015, 1, 10), D(2017, 5, 1), "S", "C2", "U4", "PR1", "T1", "X1"),
            (D(2017, 5, 1), D(2017, 9, 1), "P", "C2", "U6", "PR4", "T1", "X1"),
            (D(2017, 9, 1), D(2018, 1, 10), "P", "C1", "K2", "PR4", "T1", "X1"),
            (D(2018, 1, 10), None, "L", "C2", "K2", "PR4", "T1", "", False),
        ],
    )
    alloc("A1old", c1, "T2", D(2015, 1, 10), D(2018, 3, 31))  # ends on the end date: not open at it
    alloc("A1", c1, "T1", D(2018, 3, 31))

    c2 = child("C2", "F", D(2010, 3, 31), "BAFR")
    episodes(
        org,
        c2,
        [
            (D(2015, 6, 1), D(2016, 6, 1), "S", "C1", "U1", "PR1", None, "X1"),
            (D(2016, 6, 1), None, "L", "C2", "U1", "PR1", None, "", True),
        ],
    )
    alloc("A2", c2, "T2", D(2015, 1, 1))

    c3 = child("C3", "F", D(2014, 2, 1), "MWAS")
    episodes(
        org,
        c3,
        [
            (D(2015, 9, 30), D(2017, 1, 1), "S", "C2", "U4", "PR1", "T1", "X1"),
            (D(2017, 1, 1), None, "P", "E1", "A4", "PR1", "T1", ""),
        ],
    )
    alloc("A3", c3, "T3", D(2015, 9, 30))  # caseholding: held by SV2 although the episode says T1

    c4 = child("C4", "M", D(2001, 4, 1), uasc=True)
    episodes(org, c4, [(D(2017, 3, 31), None, "S", "V2", "H5", "PR4", "T3", "", False)])
    alloc("A4", c4, "T3", D(2017, 3, 31))

    c5 = child("C5", "F", D(2017, 11, 20))
    episodes(
        org,
        c5,
        [
            (D(2018, 3, 1), D(2018, 3, 10), "S", "V2", "U5", "PR4", "T1", "X1"),
            (D(2018, 3, 10), D(2018, 3, 31), "P", "V2", "U6", "PR1", None, "X1"),
            (D(2018, 3, 31), None, "P", "L1", "U5", "PR4", "T1", "", True),
        ],
    )  # no allocation

    c6 = child("C6", "M", D(2009, 9, 9), "MWBC")
    episodes(org, c6, [(D(2017, 1, 1), None, "S", "V3", "U6", "PR1", "T1", "")])

    c7 = child("C7", "F", D(2016, 5, 5))
    episodes(org, c7, [(D(2017, 2, 1), D(2018, 3, 31), "S", "C2", "U4", "PR1", None, "E11")])
    alloc("A7", c7, "T2", D(2017, 2, 1), D(2018, 3, 31))  # covers the last day in care, 2018-03-30

    c8 = child("C8", "M", D(2011, 1, 1))
    episodes(
        org,
        c8,
        [
            (D(2016, 1, 1), D(2017, 5, 1), "S", "C2", "U4", "PR1", "T3", "X1"),
            (D(2017, 5, 1), D(2017, 12, 1), "P", "C2", "U3", "PR1", "T3", "E45"),
        ],
    )
    c9 = child("C9", "M", D(2008, 8, 8))
    episodes(
        org,
        c9,
        [
            (D(2017, 3, 1), D(2017, 4, 1), "S", "V2", "U6", "PR1", "T1", "E4A"),
            (D(2017, 6, 1), D(2017, 8, 1), "S", "V2", "U6", "PR1", "T1", "E13"),
        ],
    )
    c10 = child("C10", "F", D(2009, 1, 1))
    episodes(org, c10, [(D(2016, 6, 1), D(2017, 3, 31), "S", "C2", "A5", "PR1", "T1", "E12")])
    c11 = child("C11", "M", D(2016, 1, 1))
    episodes(
        org,
        c11,
        [
            # Recorded as ceasing, but the next episode starts the same day: care continued.
            (D(2017, 5, 1), D(2017, 6, 1), "S", "V2", "U6", "PR1", "T2", "E13"),
            (D(2017, 6, 1), D(2017, 7, 1), "P", "E1", "A6", "PR1", "T2", "E11"),
        ],
    )

    c12 = child("C12", "M", D(2006, 1, 1), "WBRI", uasc=True, uasc_ceased_date=D(2018, 3, 31))
    episodes(
        org,
        c12,
        [
            (D(2016, 9, 30), D(2017, 4, 1), "S", "C2", "U4", "PR1", "T2", "X1"),  # ends on the R12 start
            (D(2017, 4, 1), D(2017, 10, 1), "P", "C2", "U4", "PR1", "T2", "X1"),
            (D(2017, 10, 1), None, "P", "C2", "U6", "PR1", "T2", "", True),
        ],
    )
    alloc("A12", c12, "T2", D(2016, 9, 30))

    c13 = child("C13", "F", D(2012, 7, 15), "WIRI")
    episodes(
        org,
        c13,
        [
            (D(2017, 6, 1), D(2017, 7, 1), "S", "V2", "U6", "PR1", None, "X1"),
            (D(2017, 7, 1), D(2017, 8, 15), "P", "V2", "R1", "PR4", None, "X1"),
            (D(2017, 8, 15), D(2017, 9, 1), "L", "C1", "R1", "PR4", None, "X1"),
            (D(2017, 9, 1), D(2018, 3, 1), "T", "C2", "U3", "PR1", None, "X1"),
            (D(2018, 3, 1), None, "P", "C2", "U4", "PR1", "T3", "", False),
        ],
    )
    alloc("A13", c13, "T3", D(2017, 6, 1))

    c20 = child("C20", "F", D(2010, 1, 1))  # never in care
    alloc("A20", c20, "T2", D(2017, 1, 1))

    Population.objects.create(year=2017, age_0_17=10000)
    refresh(kids)
    return kids


def refresh(kids):
    """The derived columns these measures read (refresh_derived_fields without its calendar check, which the
    migration has already filled)."""
    pks = [c.pk for c in kids.values()]
    refresh_care_episode_spans(pks)
    refresh_health_assessment_working_days(pks)


def _split(f, org, dim, basis="month"):
    """One breakdown's parts at one org unit: {breakdown value: (numerator, denominator)}."""
    return {bd: v for (b, o, d, bd), v in f.items() if (b, o, d) == (basis, org, dim)}


# --- the stock ------------------------------------------------------------------------------------------


def test_placement_spans_derived(cic):
    spans = dict(CareEpisode.objects.values_list("episode_id", "placement_start"))
    assert spans["C1-3"] == D(2017, 9, 1)  # L: same placement as C1-2
    assert spans["C2-1"] == D(2015, 6, 1)
    assert spans["C13-2"] == D(2017, 7, 1)


def test_count_and_rate(figures, cic):
    f = figures("cla.count", P)
    assert f[("at_end", "LA", "", "")] == (7, None)
    assert f[("at_end", "T1", "", "")] == (3, None)  # C1 C3 C5 (C6 short breaks only: left out)
    assert f[("at_end", "T2", "", "")] == (2, None)  # C2 by allocation, C12
    assert f[("at_end", "T3", "", "")] == (2, None)
    assert f[("at_end", "SVC", "", "")] == (5, None)
    r = figures("cla.count_rate", P)
    assert r[("at_end", "LA", "", "")] == (7, 10000)
    assert ("at_end", "T1", "", "") not in r


def test_legal_status(figures, cic):
    f = figures("cla.legal_status", P)
    assert f[("at_end", "LA", "", "")] == (7, 7)
    assert f[("at_end", "LA", "legal_status", "C2")] == (4, 7)  # C1 (after its L change) C2 C12 C13
    assert f[("at_end", "LA", "legal_status", "E1_adoptive")] == (1, 7)  # C3: E1 in A4
    assert f[("at_end", "LA", "legal_status", "V2")] == (1, 7)
    assert f[("at_end", "LA", "legal_status", "L1")] == (1, 7)
    assert f[("at_end", "T1", "legal_status", "C2")] == (1, 3)
    for org in ("LA", "SVC", "T1", "T3"):
        assert_parts_sum_to_whole(f, "at_end", org, "legal_status")


@pytest.fixture
def statuses(org):
    """One child looked after at 2018-03-31 per legal status group, in the booklet's order, with blanks.

    T1: S1 C1, S2 C2, S8 blank (episode starting on the last day), S10 V3 (left out)
    T2: S3 V2, S4 E1 in A5 (adoptive), S5 E1 in U4 (awaiting), S11 V4 (left out),
        S12 blank until 2018-03-31 then C2 (an L change on the last day)
    T3: S6 L1 (UASC), S7 J1, S9 blank (UASC), S14 D1
    S13 blank from 2018-04-01 (T1): April only.
    """
    kids = {}
    rows = [
        ("S1", "T1", [(D(2017, 5, 1), None, "S", "C1", "U4")]),
        ("S2", "T1", [(D(2016, 5, 1), None, "S", "C2", "U6")]),
        ("S3", "T2", [(D(2017, 9, 1), None, "S", "V2", "U4")]),
        ("S4", "T2", [(D(2016, 1, 1), None, "S", "E1", "A5")]),
        ("S5", "T2", [(D(2016, 2, 1), None, "S", "E1", "U4")]),
        ("S6", "T3", [(D(2018, 3, 30), None, "S", "L1", "U6")]),
        ("S7", "T3", [(D(2018, 2, 1), None, "S", "J1", "R5")]),
        ("S8", "T1", [(D(2018, 3, 31), None, "S", "", "U6")]),
        ("S9", "T3", [(D(2017, 8, 1), None, "S", "", "P2")]),
        ("S10", "T1", [(D(2017, 1, 1), None, "S", "V3", "U6")]),
        ("S11", "T2", [(D(2017, 1, 1), None, "S", "V4", "U6")]),
        (
            "S12",
            "T2",
            [(D(2017, 1, 1), D(2018, 3, 31), "S", "", "U4"), (D(2018, 3, 31), None, "L", "C2", "U4")],
        ),
        ("S13", "T1", [(D(2018, 4, 1), None, "S", "", "U4")]),
        ("S14", "T3", [(D(2015, 1, 1), None, "S", "D1", "U4")]),
    ]
    for cid, team, eps in rows:
        kids[cid] = Child.objects.create(
            child_id=cid, sex="M", date_of_birth=D(2008, 1, 1), uasc=cid in ("S6", "S9")
        )
        episodes(
            org,
            kids[cid],
            [
                (start, end, rne, ls, place, "PR1", team, "X1" if end else "")
                for start, end, rne, ls, place in eps
            ],
        )
    refresh(kids)
    return kids


def test_legal_status_booklet_layout_with_not_recorded(figures, statuses):
    f = figures("cla.legal_status", P)
    assert f[("at_end", "LA", "", "")] == (11, 11)  # S1-S9, S12, S14 (S10 V3, S11 V4 left out; S13 later)
    booklet = {
        "C1": 1,  # interim care order
        "C2": 2,  # full care order: S2, S12 (blank before its L change on the last day)
        "V2": 1,  # section 20
        "E1_adoptive": 1,  # placement order, in adoptive placement
        "E1_other": 1,  # placement order, awaiting placement
        "L1": 1,  # police protection
        "remand_youth": 1,  # remanded to LA accommodation or youth detention
        "not_recorded": 2,  # legal status has not been recorded: S8, S9
        "other": 1,  # S14 D1 (freeing order), none of the booklet's rows
    }
    assert _split(f, "LA", "legal_status", "at_end") == {k: (n, 11) for k, n in booklet.items()}
    assert _split(f, "T1", "legal_status", "at_end") == {"C1": (1, 3), "C2": (1, 3), "not_recorded": (1, 3)}
    assert _split(f, "T2", "legal_status", "at_end") == {
        "V2": (1, 4),
        "E1_adoptive": (1, 4),
        "E1_other": (1, 4),
        "C2": (1, 4),
    }
    assert _split(f, "T3", "legal_status", "at_end") == {
        "L1": (1, 4),
        "remand_youth": (1, 4),
        "not_recorded": (1, 4),
        "other": (1, 4),
    }
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, "at_end", org, "legal_status")
    feb = figures("cla.legal_status", "2018-02")
    assert feb[("at_end", "LA", "legal_status", "not_recorded")] == (2, 9)  # S9, S12 (S6 S8 not yet in care)
    april = figures("cla.legal_status", "2018-04")
    assert april[("at_end", "LA", "legal_status", "not_recorded")] == (3, 12)  # + S13
    assert april[("at_end", "T1", "legal_status", "not_recorded")] == (2, 4)


def test_blank_legal_status_is_looked_after_in_every_measure(figures, statuses):
    c = figures("cla.count", P)
    assert c[("at_end", "LA", "", "")] == (11, None)
    assert c[("at_end", "T1", "", "")] == (3, None)  # S1 S2 S8 (S10 short breaks)
    assert c[("at_end", "T2", "", "")] == (4, None)
    assert c[("at_end", "T3", "", "")] == (4, None)
    assert figures("cla.count_rate", P)[("at_end", "LA", "", "")] == (11, 0)  # no population: no value
    for code in (
        "cla.gender",
        "cla.ethnicity",
        "cla.age",
        "cla.time_in_care",
        "cla.caseholding",
        "cla.placement_location",
        "cla.placement_type",
    ):
        assert figures(code, P)[("at_end", "LA", "", "")] == (11, 11), code
    assert figures("cla.ni62", P)[("r12", "LA", "", "")][1] == 11
    assert figures("ps.placements_in_year", P)[("r12", "LA", "", "")][0] == 11
    u = figures("uasc.count", P)
    assert u[("at_end", "LA", "", "")] == (2, None)  # S6 L1, S9 blank
    assert _split(u, "LA", "legal_status", "at_end") == {"L1": (1, None), "not_recorded": (1, None)}
    assert _split(u, "T3", "legal_status", "at_end") == {"L1": (1, None), "not_recorded": (1, None)}
    assert_parts_sum_to_whole(u, "at_end", "LA", "legal_status")


def test_ni62(figures, cic):
    # Placements open in [2017-04-01, 2018-04-01): C1 3 (e1a open in April; e1c+e1d one placement), C5 3,
    # C13 4 (e13b+e13c one), C12 2 (e12a ended on 2017-04-01: not open in the window), others 1.
    f = figures("cla.ni62", P)
    assert f[("r12", "LA", "", "")] == (3, 7)
    assert f[("r12", "T1", "", "")] == (2, 3)
    assert f[("r12", "T2", "", "")] == (0, 2)
    assert f[("r12", "T3", "", "")] == (1, 2)


def test_ni63(figures, cic):
    # Under 16 and in care since 2015-09-30 (30 months back) or earlier: C1 (12), C2 (8), C3 (4, exactly 30
    # months); C4 is 16. Stable: C2 (placement since 2015-06-01 <= 2016-03-31), C3 (placed for adoption since
    # 2017-01-01, previous placement from 2015-09-30). C1's placement began 2017-09-01.
    f = figures("cla.ni63", P)
    assert f[("at_end", "LA", "", "")] == (2, 3)
    assert f[("at_end", "T1", "", "")] == (1, 2)
    assert f[("at_end", "T2", "", "")] == (1, 1)
    assert f[("at_end", "T3", "", "")] == (0, 0)  # no value


def test_iha(figures, cic):
    HealthAssessment.objects.bulk_create(
        [
            # C13: 2017-06-01 -> 06-29 is 20 working days: in time.
            HealthAssessment(
                health_assessment_id="h13", child=cic["C13"], kind="initial", completed_date=D(2017, 6, 29)
            ),
            # C4: 2017-03-31 -> 05-03 is 20 working days (Good Friday, Easter Monday, 1 May bank holidays).
            HealthAssessment(
                health_assessment_id="h4", child=cic["C4"], kind="initial", completed_date=D(2017, 5, 3)
            ),
            # C12: 2016-09-30 -> 11-01 is 22: late.
            HealthAssessment(
                health_assessment_id="h12", child=cic["C12"], kind="initial", completed_date=D(2016, 11, 1)
            ),
            # C1: before the period of care; C3: not an initial assessment.
            HealthAssessment(
                health_assessment_id="h1", child=cic["C1"], kind="initial", completed_date=D(2014, 12, 1)
            ),
            HealthAssessment(
                health_assessment_id="h3", child=cic["C3"], kind="review", completed_date=D(2016, 1, 1)
            ),
            # C5 entered care 2018-03-01, exactly 20 working days before the end: not yet due.
            HealthAssessment(
                health_assessment_id="h5", child=cic["C5"], kind="initial", completed_date=D(2018, 3, 2)
            ),
        ]
    )
    refresh(cic)
    f = figures("cla.iha_20wd", P)
    assert f[("at_end", "LA", "", "")] == (2, 6)  # due: all but C5
    assert f[("at_end", "T3", "", "")] == (2, 2)
    assert f[("at_end", "T1", "", "")] == (0, 2)
    assert f[("at_end", "T2", "", "")] == (0, 2)
    MeasureSetting.objects.create(measure="cla.iha_20wd", parameters={"iha_working_days": 22})
    f = figures("cla.iha_20wd", P)
    assert f[("at_end", "LA", "", "")] == (3, 6)  # C12 now in time; C5 still not due (20 <= 22)


def test_visits(figures, cic):
    rows = [
        ("v1", "C1", D(2018, 2, 17), "cla", True),  # exactly 42 days before the end
        ("v2", "C2", D(2018, 1, 5), "cla", True),  # long-term U1 for over a year: 3-monthly
        ("v3", "C3", D(2018, 2, 16), "cla", True),  # 43 days: late
        ("v4", "C4", D(2018, 3, 20), "cla", False),  # not seen
        ("v4b", "C4", D(2018, 1, 1), "cla", True),
        ("v12", "C12", D(2018, 3, 1), "cin", True),  # not a CLA visit
        ("v13", "C13", D(2018, 2, 25), "cla", True),  # before the current placement (2018-03-01)
        ("v13b", "C13", D(2018, 4, 2), "cla", True),  # after the end
    ]  # C5: placed on 2018-03-31, first visit not yet due
    for vid, c, d, kind, seen in rows:
        Visit.objects.create(visit_id=vid, child=cic[c], visit_date=d, kind=kind, seen=seen)
    f = figures("cla.visits_in_time", P)
    assert f[("at_end", "LA", "", "")] == (3, 7)  # C1 C2 C5
    assert f[("at_end", "T1", "", "")] == (2, 3)
    assert f[("at_end", "T2", "", "")] == (1, 2)
    assert f[("at_end", "T3", "", "")] == (0, 2)


def test_characteristics(figures, cic):
    g = figures("cla.gender", P)
    assert g[("at_end", "LA", "gender", "male")] == (3, 7)  # C1 C4 C12
    assert g[("at_end", "LA", "gender", "female")] == (4, 7)
    assert_parts_sum_to_whole(g, "at_end", "LA", "gender")
    ratio = figures("cla.gender_ratio", P)
    assert ratio[("at_end", "LA", "", "")] == (3, 4)
    assert ratio[("at_end", "T1", "", "")] == (1, 2)
    eth = figures("cla.ethnicity", P)
    assert eth[("at_end", "LA", "ethnicity", "White")] == (3, 7)
    assert eth[("at_end", "LA", "ethnicity", "Black")] == (1, 7)
    assert eth[("at_end", "LA", "ethnicity", "Mixed")] == (1, 7)
    assert eth[("at_end", "LA", "ethnicity", "Missing")] == (2, 7)
    assert_parts_sum_to_whole(eth, "at_end", "T1", "ethnicity")
    age = figures("cla.age", P)
    # C2 turns 8 on 2018-03-31; C13 is 5; C3 4; C5 0; C1 and C12 12; C4 16.
    assert age[("at_end", "LA", "age_band", "0-4")] == (2, 7)
    assert age[("at_end", "LA", "age_band", "5-9")] == (2, 7)
    assert age[("at_end", "LA", "age_band", "10-15")] == (2, 7)
    assert age[("at_end", "LA", "age_band", "16+")] == (1, 7)
    assert age[("at_end", "T3", "age_band", "16+")] == (1, 2)
    assert_parts_sum_to_whole(age, "at_end", "LA", "age_band")


def test_time_in_care(figures, cic):
    f = figures("cla.time_in_care", P)
    # 6/12/18/24 months back: 2017-09-30, 2017-03-31, 2016-09-30, 2016-03-31 (a band's lower bound inclusive).
    assert f[("at_end", "LA", "months", "0-6")] == (1, 7)  # C5
    assert f[("at_end", "LA", "months", "6-12")] == (1, 7)  # C13
    assert f[("at_end", "LA", "months", "12-18")] == (1, 7)  # C4, exactly 12 months
    assert f[("at_end", "LA", "months", "18-24")] == (1, 7)  # C12, exactly 18 months
    assert f[("at_end", "LA", "months", "24+")] == (3, 7)
    assert f[("at_end", "T2", "months", "24+")] == (1, 2)
    for org in ("LA", "T1", "T2", "SV2"):
        assert_parts_sum_to_whole(f, "at_end", org, "months")


def test_caseholding_location_type(figures, cic):
    f = figures("cla.caseholding", P)
    # Allocations at the end: C1 T1 (its T2 allocation ended on the day), C2 C12 T2, C3 C4 C13 T3, C5 none.
    assert f[("at_end", "LA", "service", "SVC")] == (3, 7)
    assert f[("at_end", "LA", "service", "SV2")] == (3, 7)
    assert f[("at_end", "LA", "service", "not_recorded")] == (1, 7)
    assert f[("at_end", "T3", "", "")] == (3, 3)
    assert f[("at_end", "T1", "", "")] == (1, 1)
    assert_parts_sum_to_whole(f, "at_end", "LA", "service")
    loc = figures("cla.placement_location", P)
    assert loc[("at_end", "LA", "location", "inside")] == (3, 7)  # C2 C5 C12
    assert loc[("at_end", "LA", "location", "outside")] == (3, 7)
    assert loc[("at_end", "LA", "location", "not_recorded")] == (1, 7)  # C3
    assert loc[("at_end", "T3", "location", "outside")] == (2, 2)
    assert_parts_sum_to_whole(loc, "at_end", "T1", "location")
    t = figures("cla.placement_type", P)
    assert t[("at_end", "LA", "placement_group", "in_house_fostering")] == (2, 7)  # C12 U6, C13 U4 (PR1)
    assert t[("at_end", "LA", "placement_group", "kinship_fostering")] == (1, 7)  # C2 U1
    assert t[("at_end", "LA", "placement_group", "ifa_fostering")] == (1, 7)  # C5 U5 PR4
    assert t[("at_end", "LA", "placement_group", "residential")] == (1, 7)  # C1 K2
    assert t[("at_end", "LA", "placement_group", "placed_for_adoption")] == (1, 7)
    assert t[("at_end", "LA", "placement_group", "independence")] == (1, 7)  # C4 H5
    assert t[("at_end", "T1", "placement_group", "residential")] == (1, 3)
    assert_parts_sum_to_whole(t, "at_end", "LA", "placement_group")


# --- flows ----------------------------------------------------------------------------------------------


def test_adopted_and_sgo(figures, cic):
    # Ceasing care in [2017-04-01, 2018-04-01): C7 (E11, ended 2018-03-31, T2 by the allocation covering its
    # last day), C8 (E45, T3), C9 once (E4A on 2017-04-01 and E13 later: the last one), C11 (E11; its E13
    # episode was followed the same day). C10 ceased 2017-03-31; X1 endings are not ceasing.
    a = figures("cla.adopted_ytd", P)
    assert a[("ytd", "LA", "", "")] == (2, 4)
    assert a[("ytd", "T2", "", "")] == (2, 2)
    assert a[("ytd", "T1", "", "")] == (0, 1)
    assert a[("ytd", "SVC", "", "")] == (2, 3)
    s = figures("cla.sgo_ytd", P)
    assert s[("ytd", "LA", "", "")] == (1, 4)
    assert s[("ytd", "T3", "", "")] == (1, 1)
    assert figures("cla.adopted_ytd", "2017-03")[("ytd", "LA", "", "")] == (1, 1)  # 2016/17: C10 (E12) only


def reviews(cic, rows):
    for i, (c, d, pn) in enumerate(rows):
        CLAReview.objects.create(review_id=f"r{i}", child=cic[c], review_date=d, participation=pn)


REVIEWS = [
    ("C1", D(2014, 6, 1), ""),  # before the period of care
    ("C1", D(2015, 2, 1), ""),
    ("C1", D(2017, 3, 31), "PN1"),  # before R12
    ("C1", D(2017, 9, 30), "PN2"),
    ("C1", D(2018, 3, 31), ""),  # third of the period: 6 months after 2017-09-30 is 2018-03-30 - late
    ("C3", D(2018, 1, 31), "PN5"),  # aged 3 the day before her 4th birthday
    ("C3", D(2018, 2, 1), "PN4"),  # aged 4
    ("C4", D(2017, 4, 20), "PN3"),
    ("C4", D(2017, 7, 21), "PN7"),
    ("C4", D(2017, 12, 31), "PN1"),
    ("C5", D(2018, 3, 5), "PN0"),  # first: 2 working days after 2018-03-01
    ("C5", D(2018, 3, 29), "PN0"),  # second: within 3 months of the first
    ("C13", D(2017, 6, 20), "PN1"),
    ("C13", D(2017, 9, 20), "PN7"),
    ("C13", D(2018, 3, 20), "PN6"),  # third: exactly 6 months after the second
    ("C20", D(2018, 3, 15), ""),  # never looked after
    ("C13", D(2018, 4, 1), "PN1"),  # April
]


def test_review_participation(figures, cic):
    reviews(cic, REVIEWS)
    f = figures("cla.review_participation", P)
    # Aged 4+: C1 PN2 (blank not counted); C3 PN4; C4 PN3 PN7 PN1; C13 PN1 PN7 PN6 -> 6 of 8.
    assert f[("r12", "LA", "", "")] == (6, 8)
    assert f[("r12", "T1", "", "")] == (2, 2)  # C1, C3
    assert f[("r12", "T3", "", "")] == (4, 6)  # C4 by its episode, C13 by allocation (no team on the episode)
    assert f[("r12", "T2", "", "")] == (0, 0)


def test_reviews_in_time(figures, cic):
    reviews(cic, REVIEWS)
    f = figures("cla.reviews_in_time", P)
    # March: C5 03-05 (first, 2 WD) and 03-29 (second) in time, C13 03-20 in time, C1 03-31 late; C20 left out.
    assert f[("month", "LA", "", "")] == (3, 4)
    assert f[("month", "T1", "", "")] == (1, 2)  # C5 03-05 (episode T1), C1; C5 03-29 is on a team-less
    assert f[("month", "T3", "", "")] == (1, 1)  # episode and unallocated: LA only
    # Calendar-month clamp: 2017-08-31 + 6 months = 2018-02-28.
    CLAReview.objects.create(review_id="x1", child=cic["C12"], review_date=D(2016, 10, 28))
    CLAReview.objects.create(review_id="x2", child=cic["C12"], review_date=D(2017, 1, 27))
    CLAReview.objects.create(review_id="x3", child=cic["C12"], review_date=D(2017, 8, 31))
    CLAReview.objects.create(review_id="x4", child=cic["C12"], review_date=D(2018, 2, 28))
    feb = figures("cla.reviews_in_time", "2018-02")
    assert feb[("month", "T2", "", "")] == (1, 1)
    oct16 = figures("cla.reviews_in_time", "2016-10")
    assert oct16[("month", "LA", "", "")] == (1, 1)  # 20 working days after 2016-09-30
    jan = figures("cla.reviews_in_time", "2017-01")
    assert jan[("month", "LA", "", "")] == (1, 1)  # second, 2016-10-28 + 3 months = 2017-01-28


@pytest.fixture
def missing(cic):
    """Missing and absent episodes around March 2018 (team: the open episode's, else the allocation, at the
    start). From care: the recorded flag, else looked after (not V3/V4 short breaks only) at the start.

        m1  C5  missing 03-05 -> 03-07   flag blank: in care -> from care       T1  offered, accepted
        m2  C20 missing 02-27 -> 03-01   from home                              T2  offered, refused
        m3  C20 missing 03-31 -> open    from home                              T2
        m4  C1  absent  03-10 -> 03-11   from care                              T1
        m5  C13 missing 03-20 -> 04-02   from care                              T3
        m6  C4  missing 01-30 -> 03-31   from care                              T3  not offered
        m7  C6  absent  03-15 -> 04-03   flag blank, short breaks only: home    T1
        m8  C7  missing 03-31 -> open    flag blank, care ended 03-31: home     LA only
        m9  C2  absent  03-01 -> 03-01   flag blank: in care -> from care       T2  offered, accepted
        m10 C20 absent  02-28 -> 03-02   from home                              T2  not offered
        m11 C12 missing 04-01 -> 04-01   from care (April)                      T2
    """
    rows = [
        ("m1", "C5", "missing", D(2018, 3, 5), D(2018, 3, 7), None, True, True),
        ("m2", "C20", "missing", D(2018, 2, 27), D(2018, 3, 1), False, True, False),
        ("m3", "C20", "missing", D(2018, 3, 31), None, False, None, None),
        ("m4", "C1", "absent", D(2018, 3, 10), D(2018, 3, 11), True, None, None),
        ("m5", "C13", "missing", D(2018, 3, 20), D(2018, 4, 2), True, None, None),
        ("m6", "C4", "missing", D(2018, 1, 30), D(2018, 3, 31), True, False, None),
        ("m7", "C6", "absent", D(2018, 3, 15), D(2018, 4, 3), None, None, None),
        ("m8", "C7", "missing", D(2018, 3, 31), None, None, None, None),
        ("m9", "C2", "absent", D(2018, 3, 1), D(2018, 3, 1), None, True, True),
        ("m10", "C20", "absent", D(2018, 2, 28), D(2018, 3, 2), False, False, None),
        ("m11", "C12", "missing", D(2018, 4, 1), D(2018, 4, 1), None, None, None),
    ]
    for eid, c, kind, start, end, from_care, offered, accepted in rows:
        MissingEpisode.objects.create(
            episode_id=eid,
            child=cic[c],
            kind=kind,
            start_date=start,
            end_date=end,
            from_care=from_care,
            return_interview_offered=offered,
            return_interview_accepted=accepted,
        )


MISSING_DIMS = ("source", "kind", "kind_source")


def test_missing_episodes_booklet_layout(figures, missing):
    """The booklet's 'Overall number of missing episodes': from home and from care, absent ones included."""
    f = figures("mis.episodes", P)
    assert f[("month", "LA", "", "")] == (
        7,
        None,
    )  # m1 m3 m4 m5 m7 m8 m9 (m2 m6 m10 began earlier, m11 later)
    assert _split(f, "LA", "source") == {"from_home": (3, None), "from_care": (4, None)}
    assert _split(f, "LA", "kind") == {"missing": (4, None), "absent": (3, None)}
    assert _split(f, "LA", "kind_source") == {
        "missing|from_care": (2, None),  # m1 m5
        "missing|from_home": (2, None),  # m3 m8
        "absent|from_care": (2, None),  # m4 m9
        "absent|from_home": (1, None),  # m7
    }
    assert f[("month", "T1", "", "")] == (3, None)  # m1 m4 m7
    assert _split(f, "T1", "source") == {"from_care": (2, None), "from_home": (1, None)}
    assert _split(f, "T1", "kind") == {"missing": (1, None), "absent": (2, None)}
    assert f[("month", "T2", "", "")] == (2, None)  # m3 (C20) and m9 (C2), both by allocation
    assert _split(f, "T2", "kind_source") == {"missing|from_home": (1, None), "absent|from_care": (1, None)}
    assert f[("month", "T3", "source", "from_care")] == (1, None)  # m5: C13 by its episode on 03-20
    assert f[("month", "SVC", "", "")] == (5, None)
    assert f[("month", "SV2", "", "")] == (1, None)
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        for dim in MISSING_DIMS:
            assert_parts_sum_to_whole(f, "month", org, dim)
    april = figures("mis.episodes", "2018-04")
    assert april[("month", "LA", "", "")] == (1, None)  # m11
    assert _split(april, "LA", "source") == {"from_care": (1, None)}


def test_missing_mean_length(figures, missing):
    f = figures("mis.mean_length", P)
    # Ending in March: m1 2 days, m2 2 (27 Feb -> 1 Mar 2018), m4 1, m6 60 (30 Jan -> 31 Mar), m9 0 (same
    # day), m10 2 (28 Feb -> 2 Mar).
    assert f[("month", "LA", "", "")] == (67, 6)
    assert _split(f, "LA", "source") == {"from_care": (63, 4), "from_home": (4, 2)}
    assert _split(f, "LA", "kind") == {"missing": (64, 3), "absent": (3, 3)}
    assert _split(f, "LA", "kind_source") == {
        "missing|from_care": (62, 2),
        "missing|from_home": (2, 1),
        "absent|from_care": (1, 2),
        "absent|from_home": (2, 1),
    }
    assert f[("month", "T1", "", "")] == (3, 2)  # m1 m4
    assert f[("month", "T2", "", "")] == (4, 3)  # m2 m9 m10
    assert f[("month", "T3", "", "")] == (60, 1)
    for org in ("LA", "T1", "T2"):
        for dim in MISSING_DIMS:
            parts = _split(f, org, dim).values()
            assert sum(n for n, _ in parts) == f[("month", org, "", "")][0]
            assert sum(d for _, d in parts) == f[("month", org, "", "")][1]


def test_return_interviews(figures, missing):
    f = figures("mis.return_interview", P)
    assert f[("month", "LA", "", "")] == (3, 6)  # m1 m2 m9 offered; m4 m6 m10 not
    assert _split(f, "LA", "source") == {"from_care": (2, 4), "from_home": (1, 2)}
    assert _split(f, "LA", "kind") == {"missing": (2, 3), "absent": (1, 3)}
    assert f[("month", "T2", "", "")] == (2, 3)
    a = figures("mis.return_interview_accepted", P)
    assert a[("month", "LA", "", "")] == (2, 3)  # m1 m9 of m1 m2 m9
    assert a[("month", "LA", "source", "from_home")] == (0, 1)
    assert a[("month", "LA", "kind", "absent")] == (1, 1)
    assert a[("month", "T1", "", "")] == (1, 1)
    assert a[("month", "T2", "", "")] == (1, 2)
    assert a[("month", "T3", "", "")] == (0, 0)  # m6 was not offered: no value
    for fig in (f, a):
        for org in ("LA", "SVC", "T2"):
            for dim in MISSING_DIMS:
                parts = _split(fig, org, dim).values()
                assert sum(n for n, _ in parts) == fig[("month", org, "", "")][0]
                assert sum(d for _, d in parts) == fig[("month", org, "", "")][1]


# --- 6a placement stability -----------------------------------------------------------------------------


def test_placements_in_year(figures, cic):
    f = figures("ps.placements_in_year", P)
    assert f[("r12", "LA", "placements", "1")] == (3, 7)  # C2 C3 C4
    assert f[("r12", "LA", "placements", "2")] == (1, 7)  # C12
    assert f[("r12", "LA", "placements", "3")] == (2, 7)  # C1 C5
    assert f[("r12", "LA", "placements", "4")] == (1, 7)  # C13
    assert ("r12", "LA", "placements", "5+") not in f
    assert f[("r12", "T1", "placements", "3")] == (2, 3)
    assert_parts_sum_to_whole(f, "r12", "LA", "placements")


def test_third_placements(figures, cic):
    # A placement starting on P is a third when 3 placements were open between the same date a year earlier
    # and P. Month: C5's 2018-03-31. YTD: + C1 and C13 on 2017-09-01, C12 on 2017-10-01 (its first placement
    # ended 2017-04-01, inside the 12 months); C13's 2018-03-01 placement is a fourth.
    f = figures("ps.third_placements", P)
    assert f[("month", "LA", "", "")] == (1, None)
    assert f[("month", "T1", "", "")] == (1, None)
    assert f[("ytd", "LA", "", "")] == (4, None)
    assert f[("ytd", "T1", "", "")] == (2, None)
    assert f[("ytd", "T2", "", "")] == (1, None)
    assert f[("ytd", "T3", "", "")] == (1, None)  # C13's episode has no team: allocation at 2017-09-01


def test_time_and_age_at_third_and_second_type(figures, cic):
    t = figures("ps.time_to_third", P)
    # C1 2015-01-10 -> 2017-09-01: 31 months; C5 2018-03-01 -> 03-31: 0; C13 2017-06-01 -> 09-01: 3.
    assert t[("r12", "LA", "", "")] == (3, 3)
    assert t[("r12", "LA", "months", "24+")] == (1, 3)
    assert t[("r12", "LA", "months", "<1")] == (1, 3)
    assert t[("r12", "LA", "months", "1-3")] == (1, 3)
    assert t[("r12", "T3", "months", "1-3")] == (1, 1)
    assert_parts_sum_to_whole(t, "r12", "LA", "months")
    a = figures("ps.age_at_third", P)
    assert a[("r12", "LA", "age_band", "11-15")] == (1, 3)  # C1 12 on 2017-09-01
    assert a[("r12", "LA", "age_band", "under_1")] == (1, 3)  # C5
    assert a[("r12", "LA", "age_band", "1-5")] == (1, 3)  # C13 5 on 2017-09-01
    assert_parts_sum_to_whole(a, "r12", "T1", "age_band")
    s = figures("ps.second_placement_type", P)
    assert s[("r12", "LA", "placement_group", "ifa_fostering")] == (1, 3)  # C1 U6 PR4
    assert s[("r12", "LA", "placement_group", "in_house_fostering")] == (1, 3)  # C5 U6 PR1
    assert s[("r12", "LA", "placement_group", "external_residential")] == (1, 3)  # C13 R1 PR4
    assert s[("r12", "T1", "", "")] == (2, 2)
    assert s[("r12", "T2", "", "")] == (0, 0)
    assert_parts_sum_to_whole(s, "r12", "LA", "placement_group")


# --- 7 UASC ---------------------------------------------------------------------------------------------


def test_uasc(figures, cic):
    # UASC at 2018-03-31: C1 (ceases 2018-04-01) and C4; C12 ceased on the day.
    c = figures("uasc.count", P)
    assert c[("at_end", "LA", "", "")] == (2, None)
    assert c[("at_end", "LA", "legal_status", "C2")] == (1, None)
    assert c[("at_end", "LA", "legal_status", "V2")] == (1, None)
    assert c[("at_end", "T1", "", "")] == (1, None)
    assert c[("at_end", "T2", "", "")] == (0, None)
    assert_parts_sum_to_whole(c, "at_end", "LA", "legal_status")
    t = figures("uasc.time_in_care", P)
    assert t[("at_end", "LA", "years", "3")] == (1, 2)  # C1 since 2015-01-10
    assert t[("at_end", "LA", "years", "1")] == (1, 2)  # C4 since 2017-03-31: exactly a year
    assert_parts_sum_to_whole(t, "at_end", "LA", "years")
    mean = figures("uasc.time_in_care_mean", P)
    num, den = mean[("at_end", "LA", "", "")]
    assert den == 2 and abs(float(num) - (1176 + 365) / 365.25) < 1e-5
    num, den = mean[("at_end", "T3", "", "")]
    assert (float(num), den) == (pytest.approx(0.999316), 1)  # 365 days / 365.25
    pl = figures("uasc.placement", P)
    assert pl[("at_end", "LA", "placement_group", "residential")] == (1, 2)
    assert pl[("at_end", "LA", "placement_group", "independence")] == (1, 2)
    team = figures("uasc.by_team", P)
    assert team[("at_end", "LA", "team", "T1")] == (1, 2)
    assert team[("at_end", "LA", "team", "T3")] == (1, 2)
    assert team[("at_end", "T3", "team", "T3")] == (1, 1)
    eth = figures("uasc.ethnicity", P)
    assert eth[("at_end", "LA", "ethnicity", "White")] == (1, 2)
    assert eth[("at_end", "LA", "ethnicity", "Missing")] == (1, 2)
    ga = figures("uasc.gender_age", P)
    assert ga[("at_end", "LA", "gender", "male")] == (2, 2)
    assert ga[("at_end", "LA", "age", "16")] == (1, 2)
    assert ga[("at_end", "LA", "gender_age", "male|12")] == (1, 2)
    assert ga[("at_end", "LA", "gender_age", "male|16")] == (1, 2)
    for dim in ("gender", "age", "gender_age"):
        assert_parts_sum_to_whole(ga, "at_end", "LA", dim)


def test_empty_month_has_no_values(figures, org):
    for code in ("cla.ni62", "cla.ni63", "cla.iha_20wd", "cla.visits_in_time", "cla.legal_status"):
        f = figures(code, P)
        assert set(f.values()) == {(0, 0)}, code
    assert figures("cla.count_rate", P)[("at_end", "LA", "", "")] == (0, 0)


def test_overlapping_episodes_count_once(figures, org):
    kid = Child.objects.create(child_id="X", sex="M", date_of_birth=D(2010, 1, 1))
    episodes(
        org,
        kid,
        [
            (D(2017, 1, 1), None, "S", "C1", "U4", "PR1", "T1", ""),  # never closed by the record system
            (D(2018, 2, 1), None, "P", "C2", "U6", "PR1", "T2", ""),  # the latest open one counts
        ],
    )
    f = figures("cla.count", P)
    assert f[("at_end", "LA", "", "")] == (1, None)
    assert f[("at_end", "T2", "", "")] == (1, None)
    assert f[("at_end", "T1", "", "")] == (0, None)


def test_queries_do_not_grow_with_data(cic, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.periods import Period
    from apps.kpis.engine import Ctx
    from apps.kpis.registry import load

    codes = sorted(c for c in load() if c.split(".")[0] in ("cla", "mis", "ps", "uasc"))

    def counts():
        out = {}
        for code in codes:
            with CaptureQueriesContext(connection) as q:
                list(load()[code].compute(Ctx(Period.parse(P))))
            out[code] = len(q)
        return out

    before = counts()
    for i in range(3):
        kid = Child.objects.create(child_id=f"N{i}", sex="F", date_of_birth=D(2012, 1, 1))
        episodes(
            org,
            kid,
            [
                (D(2017, 1, 1 + i), D(2017, 8, 1), "S", "C2", "U4", "PR1", "T1", "X1"),
                (D(2017, 8, 1), None, "P", "C2", "U6", "PR1", None, ""),
            ],
        )
        MissingEpisode.objects.create(
            episode_id=f"mN{i}", child=kid, kind="missing", start_date=D(2018, 3, 2), end_date=D(2018, 3, 3)
        )
    assert counts() == before
    # Alone, a measure also pays for the shared selection of the looked-after population (Ctx.remembered),
    # which a month's run makes once for all of them.
    assert max(before.values()) <= 5
