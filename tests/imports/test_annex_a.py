"""import_statutory --format annex_a: workbooks built here with openpyxl, and the three public Annex A samples
(../shared/samples/annex_a, skipped when absent), whose expected figures are worked out here from the
workbooks with openpyxl directly, by the rules the importer documents (apps/imports/statutory/annex_a.py)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.assessments.models import Assessment, Conference, S47Enquiry, StrategyDiscussion
from apps.care.models import Adoption, CareEpisode, CareLeaverStatus, CLAReview, HealthAssessment
from apps.frontdoor.models import Contact, EarlyHelpEpisode, Referral
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import records_upsert, statutory_import
from apps.people.models import Child
from apps.plans.models import CINPlan, CPPlan, Visit

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples" / "annex_a"
LIIA = SAMPLES / "liia-tools__Annex_A.xlsx"
LIIA_2024 = SAMPLES / "liia-tools-pipeline__Annex_A_2024_Jan.xlsx"
TEMPLATE_2019 = SAMPLES / "cscdp__Ofsted_AnnexA_template_Aug2019__2015-01-sample.xlsx"
needs_samples = pytest.mark.skipif(not LIIA.exists(), reason="../shared/samples/annex_a not present")

PERSON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
L1 = [*PERSON, "Date of Contact", "Contact Source"]
L3 = [
    *PERSON,
    "Date of Referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
]
L6 = [
    *PERSON,
    "Does the Child have a Disability",
    "CIN Start Date",
    "Primary Need Code",
    "Date Child Was Last Seen",
    "CIN Closure Date",
    "Reason for Closure",
    "Case Status",
]
L8 = [
    *PERSON,
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Health Assessment",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "Placement Location",
]


def table_counts() -> dict[str, int]:
    """Rows of every table of the project (import runs left out: every attempt writes one)."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m is not ImportRun
    }


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def run_import(path, **kw) -> ImportRun:
    # The working-day calendar is not what these tests look at; filling it takes longer than the import.
    with mock.patch("apps.imports.derived.ensure_calendar"):
        return statutory_import(format="annex_a", paths=[path], **kw)


def warnings_at(run: ImportRun, sheet: str, text: str = "") -> set[tuple]:
    return {
        (w["row"], w["column"], w["value"])
        for w in run.warnings
        if w["file"] == sheet and text in w["reason"]
    }


def d(y, m, day) -> datetime:
    return datetime(y, m, day)  # noqa: DTZ001 - an Excel date cell


# -- headers, sheets, values -------------------------------------------------------------------------------


def test_headers_title_rows_and_sheet_names_are_matched_loosely(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "Front page": [["Annex A"], ["Lists 1 - 11"]],
            "List_1": [
                ["List 1: Contacts"],
                ["Supplied by the council", None, "as at 01/10/2020"],
                [],
                # Spaces, case, a line break in a cell, the short "Age".
                [
                    "  child unique ID ",
                    "GENDER",
                    "Ethnicity",
                    "Date of\nBirth",
                    "Age",
                    "Date of Contact ",
                    "Contact Source",
                ],
                ["C1", "b) Female", "a) WBRI", d(2015, 1, 25), 5, d(2020, 9, 16), "q) 6: Police"],
            ],
            "List 3 - Referrals": [
                [*PERSON[:4], "Age of Child (Years)", "Date of referral", "Referral Source", "Referral NFA?"],
                ["C1", "Female", "WBRI", d(2015, 1, 25), 5, d(2020, 9, 17), "6: Police", "b) No"],
            ],
            "Assessments": [
                ["List 4: Assessments"],
                [
                    *PERSON,
                    "Continuous Assessment Start Date",
                    "Child Seen During Continuous Assessment",
                    "Continuous Assessment Date of Authorisation",
                    # The template's curly apostrophe and no question mark.
                    "Was the child assessed as requiring LA children\u2019s social care support",
                ],
                [
                    "C1",
                    "b) Female",
                    "a) WBRI",
                    d(2015, 1, 25),
                    5,
                    d(2020, 9, 18),
                    "a) Yes",
                    d(2020, 10, 1),
                    "b) No",
                ],
            ],
        },
    )
    run = run_import(path)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["List_1"] == {"rows": 1, "left_out": 0}
    assert run.counts["Assessments"] == {"rows": 1, "left_out": 0}
    assert not [w for w in run.warnings if "guess" in w["reason"] or "stored blank" in w["reason"]]
    contact = Contact.objects.get()
    assert (contact.contact_id, contact.source, timezone.localtime(contact.received_at).date()) == (
        "C1-CT20200916",
        "6",
        date(2020, 9, 16),
    )
    referral = Referral.objects.get()
    assert (referral.referral_id, referral.source, referral.nfa) == ("C1-RF20200917", "6", False)
    a = Assessment.objects.get()
    assert (a.assessment_id, a.start_date, a.authorised_date, a.child_seen, a.outcome) == (
        "C1-AS20200918",
        date(2020, 9, 18),
        date(2020, 10, 1),
        True,
        "nfa",
    )
    child = Child.objects.get()
    assert (child.child_id, child.sex, child.ethnicity, child.date_of_birth) == (
        "C1",
        "F",
        "WBRI",
        date(2015, 1, 25),
    )
    assert ("Front page" in {w["file"] for w in run.warnings}) and Child.objects.count() == 1


def test_coded_values_map_to_the_exact_codes_and_guesses_are_warnings(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "List 8": [
                L8,
                # Annex A options, with and without their letter, and code-led wordings.
                [
                    "K1", "a) Male", "k) APKN", d(2010, 5, 1), 10, "a) Yes", "No", d(2020, 1, 6),
                    "N4 - Family in acute stress", None, "E1: Placement order", None, None, None, None,
                    None, "f) U6: Foster placement - not FFA", "e) PR4: Private provision", "t28 2wb", "b) Out",
                ],
                # Free-text variants: each mapped by a guess and reported.
                [
                    "K2", "Girl", "White - British", d(2011, 5, 1), 9, "N", "b) No", d(2020, 2, 3),
                    "a) N1 - Abuse or neglect", None, "Section 20", None, None, None, None,
                    None, "Foster", "Private", None, "Outside",
                ],
                # Values of no list: stored blank and reported.
                [
                    "K3", "Neither", "Martian", d(2012, 5, 1), 8, "maybe", "c) Unknown", d(2020, 3, 4),
                    "N9", None, "Z9: Orbit", None, None, None, None,
                    None, "Q7", "PR9", "nope", "In",
                ],
            ]
        },
    )  # fmt: skip
    run = run_import(path)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    got = {
        e.child.child_id: (e.category_of_need, e.legal_status, e.placement_type, e.placement_provider)
        + (e.placement_postcode, e.placement_inside_la, e.rne)
        for e in CareEpisode.objects.select_related("child")
    }
    assert got == {
        "K1": ("N4", "E1", "U6", "PR4", "T28 2WB", False, "S"),
        "K2": ("N1", "V2", "U6", "PR4", "", False, "S"),
        "K3": ("", "", "", "", "", True, "S"),
    }
    children = {c.child_id: (c.sex, c.ethnicity, c.uasc, c.disability) for c in Child.objects.all()}
    assert children == {
        "K1": ("M", "APKN", True, False),
        "K2": ("F", "WBRI", False, False),
        "K3": ("I", "", None, None),
    }
    guesses = warnings_at(run, "List 8", "mapped by a guess")
    assert guesses == {
        (3, "Gender", "Girl"),
        (3, "Ethnicity", "White - British"),
        (3, "Child's Legal Status", "Section 20"),
        (3, "Placement Type", "Foster"),
        (3, "Placement Provider", "Private"),
        (3, "Placement Location", "Outside"),
    }
    blank = warnings_at(run, "List 8", "stored blank")
    assert blank == {
        (4, "Ethnicity", "Martian"),
        (4, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "maybe"),
        (4, "Child's Category of Need", "N9"),  # a CIN census primary need, not a 903 category of need
        (4, "Child's Legal Status", "Z9: Orbit"),
        (4, "Placement Type", "Q7"),
        (4, "Placement Provider", "PR9"),
        (4, "Placement postcode", "nope"),
    }
    reason = next(w["reason"] for w in run.warnings if w["row"] == 3 and w["column"] == "Gender")
    assert reason == "value mapped by a guess to F (Female); use the Annex A code"


def test_dates_as_cells_and_as_text(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "List 1": [
                L1,
                ["D1", "a) Male", "a) WBRI", d(2010, 1, 2), 10, d(2020, 9, 16), "q) 6: Police"],
                ["D2", "a) Male", "a) WBRI", "02/01/2010", 10, "16/09/2020", "q) 6: Police"],
                ["D3", "a) Male", "a) WBRI", "2010-01-02", 10, "2020-09-16", "q) 6: Police"],
                ["D4", "a) Male", "a) WBRI", "2/1/2010", 10, 44090, "q) 6: Police"],  # an Excel day number
                ["D5", "a) Male", "a) WBRI", "31/02/2010", 10, "#N/A", "q) 6: Police"],  # no contact date
                ["D6", "a) Male", "a) WBRI", "yesterday", 10, "30/02/2020", "q) 6: Police"],
                ["D7", "a) Male", "a) WBRI", None, 10, "17/09/2020 00:00:00", "#N/A"],
            ]
        },
    )
    run = run_import(path)

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert dict(Contact.objects.values_list("child__child_id", "received_at__date")) == {
        "D1": date(2020, 9, 16),
        "D2": date(2020, 9, 16),
        "D3": date(2020, 9, 16),
        "D4": date(2020, 9, 16),
        "D7": date(2020, 9, 17),
    }
    assert dict(Child.objects.values_list("child_id", "date_of_birth")) == {
        "D1": date(2010, 1, 2),
        "D2": date(2010, 1, 2),
        "D3": date(2010, 1, 2),
        "D4": date(2010, 1, 2),
        "D7": None,
    }
    assert Contact.objects.get(child__child_id="D7").source == ""  # '#N/A' is blank, not a bad value
    assert warnings_at(run, "List 1", "row not imported") == {
        (6, "Date of Contact", "#N/A"),
        (7, "Date of Contact", "30/02/2020"),
    }
    assert warnings_at(run, "List 1", "mapped by a guess") == {(5, "Date of Contact", "44090")}
    assert run.counts["List 1"] == {"rows": 7, "left_out": 2}


def test_an_unusable_child_id_leaves_the_row_out_and_an_unborn_child_has_an_expected_date(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "List 1": [
                L1,
                ["U 1", "a) Male", "a) WBRI", None, 1, d(2020, 9, 16), "q) 6: Police"],
                [None, "a) Male", "a) WBRI", None, 1, d(2020, 9, 16), "q) 6: Police"],
                [
                    12345.0,
                    "c) Not stated/recorded (or unborn)",
                    "s) NOBT",
                    d(2099, 1, 1),
                    -1,
                    d(2020, 9, 16),
                    "t) 9: Anonymous",
                ],
            ]
        },
    )
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert warnings_at(run, "List 1", "row not imported") == {
        (2, "Child Unique ID", "U 1"),
        (3, "Child Unique ID", ""),
    }
    child = Child.objects.get()
    assert (child.child_id, child.sex, child.date_of_birth, child.expected_date_of_birth) == (
        "12345",
        "U",
        None,
        date(2099, 1, 1),
    )


def test_child_details_merge_across_lists_and_conflicts_are_warnings(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "List 1": [L1, ["M1", None, "a) WBRI", None, 3, d(2020, 9, 1), "q) 6: Police"]],
            "List 3": [
                L3,
                ["M1", "b) Female", "b) WIRI", d(2017, 4, 5), 3, d(2020, 9, 2), "q) 6: Police", "No", 0],
            ],
        },
    )
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    c = Child.objects.get()
    assert (c.sex, c.ethnicity, c.date_of_birth) == ("F", "WBRI", date(2017, 4, 5))
    [w] = [w for w in run.warnings if "differs" in w["reason"]]
    assert (w["file"], w["row"], w["column"], w["value"]) == ("List 3", 2, "Ethnicity", "WIRI")
    assert w["reason"] == "differs from 'WBRI' given for child M1 on List 1 row 2; the first is kept"


# -- the lists' records ------------------------------------------------------------------------------------


def test_each_list_fills_its_records(tmp_path, la):
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "List 2": [
                [*PERSON, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, d(2020, 9, 1), None, "Early Help Locality 2"],
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, d(2020, 9, 1), d(2020, 10, 1), "School"],
            ],
            "List 5": [
                [
                    *PERSON,
                    "Does the Child have a Disability",
                    "Strategy discussion initiating Section 47 Enquiry Start Date",
                    "Was an Initial Child Protection Conference deemed unnecessary?",
                    "Date of Initial Child Protection Conference",
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                ],
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, "b) No", d(2020, 9, 3), "b) No", d(2020, 9, 20), "a) Yes"],
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, "b) No", d(2020, 11, 3), "a) Yes", None, None],
            ],
            "List 6": [
                L6,
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, "b) No", d(2020, 9, 2), "N1 - Abuse or neglect",
                 d(2020, 11, 10), None, None, "c) Child in need plan"],
            ],
            "List 7": [
                [
                    *PERSON, "Does the Child have a Disability", "Child Protection Plan Start Date",
                    "Initial Category of Abuse", "Latest Category of Abuse", "Date of the Last Statutory Visit",
                    "Was the Child Seen Alone?", "Date of latest review conference", "Child Protection Plan End Date",
                ],
                ["E1", "a) Male", "a) WBRI", d(2012, 1, 1), 8, "b) No", d(2020, 9, 20), "a) Neglect",
                 "e) Multiple/not recommended", d(2020, 11, 10), "a) Yes", d(2020, 12, 1), None],
            ],
            "List 9": [
                [
                    *PERSON, "UASC or former UASC", "Eligibility Category", "Latest Pathway Plan Review Date",
                    "LA in Touch", "Latest Date of Contact", "Type of Accommodation",
                    "Suitability of Accommodation", "Activity Status", "Allocated Personal Advisor",
                ],
                ["L1", "b) Female", "a) WBRI", d(2002, 8, 7), 18, "a) Yes", "b) Former relevant child",
                 d(2020, 12, 2), "a) Yes", d(2020, 12, 5), "Y: Other accommodation", "b) Unsuitable",
                 "G5: Not in education, employment or training - other", "Jo Bloggs"],
            ],
            "List 10": [
                [
                    "Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
                    "Age of Child (Years)", "Does the Child have a Disability", "Date the Child Entered Care",
                    "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
                    "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
                    "Date of Adoption Order", "Date of Decision that Child Should No Longer be Placed for Adoption",
                    "Reason Why Child No Longer Placed for Adoption",
                ],
                ["A1", "F9", "a) Male", "a) WBRI", d(2018, 1, 1), 2, "b) No", d(2019, 1, 1), d(2019, 3, 1),
                 d(2019, 4, 1), d(2019, 6, 1), d(2019, 7, 1), None, d(2020, 1, 1), "RD3 - Prospective adopters could not be found"],
            ],
            "List 11": [
                ["Individual adopter identifier", "Family identifier", "Gender"],
                ["P1", "F9", "a) Male"],
                ["P2", "F9", "b) Female"],
            ],
        },
    )  # fmt: skip
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors

    assert list(
        EarlyHelpEpisode.objects.order_by("episode_id").values_list(
            "episode_id", "completion_date", "organisation"
        )
    ) == [
        ("E1-EH20200901", None, "Early Help Locality 2"),
        ("E1-EH20200901-2", date(2020, 10, 1), "School"),
    ]
    assert list(
        StrategyDiscussion.objects.order_by("held_date").values_list("discussion_id", "held_date")
    ) == [
        ("E1-SD20200903", date(2020, 9, 3)),
        ("E1-SD20201103", date(2020, 11, 3)),
    ]
    assert list(
        S47Enquiry.objects.order_by("start_date").values_list(
            "s47_id", "discussion__discussion_id", "icpc_not_required", "outcome"
        )
    ) == [("E1-S4720200903", "E1-SD20200903", False, "icpc"), ("E1-S4720201103", "E1-SD20201103", True, "")]
    assert list(
        Conference.objects.order_by("held_date").values_list(
            "conference_id", "kind", "plan_made", "s47__s47_id"
        )
    ) == [
        ("E1-ICPC20200920", "initial", True, "E1-S4720200903"),
        ("E1-RCPC20201201", "review", None, None),
    ]
    r = Referral.objects.get()
    assert (r.referral_id, r.referral_date, r.primary_need, r.closure_date) == (
        "E1-RF20200902",
        date(2020, 9, 2),
        "N1",
        None,
    )
    plan = CINPlan.objects.get()
    assert (plan.plan_id, plan.start_date, plan.end_date, plan.referral.referral_id) == (
        "E1-CIN20200902",
        date(2020, 9, 2),
        None,
        "E1-RF20200902",
    )
    cp = CPPlan.objects.get()
    assert (cp.plan_id, cp.initial_category, cp.latest_category, cp.end_date) == (
        "E1-CP20200920",
        "NEG",
        "MUL",
        None,
    )
    # List 6's last seen (a CIN plan: a CIN visit) and List 7's statutory visit on the same day are two visits.
    assert sorted(Visit.objects.values_list("visit_id", "kind", "seen", "seen_alone")) == [
        ("E1-VCIN20201110", "cin", True, None),
        ("E1-VCP20201110", "cp", True, True),
    ]
    s = CareLeaverStatus.objects.get()
    assert (s.child.child_id, s.eligibility, s.in_touch, s.last_contact_date, s.accommodation) == (
        "L1",
        "former_relevant",
        "YES",
        date(2020, 12, 5),
        "Y",
    )
    assert (s.accommodation_suitable, s.activity, s.pathway_plan_review_date) == (
        False,
        "G5",
        date(2020, 12, 2),
    )
    # The latest date in the workbook dates the status: List 9's own contact date here.
    assert s.status_date == date(2020, 12, 5)
    assert Child.objects.get(child_id="L1").uasc is True
    a = Adoption.objects.get()
    assert (a.entered_care_date, a.decision_date, a.placement_order_date, a.matched_date, a.placed_date) == (
        date(2019, 1, 1),
        date(2019, 3, 1),
        date(2019, 4, 1),
        date(2019, 6, 1),
        date(2019, 7, 1),
    )
    assert (a.adoption_order_date, a.no_longer_placed_date, a.no_longer_placed_reason) == (
        None,
        date(2020, 1, 1),
        "RD3",
    )
    assert warnings_at(run, "List 11", "not stored: adopters") == {(None, "", "")}
    assert run.counts["List 11"] == {"rows": 2, "left_out": 0}
    assert warnings_at(run, "List 6", "CIN plan(s) stored from the Case Status") == {
        (None, "Case Status", "c) Child in need plan")
    }
    # Again: every record found by its made ID, nothing changed (a review conference, which has no S47,
    # keeps its stored blank link).
    before = table_counts()
    again = run_import(path)
    assert table_counts() == before
    assert all(c["created"] == c["updated"] == 0 for n, c in again.counts.items() if n.endswith(".csv"))


def test_a_workbook_without_any_gender_column_stores_u_or_keeps_the_stored_sex(tmp_path, la):
    header = ["Child Unique ID", "Date of Contact", "Contact Source"]
    path = workbook(
        tmp_path / "a.xlsx",
        {"List 1": [header, ["G1", d(2020, 9, 1), "q) 6: Police"], ["G2", d(2020, 9, 1), None]]},
    )
    with mock.patch("apps.imports.derived.ensure_calendar"):
        records_upsert(name="children", rows=[{"child_id": "G2", "sex": "F", "ethnicity": "WBRI"}])
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert sorted(Child.objects.values_list("child_id", "sex", "ethnicity")) == [
        ("G1", "U", ""),
        ("G2", "F", "WBRI"),
    ]


def test_a_period_of_care_is_held_as_the_903_would(tmp_path, la):
    """Started 01/01/2020; legal status (E1) since 01/03/2020; placement (U4, PR1) since 01/06/2020; ceased
    01/09/2020 (E11). Three episodes: S from the start (legal status and placement not known: blank), L from
    01/03 (E1, placement still not known), P from 01/06 (both), the last ending with the reason given."""
    row = [
        "P1", "a) Male", "a) WBRI", d(2015, 1, 1), 5, "b) No", "b) No", d(2020, 1, 1), "N1 - Abuse or neglect",
        d(2020, 3, 1), "E1: Placement order", d(2020, 5, 1), d(2020, 1, 20), d(2020, 9, 1),
        "a) E11: Adopted - application unopposed", d(2020, 6, 1), "d) U4: Foster placement - long term",
        "b) PR1: Own provision", None, "a) In",
    ]  # fmt: skip
    same_day = list(row)
    same_day[0], same_day[9], same_day[13], same_day[14] = "P2", d(2020, 6, 1), None, None
    path = workbook(tmp_path / "a.xlsx", {"List 8": [L8, row, same_day]})
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors

    episodes = CareEpisode.objects.filter(child__child_id="P1").order_by("start_date")
    assert [
        (e.episode_id, e.rne, e.start_date, e.end_date, e.reason_ceased, e.legal_status, e.placement_type)
        + (e.placement_provider, e.placement_inside_la, e.category_of_need)
        for e in episodes
    ] == [
        ("P1-20200101", "S", date(2020, 1, 1), date(2020, 3, 1), "X1", "", "", "", None, "N1"),
        ("P1-20200301", "L", date(2020, 3, 1), date(2020, 6, 1), "X1", "E1", "", "", None, "N1"),
        ("P1-20200601", "P", date(2020, 6, 1), date(2020, 9, 1), "E11", "E1", "U4", "PR1", True, "N1"),
    ]
    # Legal status and placement changed on one day, the period still open: T, open, no reason ceased.
    assert list(
        CareEpisode.objects.filter(child__child_id="P2")
        .order_by("start_date")
        .values_list("episode_id", "rne", "end_date", "reason_ceased", "legal_status", "placement_type")
    ) == [
        ("P2-20200101", "S", date(2020, 6, 1), "X1", "", ""),
        ("P2-20200601", "T", None, "", "E1", "U4"),
    ]
    assert list(CLAReview.objects.filter(child__child_id="P1").values_list("review_id", "review_date")) == [
        ("P1-R20200501", date(2020, 5, 1))
    ]
    # Within 28 days of entering care: the initial health assessment.
    assert list(
        HealthAssessment.objects.filter(child__child_id="P1").values_list("health_assessment_id", "kind")
    ) == [("P1-HA20200120", "initial")]


# -- re-import, a later workbook ---------------------------------------------------------------------------


def two_lists(tmp_path: Path, name: str, *, source: str, ethnicity: str | None, with_list_6: bool) -> Path:
    sheets = {
        "List 1": [L1, ["R1", "b) Female", "a) WBRI", d(2014, 3, 3), 6, d(2020, 9, 1), "q) 6: Police"]],
        "List 3": [L3, ["R1", "b) Female", ethnicity, d(2014, 3, 3), 6, d(2020, 9, 2), source, "b) No", 0]],
    }
    if with_list_6:
        sheets["List 6"] = [
            L6,
            ["R1", "b) Female", "a) WBRI", d(2014, 3, 3), 6, "a) Yes", d(2020, 9, 2), "N4 - Family in acute stress",
             d(2020, 10, 1), d(2020, 12, 1), "RC7 - Services ceased", "e) Closed episode"],
        ]  # fmt: skip
    return workbook(tmp_path / name, sheets)


def test_reimporting_the_same_workbook_changes_nothing(tmp_path, la):
    path = two_lists(tmp_path, "a.xlsx", source="e) 2A: Schools", ethnicity="a) WBRI", with_list_6=True)
    first = run_import(path)
    assert first.status == ImportStatus.SUCCEEDED, first.errors
    before = table_counts()
    again = run_import(path)
    assert again.status == ImportStatus.SUCCEEDED
    assert table_counts() == before
    for name, c in again.counts.items():
        if name.endswith(".csv"):
            assert c["created"] == c["updated"] == 0 and c["unchanged"] == c["rows"] > 0, (name, c)


def test_a_later_workbook_updates_what_changed_and_keeps_what_it_does_not_cover(tmp_path, la):
    run_import(two_lists(tmp_path, "a.xlsx", source="e) 2A: Schools", ethnicity="a) WBRI", with_list_6=True))
    later = two_lists(tmp_path, "b.xlsx", source="q) 6: Police", ethnicity=None, with_list_6=False)
    run = run_import(later)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    r = Referral.objects.get()
    # List 3's source changed; List 6's need and closure are not in the later workbook and are kept.
    assert (r.source, r.nfa, r.primary_need, r.closure_date, r.closure_reason) == (
        "6",
        False,
        "N4",
        date(2020, 12, 1),
        "RC7",
    )
    c = Child.objects.get()
    assert (c.ethnicity, c.disability) == ("WBRI", True)  # blank on the later lists: kept
    assert run.counts["referrals.csv"] == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    assert Contact.objects.count() == 1 and Visit.objects.count() == 0


# -- what blocks -------------------------------------------------------------------------------------------


def test_a_list_without_the_column_it_needs_or_twice_blocks_and_writes_nothing(tmp_path, la):
    run_import(two_lists(tmp_path, "a.xlsx", source="e) 2A: Schools", ethnicity="a) WBRI", with_list_6=True))
    before = table_counts()
    path = workbook(
        tmp_path / "b.xlsx",
        {
            "List 1": [[*PERSON, "Contact Source"], ["R1", "b) Female", "a) WBRI", None, 6, "q) 6: Police"]],
            "List 3": [
                L3,
                ["R2", "b) Female", "a) WBRI", None, 6, d(2020, 9, 2), "q) 6: Police", "b) No", 0],
            ],
            "List_3 copy": [["List 3: Referral"], L3],
            "List 6": [[*L6, "CIN Start Date"]],
            "List 7": [[*PERSON, "Child Protection Plan Start Date", "Allocated Team", "Allocated Team"]],
        },
    )
    run = run_import(path)
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert {(e["file"], e["row"], e["column"]) for e in run.errors} == {
        ("List 1", 1, "Date of Contact"),
        ("List_3 copy", None, ""),
        ("List 6", 1, "CIN Start Date"),
    }
    reasons = {e["file"]: e["reason"] for e in run.errors}
    assert reasons["List 1"] == "List 1 (Contacts) needs this column"
    assert "a second List 3 (the first is sheet 'List 3')" in reasons["List_3 copy"]
    assert "column appears twice" in reasons["List 6"]
    # A column read past (the team's name) twice is only a warning.
    assert warnings_at(run, "List 7", "column appears twice") == {(1, "Allocated Team", "Allocated Team")}


def test_a_problem_the_bundle_validation_finds_is_reported_on_the_sheets_row(tmp_path, la):
    """An episode stored under another ID for the same child and start date: the bundle's loader refuses the
    workbook's episode, and the report names List 8's row and column."""
    with mock.patch("apps.imports.derived.ensure_calendar"):
        records_upsert(name="children", rows=[{"child_id": "P1", "sex": "M"}])
        records_upsert(
            name="care_episodes",
            rows=[{"episode_id": "EP-1", "child_id": "P1", "start_date": "2020-01-01", "rne": "S"}],
        )
    before = table_counts()
    row = ["P1", "a) Male", "a) WBRI", d(2015, 1, 1), 5, "b) No", "b) No", d(2020, 1, 1)]
    path = workbook(tmp_path / "a.xlsx", {"List 8": [L8[:8], row]})
    run = run_import(path)
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert [(e["file"], e["row"], e["column"], e["value"]) for e in run.errors] == [
        ("List 8", 2, "Date Started to be Looked After", "2020-01-01")
    ]
    assert "already has episode EP-1 starting on this date" in run.errors[0]["reason"]


# -- hostile files -----------------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 1"
    for r in rows:
        ws.append(r)
    wb.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [L1, ["H1", "a) Male", "a) WBRI", d(2010, 1, 1), 10, d(2020, 9, 1), "q) 6: Police"]]


def refused(path: Path, text: str) -> ImportRun:
    before = table_counts()
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")) as opened:
        run = run_import(path)
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert not opened.called, "refused before openpyxl opened it"
    assert len(run.errors) == 1 and text in run.errors[0]["reason"], run.errors
    return run


def test_files_that_are_not_an_xlsx_workbook_are_refused_by_their_content(tmp_path, la):
    csv_file = tmp_path / "annex_a.xlsx"
    csv_file.write_text("Child Unique ID,Gender\nC1,a) Male\n", encoding="utf-8")
    refused(csv_file, "a CSV or text file, not an xlsx workbook")
    xml_file = tmp_path / "lists.xlsx"
    xml_file.write_text('<?xml version="1.0"?><Workbook><Sheet/></Workbook>', encoding="utf-8")
    refused(xml_file, "an XML file, not an xlsx workbook")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    refused(xls, "an Excel 97-2003 workbook (.xls)")
    other_zip = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    refused(other_zip, "a zip but not an xlsx workbook")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    refused(empty, "an empty file")


def test_a_corrupt_or_truncated_xlsx_is_refused(tmp_path, la):
    good = xlsx_bytes(GOOD_ROWS)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    refused(truncated, "a damaged or truncated xlsx")
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    refused(garbage, "a damaged or truncated xlsx")
    # A readable zip whose sheet is not XML: openpyxl fails while reading; still a clean refusal.
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>"
            dst.writestr(info, data)
    before = table_counts()
    run = run_import(broken)
    assert run.status == ImportStatus.FAILED and table_counts() == before
    assert [e["file"] for e in run.errors] == ["broken.xlsx"]
    assert run.errors[0]["reason"].startswith(("the workbook is damaged", "the workbook cannot be read"))


def test_a_zip_bomb_and_an_oversize_file_are_refused_before_opening(tmp_path, la, settings):
    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_ROWS))) as src,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/worksheets/sheet9.xml", b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros: ~1000x
    refused(bomb, "a zip bomb, refused before reading")
    settings.ANNEX_A_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    refused(bomb, "over the limit of 10,485,760 (ANNEX_A_MAX_UNCOMPRESSED_BYTES)")
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(GOOD_ROWS))
    settings.ANNEX_A_MAX_BYTES = 1000
    refused(good, "over the limit of 1,000 (ANNEX_A_MAX_BYTES)")


def test_a_workbook_with_no_annex_a_list_is_refused(tmp_path, la):
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [["Name", "Score"], ["x", 1]], "List 12": [["a"]]})
    before = table_counts()
    run = run_import(path)
    assert run.status == ImportStatus.FAILED and table_counts() == before
    assert [e["file"] for e in run.errors] == ["a.xlsx"]
    assert run.errors[0]["reason"].startswith("no Annex A list in the workbook")
    # A sheet named as a list but with no header row is named as such.
    path = workbook(tmp_path / "b.xlsx", {"List 1": [["Name", "Score"], ["x", 1]]})
    run = run_import(path)
    assert [(e["file"], e["reason"][:22]) for e in run.errors] == [("List 1", "no header row found in")]
    assert table_counts() == before


# -- the command, progress ---------------------------------------------------------------------------------


def test_the_command_prints_progress_and_the_report(tmp_path, la, capsys):
    rows = [L1] + [
        [f"C{i}", "a) Male", "a) WBRI", d(2010, 1, 1), 10, d(2020, 9, 1 + i % 28), "q) 6: Police"]
        for i in range(6000)
    ]
    path = workbook(tmp_path / "big.xlsx", {"List 1": rows})
    calls = []
    run = run_import(path, progress=lambda *a: calls.append(a))
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert [(c[0], c[1]) for c in calls] == [("List 1", 5000), ("List 1", 6000)]
    assert calls[-1][2] == calls[-1][3] > 0  # the whole sheet read at the end
    assert Contact.objects.count() == 6000

    with mock.patch("apps.imports.derived.ensure_calendar"):
        call_command("import_statutory", "--format", "annex_a", str(path))
    out = capsys.readouterr()
    assert "Annex A workbook imported with 1 warning(s)" in out.out  # Age: not stored
    assert "read List 1: " in out.err and "(6,000 rows)" in out.err
    assert "contacts.csv: 6000 rows, 0 created, 0 updated, 6000 unchanged" in out.err

    (tmp_path / "copy.xlsx").write_bytes(path.read_bytes())
    with pytest.raises(CommandError, match="blocking error"):
        call_command("import_statutory", "--format", "annex_a", str(tmp_path))  # a folder of two workbooks
    assert "a folder holding 2 .xlsx files; give the workbook itself" in capsys.readouterr().err
    assert ImportRun.objects.filter(kind="annex_a").count() == 3


# -- the public samples ------------------------------------------------------------------------------------


def sample_lists(path: Path) -> dict[int, tuple[str, int, list[str], list[tuple]]]:
    """List number -> (sheet title, header row number, headers, data rows), read with openpyxl directly."""
    import re

    out = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        m = re.match(r"List[ _](\d+)$", ws.title)
        if not m:
            continue
        rows = list(ws.iter_rows(values_only=True))
        at = next(
            i
            for i, r in enumerate(rows)
            if r and r[0] in ("Child Unique ID", "Individual adopter identifier")
        )
        data = [r for r in rows[at + 1 :] if any(v not in (None, "") for v in r)]
        out[int(m.group(1))] = (ws.title, at + 1, [str(h).strip() for h in rows[at]], data)
    wb.close()
    return out


def col(lists, number: int, header: str) -> list:
    title, _, headers, data = lists[number]
    i = headers.index(header)
    return [r[i] for r in data]


@needs_samples
@pytest.mark.parametrize("path", [LIIA, LIIA_2024, TEMPLATE_2019], ids=["liia", "liia-2024", "template-2019"])
def test_the_samples_import_with_the_expected_counts(path, la):
    if not path.exists():
        pytest.skip(f"{path.name} not present")
    lists = sample_lists(path)
    run = run_import(path)
    assert run.status == ImportStatus.SUCCEEDED, run.errors

    for _number, (title, _, _, data) in lists.items():
        assert run.counts[title]["rows"] == len(data), title
        assert run.counts[title]["left_out"] == 0, title

    def rows(n):
        return len(lists[n][3]) if n in lists else 0

    children = {str(c) for n in range(1, 11) if n in lists for c in col(lists, n, "Child Unique ID")}
    assert Child.objects.count() == len(children)
    assert Contact.objects.count() == rows(1)
    assert EarlyHelpEpisode.objects.count() == rows(2)
    assert Assessment.objects.count() == rows(4)
    assert S47Enquiry.objects.count() == StrategyDiscussion.objects.count() == rows(5)
    assert CPPlan.objects.count() == rows(7)
    assert Adoption.objects.count() == rows(10)
    assert CareLeaverStatus.objects.count() == rows(9)
    # Referrals: every List 3 row, and List 6's CIN episodes that are not a List 3 referral (child, date).
    list_3 = set()
    if rows(3):
        when = next(h for h in lists[3][2] if h.lower() == "date of referral")
        list_3 = set(zip(col(lists, 3, "Child Unique ID"), col(lists, 3, when), strict=True))
    list_6 = (
        set(zip(col(lists, 6, "Child Unique ID"), col(lists, 6, "CIN Start Date"), strict=True))
        if rows(6)
        else set()
    )
    assert Referral.objects.count() == rows(3) + len(list_6 - list_3)
    if rows(8):
        # One episode per period start, plus one for each later legal status or placement start in it.
        expected = 0
        for start, ls, pl, end in zip(
            col(lists, 8, "Date Started to be Looked After"),
            col(lists, 8, "Start date of current legal status"),
            col(lists, 8, "Start Date of Most Recent Placement"),
            col(lists, 8, "Date Ceased to be Looked After"),
            strict=True,
        ):
            expected += 1 + len({x for x in (ls, pl) if x and x > start and (end is None or x < end)})
        assert CareEpisode.objects.count() == expected
        assert CLAReview.objects.count() == len(
            [v for v in col(lists, 8, "Date of Latest Statutory Review") if v]
        )
    if rows(11):
        assert warnings_at(run, lists[11][0], "adopters have no place") == {(None, "", "")}


@needs_samples
def test_the_liia_samples_bad_values_are_reported_with_sheet_row_and_column(la):
    lists = sample_lists(LIIA)
    run = run_import(LIIA)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    # 'nope' as a placement postcode: its row worked out from the sheet.
    line = lists[8][1] + 1 + col(lists, 8, "Placement postcode").index("nope")
    assert (line, "Placement postcode", "nope") in warnings_at(run, "List 8", "not a UK postcode")
    assert CareEpisode.objects.filter(placement_postcode="NOPE").count() == 0
    # A primary need that is no CIN code, and an assessment outcome that is no Yes/No.
    needs = col(lists, 6, "Primary Need Code")
    bad = {
        (lists[6][1] + 1 + i, "Primary Need Code", v) for i, v in enumerate(needs) if not v.startswith("N")
    }
    assert bad and bad <= warnings_at(run, "List 6", "stored blank")
    support = next(h for h in lists[4][2] if h.startswith("Was the child assessed"))
    assert {(lists[4][1] + 1 + i, support, v) for i, v in enumerate(col(lists, 4, support))} <= warnings_at(
        run, "List 4", "stored blank"
    )
    # 'Female' without its 'b) ' is the Annex A option all the same: no warning, stored F.
    genders = col(lists, 1, "Gender")
    i = genders.index("Female")
    child = str(col(lists, 1, "Child Unique ID")[i])
    assert Child.objects.get(child_id=child).sex == "F"
    assert not {w for w in warnings_at(run, "List 1") if w[0] == lists[1][1] + 1 + i}
    # '#N/A' team and worker names on List 6 are blanks, not values.
    assert not [w for w in run.warnings if w["value"] == "#N/A"]


def test_a_later_placement_is_a_new_episode_and_the_stored_one_is_reported(tmp_path, la):
    header = [
        *PERSON,
        "Date Started to be Looked After",
        "Child's Legal Status",
        "Start Date of Most Recent Placement",
    ]
    header += ["Placement Type"]

    def book(name, placed, place):
        row = ["Q1", "a) Male", "a) WBRI", d(2015, 1, 1), 5, d(2020, 1, 1), "C2: FCO", placed, place]
        return workbook(tmp_path / name, {"List 8": [header, row]})

    run_import(book("a.xlsx", d(2020, 6, 1), "f) U6: Foster placement - not FFA"))
    run = run_import(book("b.xlsx", d(2020, 8, 1), "p) K2: Children's Homes"))
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert list(
        CareEpisode.objects.order_by("start_date").values_list(
            "episode_id", "rne", "end_date", "placement_type"
        )
    ) == [
        ("Q1-20200101", "S", date(2020, 8, 1), ""),  # updated: it now ends where the new placement begins
        ("Q1-20200601", "P", None, "U6"),  # kept as stored, and reported
        ("Q1-20200801", "P", None, "K2"),
    ]
    [w] = [w for w in run.warnings if w["reason"].startswith("kept as stored")]
    assert (w["file"], w["row"], w["column"], w["value"]) == (
        "List 8",
        2,
        "Date Started to be Looked After",
        "01/01/2020",
    )
    assert "episode Q1-20200601 (01/06/2020, open)" in w["reason"]


def test_a_dry_run_reports_and_writes_nothing(tmp_path, la):
    path = two_lists(tmp_path, "a.xlsx", source="e) 2A: Schools", ethnicity="a) WBRI", with_list_6=True)
    before = table_counts()
    run = run_import(path, dry_run=True)
    assert run.status == ImportStatus.VALIDATED, run.errors
    assert table_counts() == before
    assert run.counts["referrals.csv"] == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}
