"""import_statutory --format cin_census: the public CIN census samples (../shared/samples/cin_census, skipped
when absent) and small hand-made census files built here.

The samples' expected figures are worked out from the XML with the standard library's ElementTree, by the
rules the importer documents (apps/imports/statutory/cin_census.py), never read back from the portal."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.assessments.models import Assessment, Conference, S47Enquiry
from apps.frontdoor.models import Referral
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import statutory_import
from apps.imports.statutory.xml import safe_parser
from apps.people.models import Child
from apps.plans.models import CINPlan, CPPlan

from .test_ssda903 import table_counts

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples" / "cin_census"
LIIA = SAMPLES / "liia-tools__cin-2022.xml"
FAKE = SAMPLES / "csc-validator-be-cin__fake_CIN_data.xml"
VALIDATOR_2024 = SAMPLES / "csc-validator-be-cin__CIN_Census_2024.xml"
VALIDATOR_2026 = SAMPLES / "csc-validator-be-cin__CIN_Census_2026.xml"
needs_samples = pytest.mark.skipif(not FAKE.exists(), reason="../shared/samples/cin_census not present")


def run_import(paths, **kw) -> ImportRun:
    # The working-day calendar is not what these tests look at; filling it takes longer than the import.
    with mock.patch("apps.imports.derived.ensure_calendar"):
        return statutory_import(format="cin_census", paths=[str(p) for p in paths], **kw)


# -- what the census says, worked out with ElementTree -------------------------------------------------------


def expected(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    children = root.findall("Children/Child")
    counts = {"children": len({c.findtext("ChildIdentifiers/LAchildID") for c in children})}
    referrals, icpcs, reviews = set(), set(), set()
    per = {"assessments": set(), "cin_plans": set(), "s47": set(), "cp_plans": set()}
    for c in children:
        child = c.findtext("ChildIdentifiers/LAchildID")
        for cin in c.findall("CINdetails"):
            referrals.add((child, cin.findtext("CINreferralDate")))
            if cin.findtext("DateOfInitialCPC"):
                icpcs.add((child, cin.findtext("DateOfInitialCPC")))
            for a in cin.findall("Assessments"):
                per["assessments"].add((child, a.findtext("AssessmentActualStartDate")))
            for p in cin.findall("CINPlanDates"):
                per["cin_plans"].add((child, p.findtext("CINPlanStartDate")))
            for s in cin.findall("Section47"):
                per["s47"].add((child, s.findtext("S47ActualStartDate")))
                if s.findtext("DateOfInitialCPC"):
                    icpcs.add((child, s.findtext("DateOfInitialCPC")))
            for p in cin.findall("ChildProtectionPlans"):
                per["cp_plans"].add((child, p.findtext("CPPstartDate")))
                for r in p.findall("Reviews/CPPreviewDate"):
                    reviews.add((child, r.text))
    counts["referrals"] = len(referrals)
    counts.update({k: len(v) for k, v in per.items()})
    counts["initial_conferences"] = len(icpcs)
    counts["review_conferences"] = len(reviews)
    return counts


def held() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "referrals": Referral.objects.count(),
        "assessments": Assessment.objects.count(),
        "cin_plans": CINPlan.objects.count(),
        "s47": S47Enquiry.objects.count(),
        "cp_plans": CPPlan.objects.count(),
        "initial_conferences": Conference.objects.filter(kind="initial").count(),
        "review_conferences": Conference.objects.filter(kind="review").count(),
    }


# -- the samples -------------------------------------------------------------------------------------------------


@needs_samples
def test_the_generated_sample_imports_every_child_and_referral(la):
    want = expected(FAKE)
    assert (want["children"], want["referrals"]) == (332, 402)  # as the samples' README says

    run = run_import([FAKE])

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert held() == want
    assert not [w for w in run.warnings if "not imported" in w["reason"]]
    # Valid against its year's schema, which was found: no warning about a missing XSD.
    assert not [w for w in run.warnings if "no XSD" in w["reason"]]
    # A referral field by field: the first child's first referral.
    root = ET.parse(FAKE).getroot()
    first = root.find("Children/Child")
    child_id = first.findtext("ChildIdentifiers/LAchildID")
    cin = first.find("CINdetails")
    r = Referral.objects.get(child__child_id=child_id, referral_date=cin.findtext("CINreferralDate"))
    assert r.referral_id == f"{child_id}-{cin.findtext('CINreferralDate').replace('-', '')}"
    assert (r.source, r.primary_need, r.closure_reason) == (
        cin.findtext("ReferralSource"),
        cin.findtext("PrimaryNeedCode"),
        cin.findtext("ReasonForClosure"),
    )
    assert r.closure_date == date.fromisoformat(cin.findtext("CINclosureDate"))
    assert r.nfa is {"true": True, "false": False, "1": True, "0": False}[cin.findtext("ReferralNFA")]
    sex = {"1": "M", "2": "F", "0": "U", "9": "I"}
    by_sex = {}
    for c in root.findall("Children/Child"):
        code = sex[c.findtext("ChildIdentifiers/GenderCurrent")]
        by_sex[code] = by_sex.get(code, 0) + 1
    assert {s: Child.objects.filter(sex=s).count() for s in by_sex} == by_sex


@needs_samples
def test_the_full_sample_fills_every_module(la):
    want = expected(LIIA)
    assert want == {
        "children": 1,
        "referrals": 1,
        "assessments": 1,
        "cin_plans": 1,
        "s47": 1,
        "cp_plans": 1,
        "initial_conferences": 2,  # the referral's ICPC date (1970-12-06) and the enquiry's (1970-06-17)
        "review_conferences": 1,
    }
    run = run_import([LIIA])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert held() == want
    child = Child.objects.get(child_id="DfEX0000001")
    assert (
        child.sex,
        child.date_of_birth,
        child.expected_date_of_birth,
        child.ethnicity,
        child.disability,
    ) == (
        "M",
        date(1966, 3, 24),
        date(1966, 3, 22),
        "WBRI",
        True,
    )
    s47 = S47Enquiry.objects.get()
    assert (s47.s47_id, s47.start_date, s47.icpc_not_required) == (
        "DfEX0000001-S19700602",
        date(1970, 6, 2),
        False,
    )
    icpc = Conference.objects.get(conference_id="DfEX0000001-I19700617")
    # The CP plan starts on 1970-02-17, on neither ICPC's date: no plan made at either.
    assert (icpc.kind, icpc.s47_id, icpc.plan_made) == ("initial", s47.pk, False)
    own = Conference.objects.get(conference_id="DfEX0000001-I19701206")
    assert (own.s47_id, own.plan_made) == (None, False)
    plan = CPPlan.objects.get()
    assert (plan.start_date, plan.end_date, plan.initial_category, plan.latest_category) == (
        date(1970, 2, 17),
        date(1971, 3, 14),
        "PHY",
        "PHY",
    )
    assert Conference.objects.get(kind="review").held_date == date(1971, 2, 15)
    a = Assessment.objects.get()
    assert (a.start_date, a.authorised_date, a.referral.referral_id) == (
        date(1970, 6, 3),
        date(1971, 7, 18),
        "DfEX0000001-19701006",
    )
    # What the record model has no place for is named, once per element.
    unstored = {w["reason"].split(":")[0] for w in run.warnings if "read and not stored" in w["reason"]}
    assert {"FactorsIdentifiedAtAssessment", "UPN", "PersonDeathDate", "NumberOfPreviousCPP"} <= unstored


@needs_samples
def test_reimporting_a_census_changes_nothing(la):
    assert run_import([FAKE]).status == ImportStatus.SUCCEEDED
    before = table_counts()
    again = run_import([FAKE])
    assert again.status == ImportStatus.SUCCEEDED
    assert table_counts() == before
    for name, c in again.counts.items():
        if "created" in c:
            assert (c["created"], c["updated"], c["unchanged"]) == (0, 0, c["rows"]), name


@needs_samples
@pytest.mark.parametrize("sample", [VALIDATOR_2024, VALIDATOR_2026], ids=["2024", "2026"])
def test_the_validators_invalid_files_are_refused_with_the_schemas_reason(la, sample):
    run_import([LIIA])  # something stored already
    before = table_counts()
    run = run_import([sample])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    # Their ReferenceDate is 2024-03-31: the 2024 schema, which has GenderCurrent where they have Sex.
    found = {(e["row"], e["column"]) for e in run.errors}
    assert (25, "/Message/Children/Child[1]/ChildIdentifiers/Sex") in found
    assert all(
        "breaks the 2024 census schema (liia-tools-pipeline__CIN_schema_2024.xsd)" in e["reason"]
        for e in run.errors
    )
    assert any("Element 'Sex': This element is not expected" in e["reason"] for e in run.errors)


@needs_samples
def test_the_year_given_chooses_the_schema(la):
    before = table_counts()
    run = run_import([VALIDATOR_2026], year=2026)
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    reasons = [e["reason"] for e in run.errors]
    assert all("the 2026 census schema" in r for r in reasons)
    # The pipeline's 2026 XSD has no pre-proceedings module, and Sex is M/F/U.
    assert any("'PreProceedingsandFGDM': This element is not expected" in r for r in reasons)
    assert any("The value '1' is not an element of the set {'M', 'F', 'U'}" in r for r in reasons)


# -- hand-made census files --------------------------------------------------------------------------------------


def census(*children: str, year: int = 2022, reference: str | None = None) -> str:
    reference = reference or f"{year}-03-31"
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<Message>\n<Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>\n<Children>\n"
        + "".join(children)
        + "</Children>\n</Message>\n"
    )


def child(
    cid: str, *cins: str, sex: str = "<GenderCurrent>1</GenderCurrent>", dob="2015-01-01", extra=""
) -> str:
    return (
        f"<Child>\n<ChildIdentifiers><LAchildID>{cid}</LAchildID><PersonBirthDate>{dob}</PersonBirthDate>{sex}"
        "</ChildIdentifiers>\n"
        f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>{extra}</ChildCharacteristics>\n"
        + "".join(cins)
        + "</Child>\n"
    )


def cin(referral: str, *, nfa="0", closure="", inner="", after="", icpc="") -> str:
    closed = (
        f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        if closure
        else ""
    )
    icpc = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<CINdetails>\n<CINreferralDate>{referral}</CINreferralDate><ReferralSource>2A</ReferralSource>"
        f"<PrimaryNeedCode>N1</PrimaryNeedCode>{closed}{icpc}\n{inner}<ReferralNFA>{nfa}</ReferralNFA>\n{after}"
        "</CINdetails>\n"
    )


def s47(start: str, icpc: str = "", not_required: str = "0") -> str:
    icpc = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{icpc}<ICPCnotRequired>{not_required}</ICPCnotRequired></Section47>\n"


def cpp(start: str, end: str = "", reviews: tuple[str, ...] = ()) -> str:
    end = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    rev = "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
    rev = f"<Reviews>{rev}</Reviews>" if rev else ""
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{end}<InitialCategoryOfAbuse>NEG"
        "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0"
        f"</NumberOfPreviousCPP>{rev}</ChildProtectionPlans>\n"
    )


def assessment(start: str, authorised: str = "") -> str:
    auth = f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>" if authorised else ""
    return (
        f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>{auth}</Assessments>\n"
    )


def write(tmp_path: Path, text: str, name: str = "census.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@needs_samples
@pytest.mark.parametrize(
    ("year", "sexes", "yes", "no"),
    [
        (2017, ("1", "2", "0", "9"), "TRUE", "FALSE"),  # no XSD here for 2017-2021: the importer's own rules
        (2020, ("1", "2", "0", "9"), "1", "0"),
        (2022, ("1", "2", "0", "9"), "true", "false"),  # GenderCurrent; the 2022 XSD takes true/false and 0/1
        (2022, ("1", "2", "0", "9"), "1", "0"),
        (2024, ("1", "2", "0", "9"), "1", "0"),  # the 2024 XSD: GenderCurrent, 0/1 only
        (2025, ("M", "F", "U", "U"), "1", "0"),  # Sex from 2025
        (2026, ("M", "F", "U", "U"), "1", "0"),
    ],
)
def test_every_years_variants_pass_their_schema_and_are_read_alike(tmp_path, la, year, sexes, yes, no):
    element = "GenderCurrent" if year < 2025 else "Sex"
    ids = ["G1", "G2", "G3", "G4"]
    text = census(
        *(
            child(
                i,
                cin(
                    f"{year - 1}-05-0{n + 1}",
                    nfa=yes if n % 2 else no,
                    inner=s47(f"{year - 1}-06-01", not_required=yes),
                ),
                sex=f"<{element}>{s}</{element}>",
            )
            for n, (i, s) in enumerate(zip(ids, sexes, strict=True))
        ),
        year=year,
    )
    run = run_import([write(tmp_path, text)])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    no_xsd = [w for w in run.warnings if "no XSD" in w["reason"]]
    assert len(no_xsd) == (1 if year < 2022 else 0)  # else checked against its year's schema
    want = dict(zip(ids, [{"1": "M", "2": "F", "0": "U", "9": "I"}.get(s, s) for s in sexes], strict=True))
    assert dict(Child.objects.values_list("child_id", "sex")) == want
    assert dict(Referral.objects.values_list("child__child_id", "nfa")) == {
        "G1": False,
        "G2": True,
        "G3": False,
        "G4": True,
    }
    assert set(S47Enquiry.objects.values_list("icpc_not_required", flat=True)) == {True}


def test_without_a_schema_for_its_year_the_import_says_so_and_goes_on(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = str(tmp_path / "none")
    text = census(child("N1", cin("2018-05-01")), year=2019)
    run = run_import([write(tmp_path, text)])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert [w["reason"] for w in run.warnings if "XSD" in w["reason"]] == [
        "no XSD for the 2019 census in STATUTORY_SCHEMA_DIR (a file named *CIN_schema_2019.xsd); checked by the "
        "importer's own rules only"
    ]
    assert Referral.objects.get().referral_id == "N1-20180501"


def test_repairs_and_rows_left_out_are_each_named(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = ""  # no schema: the importer's own rules
    text = census(
        child(
            "R1",
            cin(
                "2018-05-01",
                closure="2018-04-01",  # before the referral: stored blank
                inner=assessment("2018-05-02", "2018-05-01")  # authorised before it started: stored blank
                + assessment("2018-05-02")  # the same assessment twice: the later left out
                + s47("2018-05-03", icpc="2018-05-10"),
                after=cpp("2018-05-10", "2018-05-09", reviews=("2018-08-01", "2018-08-01")),
            ),
            cin("2018-05-01"),  # the same referral twice
            cin("2018-13-01", inner=assessment("2018-06-01")),  # not a date: left out with what it holds
            sex="<GenderCurrent>7</GenderCurrent>",
        ),
        child("R2", cin("2018-06-01"), sex="", dob="2099-01-01"),
        child("R 3", cin("2018-06-01")),
        child("R1", cin("2018-07-01")),
        year=2019,
    )
    path = write(tmp_path, text)
    run = run_import([path])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    found = {(w["row"], w["column"], w["value"]): w["reason"] for w in run.warnings}

    def line_of(fragment: str, nth: int = 1) -> int:
        lines = text.splitlines()
        hits = [i + 1 for i, line in enumerate(lines) if fragment in line]
        return hits[nth - 1]

    assert found[(line_of("<GenderCurrent>7"), "GenderCurrent", "7")].startswith("repaired: not a code")
    assert found[(line_of("<CINreferralDate>2018-05-01"), "CINclosureDate", "2018-04-01")].startswith(
        "repaired: before"
    )
    assert found[
        (line_of("<AssessmentActualStartDate>2018-05-02"), "AssessmentAuthorisationDate", "2018-05-01")
    ].startswith("repaired")
    assert (
        "assessment not imported"
        in found[
            (line_of("<AssessmentActualStartDate>2018-05-02", 2), "AssessmentActualStartDate", "2018-05-02")
        ]
    )
    assert "referral not imported" in found[(line_of("<CINdetails>", 2), "CINreferralDate", "2018-05-01")]
    assert (
        "referral not imported: not a valid date"
        in found[(line_of("2018-13-01"), "CINreferralDate", "2018-13-01")]
    )
    assert found[(line_of("2099-01-01"), "PersonBirthDate", "2099-01-01")].startswith(
        "repaired: after the day"
    )
    assert "child not imported" in found[(line_of("R 3"), "LAchildID", "R 3")]
    assert "the child is in the census twice" in found[(line_of("<Child>", 4), "LAchildID", "R1")]
    assert found[(line_of("<CPPstartDate>2018-05-10"), "CPPendDate", "2018-05-09")].startswith("repaired")

    r1 = Child.objects.get(child_id="R1")
    assert r1.sex == "U"
    r2 = Child.objects.get(child_id="R2")
    assert (r2.sex, r2.date_of_birth, r2.expected_date_of_birth) == ("U", None, date(2099, 1, 1))
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["R1", "R2"]
    ref = Referral.objects.get(referral_id="R1-20180501")
    assert (ref.closure_date, ref.closure_reason) == (None, "RC7")
    assert list(Assessment.objects.values_list("assessment_id", "authorised_date")) == [
        ("R1-A20180502", None)
    ]
    assert CPPlan.objects.get().end_date is None
    # The ICPC on the CP plan's start date made the plan; the two reviews on one day are one conference.
    icpc = Conference.objects.get(kind="initial")
    assert (icpc.conference_id, icpc.plan_made, icpc.s47.s47_id) == ("R1-I20180510", True, "R1-S20180503")
    assert Conference.objects.filter(kind="review").count() == 1
    # Records read: 4 children, 6 CINdetails, 4 under the first referral (2 assessments, 1 S47, 1 CPP), 1 under
    # the undated one. Left out: the second assessment, the second referral, the undated referral and its
    # assessment, R 3 and its referral, the second R1 and its referral.
    assert run.counts[path.name] == {"rows": 4 + 6 + 4 + 1, "left_out": 1 + 1 + 2 + 2 + 2}


def test_a_later_census_updates_what_changed_and_keeps_the_rest(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = ""
    first = census(
        child("L1", cin("2018-05-01", inner=assessment("2018-05-02"))),
        child("L2", cin("2018-06-01")),
        year=2019,
    )
    assert run_import([write(tmp_path, first, "2019.xml")]).status == ImportStatus.SUCCEEDED
    Child.objects.filter(child_id="L1").update(given_name="Lee")  # not something the census carries
    later = census(
        child(
            "L1",
            cin("2018-05-01", closure="2019-06-01", inner=assessment("2018-05-02", "2018-06-01")),
            cin("2019-07-01"),
        ),
        child("L3", cin("2019-08-01")),
        year=2020,
    )
    run = run_import([write(tmp_path, later, "2020.xml")])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["children.csv"] == {"rows": 2, "created": 1, "updated": 0, "unchanged": 1}
    assert run.counts["referrals.csv"] == {"rows": 3, "created": 2, "updated": 1, "unchanged": 0}
    assert run.counts["assessments.csv"] == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    assert Referral.objects.get(referral_id="L1-20180501").closure_date == date(2019, 6, 1)
    assert Assessment.objects.get().authorised_date == date(2018, 6, 1)
    assert Child.objects.get(child_id="L1").given_name == "Lee"
    # L2 and its referral, which the later census does not carry, are kept.
    assert Referral.objects.filter(child__child_id="L2").count() == 1
    assert Child.objects.count() == 3 and Referral.objects.count() == 4


def test_unknown_and_year_specific_elements_are_read_and_reported_once(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = ""
    pre = "<PreProceedingsandFGDM><PPStartDate>2026-01-09</PPStartDate><PPOutcome>A</PPOutcome></PreProceedingsandFGDM>"
    text = census(
        child("U1", cin("2025-05-01", after=pre), sex="<Sex>F</Sex>", extra="<Shoe>9</Shoe>"),
        child("U2", cin("2025-05-02", after=pre), sex="<Sex>M</Sex>"),
        year=2026,
    )
    run = run_import([write(tmp_path, text)])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    reasons = [w["reason"] for w in run.warnings]
    assert sum(r.startswith("PreProceedingsandFGDM: 2 element(s) read and not stored") for r in reasons) == 1
    assert sum(r.startswith("Shoe: 1 element(s) read and not stored") for r in reasons) == 1
    assert Referral.objects.count() == 2


# -- refused, writing nothing ----------------------------------------------------------------------------------


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child></Children></Message>
"""


def external_entity(secret_file: Path) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE Message [ <!ENTITY secret SYSTEM "file://{secret_file}"> ]>\n'
        + census(child("X1", cin("2018-05-01")), year=2019)
        .split("\n", 1)[1]
        .replace("<Collection>CIN", "<Collection>&secret;")
    )


def test_a_billion_laughs_file_is_refused_unread(tmp_path, la):
    before = table_counts()
    run = run_import([write(tmp_path, BILLION_LAUGHS)])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert [(e["row"], e["reason"][:40]) for e in run.errors] == [
        (2, "the document declares a DOCTYPE: a statu")
    ]


def test_an_external_entity_is_never_read(tmp_path, la):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    path = write(tmp_path, external_entity(secret))
    before = table_counts()
    run = run_import([path])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert "declares a DOCTYPE" in run.errors[0]["reason"]
    stored = str(run.errors) + str(run.warnings) + str(run.counts)
    assert "TOP-SECRET" not in stored
    assert not Child.objects.exists()
    # The parser alone, without the DOCTYPE check in front of it, does not fetch the entity either.
    from lxml import etree

    root = etree.fromstring(path.read_bytes(), safe_parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_files_that_are_not_a_census_are_refused(tmp_path, la, settings):
    before = table_counts()

    def refused(path: Path) -> str:
        run = run_import([path])
        assert run.status == ImportStatus.FAILED
        assert table_counts() == before
        return run.errors[0]["reason"]

    assert (
        refused(write(tmp_path, "CHILD,SEX\nA1,1\n", "not.xml"))
        == "not an XML document (it does not start with '<')"
    )
    assert refused(write(tmp_path, "<Message><Children>", "cut.xml")).startswith("not well-formed XML:")
    assert refused(write(tmp_path, "<EXPSSDA903><CHILD/></EXPSSDA903>", "903.xml")).startswith(
        "this is an SSDA903 XML return, not a CIN census"
    )
    assert refused(write(tmp_path, "<Census><Kids/></Census>", "other.xml")).startswith(
        "not a CIN census: the root element is <Census>"
    )
    big = write(tmp_path, census(child("B1", cin("2018-05-01")), year=2019), "big.xml")
    settings.STATUTORY_XML_MAX_BYTES = 100
    assert "over the limit of 100 (STATUTORY_XML_MAX_BYTES)" in refused(big)


def test_the_command_imports_a_census_and_exits_non_zero_when_refused(tmp_path, la, settings, capsys):
    settings.STATUTORY_SCHEMA_DIR = ""
    good = write(tmp_path, census(child("C1", cin("2018-05-01", inner=s47("2018-05-02"))), year=2019))
    with mock.patch("apps.imports.derived.ensure_calendar"):
        call_command("import_statutory", "--format", "cin_census", str(good))
    out = capsys.readouterr()
    assert "CIN census XML imported with 1 warning(s)" in out.out  # no XSD for 2019
    assert "s47_enquiries.csv: 1 rows, 1 created" in out.err
    bad = write(tmp_path, BILLION_LAUGHS, "bad.xml")
    with pytest.raises(CommandError, match="blocking error"):
        call_command("import_statutory", "--format", "cin_census", str(bad))
    assert "declares a DOCTYPE" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [
        ("", "utf-16"),  # UTF-16 with its byte-order mark: the DOCTYPE is not plain ASCII bytes
        ("", "utf-16-le"),  # and without one
        ("<!-- a comment first --><?pi x?>\n", "utf-8"),  # comments and PIs before it are passed over
        ("\ufeff", "utf-8"),  # a UTF-8 byte-order mark
    ],
)
def test_a_doctype_is_found_whatever_comes_before_it_and_in_any_encoding(tmp_path, la, prefix, encoding):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    body = f'<!DOCTYPE Message [ <!ENTITY s SYSTEM "file://{secret}"> ]><Message><Children>&s;</Children></Message>'
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' if encoding != "utf-8" else ""
    path = tmp_path / "census.xml"
    path.write_bytes((declaration + prefix + body).encode(encoding))
    before = table_counts()
    run = run_import([path])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert "declares a DOCTYPE" in run.errors[0]["reason"]
    assert "TOP-SECRET" not in str(run.errors) + str(run.warnings)
