"""Section 8, hand-worked for March 2018: the period end is Saturday 2018-03-31, a year before it is
2017-03-31 and six months before it 2017-09-30.

Young people (age at 2018-03-31; team = allocation open at the end):
  A  18 (born 2000-03-31: birthday on the last day)  former_relevant  T1  care leaver
  B  17 (born 2000-04-01: 18 the day after)          former_relevant  T1  too young: not a care leaver (NEET)
  C  19  blank eligibility                                            T2  care leaver
  D  20  former_relevant, in_touch DIED                               T1  excluded everywhere
  E  22 (born 1996-02-29)  former_relevant, no allocation             LA  care leaver (LA only)
  F  26  former_relevant                                              T1  aged out
  G  24 (born 1993-04-01: 25 the day after)  former_relevant, REFU    T3  care leaver
  H  19  qualifying                                                   T2  not a care leaver (NEET only)
  I  16  relevant                                                     T2  not a care leaver
  J  no date of birth, former_relevant                                T1  excluded (age unknown)
  K  19  former_relevant, only a status dated 2018-04-01              T1  not yet a care leaver in March
  L  19  former_relevant                                              T2  care leaver
  M  15  relevant                                                     T1  too young for NEET
So the March care leavers are A, C, E, G, L: 5 at the LA, T1 1, T2 2, T3 1, SVC 3, SV2 1.
"""

from datetime import date

import pytest

from apps.care.models import CareLeaverStatus
from apps.kpis.models import MeasureSetting
from apps.people.models import Child
from apps.workforce.models import Allocation, Worker

from .conftest import assert_parts_sum_to_whole

P = "2018-03"
E = "at_end"


@pytest.fixture
def leavers(org):
    w1 = Worker.objects.create(worker_id="W1", name="PA one", team=org["T1"])
    w2 = Worker.objects.create(worker_id="W2", name="PA two", team=org["T1"], end_date=date(2018, 3, 31))

    def young(cid, dob, team=None):
        child = Child.objects.create(child_id=cid, sex="F", date_of_birth=dob)
        if team:
            Allocation.objects.create(
                allocation_id=f"al-{cid}", child=child, team=org[team], start_date=date(2016, 1, 1)
            )
        return child

    def status(child, on, **kw):
        CareLeaverStatus.objects.create(child=child, status_date=on, **kw)

    a = young("A", date(2000, 3, 31), "T1")
    status(
        a,
        date(2018, 3, 1),
        eligibility="former_relevant",
        in_touch="YES",
        last_contact_date=date(2018, 3, 31),
        activity="F1",
        accommodation="U",
        accommodation_suitable=True,
        pa_worker=w1,
        pathway_plan_review_date=date(2017, 10, 1),
    )
    b = young("B", date(2000, 4, 1), "T1")
    status(b, date(2018, 3, 1), eligibility="former_relevant", activity="G4", in_touch="YES")
    c = young("C", date(1999, 1, 15), "T2")
    status(
        c,
        date(2018, 2, 1),
        in_touch="NO",
        last_contact_date=date(2017, 3, 31),  # exactly a year before the end: not within 12 months
        activity="F4",
        accommodation="V",
        accommodation_suitable=False,
        pathway_plan_review_date=date(2017, 9, 30),  # exactly 6 months before: not within
    )
    d = young("D", date(1997, 6, 1), "T1")
    status(d, date(2018, 1, 1), eligibility="former_relevant", in_touch="DIED", activity="G4")
    e = young("E", date(1996, 2, 29))
    status(
        e,
        date(2017, 6, 1),
        eligibility="former_relevant",
        in_touch="YES",  # no last contact date: YES on a status within 12 months counts
        activity="P5",
        pa_worker=w2,  # left on the period end: not allocated at the end
    )
    status(  # after the period end: ignored for March, the status for April
        e,
        date(2018, 4, 1),
        eligibility="former_relevant",
        in_touch="YES",
        last_contact_date=date(2018, 4, 1),
        activity="F1",
    )
    f = young("F", date(1992, 3, 31), "T1")
    status(f, date(2018, 3, 1), eligibility="former_relevant", in_touch="YES", activity="G5")
    g = young("G", date(1993, 4, 1), "T3")
    status(g, date(2017, 1, 1), eligibility="former_relevant", in_touch="NO", activity="G6")  # superseded
    status(
        g,
        date(2017, 12, 1),
        eligibility="former_relevant",
        in_touch="REFU",
        last_contact_date=date(2017, 4, 1),  # a year and a day before the end: within
        activity="F2",
        accommodation="Z",
        accommodation_suitable=True,
        pa_worker=w1,
        pathway_plan_review_date=date(2018, 3, 31),
    )
    h = young("H", date(1999, 1, 1), "T2")
    status(h, date(2018, 3, 31), eligibility="qualifying", in_touch="YES", activity="G6")
    i = young("I", date(2001, 6, 1), "T2")
    status(i, date(2018, 3, 1), eligibility="relevant", activity="F2")
    j = Child.objects.create(child_id="J", sex="M")
    Allocation.objects.create(allocation_id="al-J", child=j, team=org["T1"], start_date=date(2016, 1, 1))
    status(j, date(2018, 3, 1), eligibility="former_relevant", activity="G4")
    k = young("K", date(1999, 3, 31), "T1")
    status(k, date(2018, 4, 1), eligibility="former_relevant", activity="F4")
    lee = young("L", date(1998, 5, 5), "T2")
    status(
        lee,
        date(2017, 3, 31),  # YES but the status itself is a year old: not in touch
        eligibility="former_relevant",
        in_touch="YES",
        accommodation="B",
        accommodation_suitable=True,
        pa_worker=w1,
    )
    m = young("M", date(2002, 4, 1), "T1")
    status(m, date(2018, 3, 1), eligibility="relevant", activity="G5")


def test_count_by_age(figures, leavers):
    f = figures("cl.count", P)
    assert f[(E, "LA", "", "")] == (5, None)  # A C E G L
    assert f[(E, "T1", "", "")] == (1, None)  # A (B 17, D died, F 26, J no DOB, K not yet)
    assert f[(E, "T2", "", "")] == (2, None)  # C L (H qualifying, I relevant)
    assert f[(E, "SVC", "", "")] == (3, None)
    assert f[(E, "SV2", "", "")] == (1, None)  # G
    assert f[(E, "LA", "age", "18")] == (1, None)  # A
    assert f[(E, "LA", "age", "19")] == (2, None)  # C L
    assert f[(E, "LA", "age", "22+")] == (2, None)  # E 22, G 24
    assert f[(E, "T2", "age", "19")] == (2, None)
    for org in ("LA", "SVC", "T1", "T2"):
        assert_parts_sum_to_whole(f, E, org, "age")
    empty = figures("cl.count", "2010-01")
    assert empty[(E, "LA", "", "")] == (0, None)


def test_eet(figures, leavers):
    f = figures("cl.eet", P)
    assert f[(E, "LA", "", "")] == (4, 5)  # A F1, C F4, E P5, G F2 (L blank)
    assert f[(E, "T2", "", "")] == (1, 2)  # C
    assert f[(E, "T1", "", "")] == (1, 1)
    assert f[(E, "LA", "eet_type", "higher_education")] == (1, 5)
    assert f[(E, "LA", "eet_type", "other_education")] == (1, 5)
    assert f[(E, "LA", "eet_type", "training_employment")] == (2, 5)  # C F4, E P5 (part-time employment)
    assert f[(E, "T2", "eet_type", "training_employment")] == (1, 2)
    for org in ("LA", "SVC", "T2", "SV2"):
        assert_parts_sum_to_whole(f, E, org, "eet_type")
    empty = figures("cl.eet", "2010-01")
    assert empty[(E, "LA", "", "")] == (0, 0)  # no care leavers: no value


def test_in_touch(figures, leavers):
    f = figures("cl.in_touch", P)
    # A contact on the end day; E YES with no date on a status of 2017-06-01; G contact 2017-04-01.
    # C contact exactly a year before; L YES on a status exactly a year old.
    assert f[(E, "LA", "", "")] == (3, 5)
    assert f[(E, "T1", "", "")] == (1, 1)
    assert f[(E, "T2", "", "")] == (0, 2)
    assert f[(E, "SVC", "", "")] == (1, 3)
    assert f[(E, "T3", "", "")] == (1, 1)


def test_suitable_accommodation(figures, leavers):
    f = figures("cl.suitable_accommodation", P)
    assert f[(E, "LA", "", "")] == (3, 5)  # A U, G Z, L B; C unsuitable, E unknown
    assert f[(E, "T2", "", "")] == (1, 2)
    assert f[(E, "LA", "accommodation", "U")] == (1, 5)
    assert f[(E, "LA", "accommodation", "Z")] == (1, 5)
    assert f[(E, "LA", "accommodation", "B")] == (1, 5)
    assert f[(E, "T2", "accommodation", "B")] == (1, 2)
    assert (E, "LA", "accommodation", "V") not in f  # C's V is not suitable
    for org in ("LA", "SVC", "T2", "SV2"):
        assert_parts_sum_to_whole(f, E, org, "accommodation")


def test_university(figures, leavers):
    f = figures("cl.university", P)
    assert f[(E, "LA", "", "")] == (1, None)  # A
    assert f[(E, "T1", "", "")] == (1, None)
    assert f[(E, "T2", "", "")] == (0, None)
    april = figures("cl.university", "2018-04")
    assert april[(E, "LA", "", "")] == (2, None)  # + E's status of 2018-04-01 (F1)


def test_neet(figures, leavers):
    f = figures("cl.neet", P)
    # B 17 G4 (T1), H 19 qualifying G6 (T2). Not: E's P5 (employment), D died, F 26, J no DOB, M 15, G's
    # superseded G6.
    assert f[(E, "LA", "", "")] == (2, None)
    assert f[(E, "T1", "", "")] == (1, None)
    assert f[(E, "T2", "", "")] == (1, None)
    assert f[(E, "SVC", "", "")] == (2, None)
    assert f[(E, "T3", "", "")] == (0, None)
    assert f[(E, "LA", "activity", "G4")] == (1, None)
    assert f[(E, "LA", "activity", "G6")] == (1, None)
    assert (E, "LA", "activity", "P5") not in f
    for org in ("LA", "SVC", "T1"):
        assert_parts_sum_to_whole(f, E, org, "activity")


@pytest.fixture
def code_years(org):
    """Former relevant young people aged 19 at 2018-03-31 (born 1998-06-01), one per activity code, each on
    an allocation: every code year's EET codes, 0 (not known) and a NEET code.

        T1: Y1 F3 (dated the period end; an older G5 superseded), Y2 P3, Y3 F5 (then 0 from 2018-04-01)
        T2: Y4 P5, Y5 F4, Y6 P4, Y7 0
        T3: Y8 0, Y9 G5, Y10 F1, Y11 P2
    """

    def young(cid, team, *statuses):
        child = Child.objects.create(child_id=cid, sex="M", date_of_birth=date(1998, 6, 1))
        Allocation.objects.create(
            allocation_id=f"al-{cid}", child=child, team=org[team], start_date=date(2016, 1, 1)
        )
        for on, activity in statuses:
            CareLeaverStatus.objects.create(
                child=child, status_date=on, eligibility="former_relevant", in_touch="YES", activity=activity
            )

    march = date(2018, 3, 1)
    young("Y1", "T1", (date(2017, 12, 1), "G5"), (date(2018, 3, 31), "F3"))
    young("Y2", "T1", (march, "P3"))
    young("Y3", "T1", (march, "F5"), (date(2018, 4, 1), "0"))
    young("Y4", "T2", (march, "P5"))
    young("Y5", "T2", (march, "F4"))
    young("Y6", "T2", (march, "P4"))
    young("Y7", "T2", (march, "0"))
    young("Y8", "T3", (march, "0"))
    young("Y9", "T3", (march, "G5"))
    young("Y10", "T3", (march, "F1"))
    young("Y11", "T3", (march, "P2"))


def test_eet_counts_every_code_year(figures, code_years):
    f = figures("cl.eet", P)
    # EET: Y1-Y6, Y10, Y11; not: Y7 Y8 (0, not known: still in the denominator), Y9 (G5).
    assert f[(E, "LA", "", "")] == (8, 11)
    assert f[(E, "T1", "", "")] == (3, 3)
    assert f[(E, "T2", "", "")] == (3, 4)
    assert f[(E, "T3", "", "")] == (2, 4)
    assert f[(E, "SVC", "", "")] == (6, 7)
    assert f[(E, "LA", "eet_type", "training_employment")] == (6, 11)  # F3 P3 F5 P5 F4 P4
    assert f[(E, "LA", "eet_type", "higher_education")] == (1, 11)
    assert f[(E, "LA", "eet_type", "other_education")] == (1, 11)
    assert f[(E, "T1", "eet_type", "training_employment")] == (3, 3)
    assert f[(E, "T2", "eet_type", "training_employment")] == (3, 4)
    assert f[(E, "T3", "eet_type", "higher_education")] == (1, 4)
    assert (E, "T3", "eet_type", "training_employment") not in f
    for org in ("LA", "SVC", "SV2", "T1", "T2", "T3"):
        assert_parts_sum_to_whole(f, E, org, "eet_type")
    april = figures("cl.eet", "2018-04")
    assert april[(E, "LA", "", "")] == (7, 11)  # Y3 is 0 (not known) from 2018-04-01
    assert april[(E, "T1", "", "")] == (2, 3)
    assert april[(E, "T1", "eet_type", "training_employment")] == (2, 3)


def test_neet_leaves_out_employment_and_not_known(figures, code_years):
    f = figures("cl.neet", P)
    assert f[(E, "LA", "", "")] == (1, None)  # Y9 G5 only; Y1's G5 is superseded on the period end
    assert f[(E, "T1", "", "")] == (0, None)
    assert f[(E, "T2", "", "")] == (0, None)
    assert f[(E, "T3", "", "")] == (1, None)
    assert f[(E, "LA", "activity", "G5")] == (1, None)
    assert_parts_sum_to_whole(f, E, "LA", "activity")
    before = figures("cl.neet", "2018-02")
    assert before[(E, "T1", "", "")] == (1, None)  # Y1 was G5 until 2018-03-31
    assert before[(E, "LA", "", "")] == (1, None)  # the others' statuses are dated 2018-03-01


def test_pathway_plan(figures, leavers):
    f = figures("cl.pathway_plan", P)
    assert f[(E, "LA", "", "")] == (2, 5)  # A 2017-10-01, G 2018-03-31; C 2017-09-30 is 6 months to the day
    assert f[(E, "T1", "", "")] == (1, 1)
    assert f[(E, "T2", "", "")] == (0, 2)
    MeasureSetting.objects.create(measure="cl.pathway_plan", parameters={"review_months": 12})
    f = figures("cl.pathway_plan", P)
    assert f[(E, "LA", "", "")] == (3, 5)  # + C
    assert f[(E, "T2", "", "")] == (1, 2)


def test_pa_allocated(figures, leavers):
    f = figures("cl.pa_allocated", P)
    assert f[(E, "LA", "", "")] == (3, 5)  # A G L have W1; E's W2 left on the end day; C none
    assert f[(E, "T2", "", "")] == (1, 2)
    assert f[(E, "SV2", "", "")] == (1, 1)
    assert f[(E, "T3", "", "")] == (1, 1)
