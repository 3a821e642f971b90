"""import_statutory --format ssda903 with the return's XML form: the public synthetic file
(../shared/samples/ssda903/csc-validator-be-903__fake_903.xml, skipped when absent) and small hand-made ones.

Expected figures are worked out from the XML with the standard library's ElementTree, by the rules the CSV path
documents (apps/imports/statutory/ssda903.py), which the XML form shares."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from apps.care.models import Adoption, CareEpisode, CareLeaverStatus, CLAReview, MissingEpisode
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import statutory_import
from apps.people.models import Child

from .test_ssda903 import table_counts

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples" / "ssda903"
XML = SAMPLES / "csc-validator-be-903__fake_903.xml"
needs_samples = pytest.mark.skipif(not XML.exists(), reason="../shared/samples/ssda903 not present")


def run_import(paths, **kw) -> ImportRun:
    with mock.patch("apps.imports.derived.ensure_calendar"):
        return statutory_import(format="ssda903", paths=[str(p) for p in paths], **kw)


def dmy(text):
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None  # noqa: DTZ007 - a date


@needs_samples
def test_the_sample_imports_every_child_and_episode_with_the_csv_rules(la):
    root = ET.parse(XML).getroot()
    children = root.findall("CHILD")
    episodes = [(c.findtext("HEADER/CHILDID"), e) for c in children for e in c.findall("EPISODE")]
    assert (len(children), len(episodes)) == (253, 459)  # as the samples' README says

    run = run_import([XML])

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    left_out = [w for w in run.warnings if w["reason"].startswith("row not imported")]
    for w in left_out:
        assert w["row"] and w["column"].startswith("CHILD["), w
    episodes_left_out = [w for w in left_out if "/EPISODE[" in w["column"]]
    assert Child.objects.count() == 253
    assert CareEpisode.objects.count() == len(episodes) - len(episodes_left_out) == 459
    reviews = {
        (c.findtext("HEADER/CHILDID"), r.findtext("REVIEW")) for c in children for r in c.iter("AREVIEW")
    }
    assert CLAReview.objects.count() == len(reviews)
    assert MissingEpisode.objects.count() == len(root.findall("CHILD/HEADER/AMISSING")) == 6
    oc3 = [
        c for c in children if any((c.findtext(f"HEADER/{f}") or "") for f in ("IN_TOUCH", "ACTIV", "ACCOM"))
    ]
    assert CareLeaverStatus.objects.count() == len(oc3) == 6
    adopted = {c.findtext("HEADER/CHILDID") for c in children if c.find("HEADER/AD_PLACED") is not None}
    adopted |= {c.findtext("HEADER/CHILDID") for c in children if c.findtext("HEADER/DATE_INT")}
    assert Adoption.objects.count() == len(adopted)
    uasc = {c.findtext("HEADER/CHILDID") for c in children if c.findtext("HEADER/UASC") == "1"}
    assert set(Child.objects.filter(uasc=True).values_list("child_id", flat=True)) == uasc and len(uasc) == 12
    assert run.counts[f"{XML.name}: episodes"] == {"rows": 459, "left_out": 0}
    assert run.counts["care_episodes.csv"]["created"] == 459

    # The CSV path's repairs, on the XML's elements: worked out here from the XML.
    by_child = defaultdict(list)
    for i, c in enumerate(children, start=1):
        for j, e in enumerate(c.findall("EPISODE"), start=1):
            by_child[i].append((f"CHILD[{i}]/EPISODE[{j}]", e))
    closed, clipped, rec_dropped = set(), set(), set()
    for eps in by_child.values():
        eps.sort(key=lambda x: dmy(x[1].findtext("DECOM")))
        for (path, e), (_, nxt) in zip(eps, eps[1:], strict=False):
            if not e.findtext("DEC"):
                closed.add(f"{path}/DEC")
            elif dmy(e.findtext("DEC")) > dmy(nxt.findtext("DECOM")):
                clipped.add(f"{path}/DEC")
        path, last = eps[-1] if eps else (None, None)
        if last is not None and not last.findtext("DEC") and last.findtext("REC"):
            rec_dropped.add(f"{path}/REC")
    repaired = [w for w in run.warnings if w["reason"].startswith("repaired")]
    assert {w["column"] for w in repaired if "open episode followed" in w["reason"]} == closed
    assert {w["column"] for w in repaired if "overlaps" in w["reason"]} == clipped
    assert {w["column"] for w in repaired if "REC dropped" in w["reason"]} == rec_dropped
    assert clipped and rec_dropped

    # An episode field by field: the first child's first episode (PL is the CSV's PLACE).
    child_id, e = episodes[0]
    ep = CareEpisode.objects.get(episode_id=f"{child_id}-{dmy(e.findtext('DECOM')):%Y%m%d}")
    assert (ep.rne, ep.legal_status, ep.category_of_need, ep.placement_type, ep.placement_provider) == (
        e.findtext("RNE"),
        e.findtext("LS"),
        e.findtext("CIN"),
        e.findtext("PL"),
        e.findtext("PLACE_PROVIDER"),
    )
    assert ep.placement_postcode == e.findtext("PL_POST")
    # The sample's bad values, reported on their elements as the CSV path reports them on their cells.
    xxx = [w for w in run.warnings if w["value"] == "XXX"]
    assert len(xxx) == 3 and all(w["column"].endswith("/AD_PLACED[1]/REASON_PLACED_CEASED") for w in xxx)


@needs_samples
def test_reimporting_the_xml_changes_nothing(la):
    assert run_import([XML]).status == ImportStatus.SUCCEEDED
    before = table_counts()
    again = run_import([XML])
    assert again.status == ImportStatus.SUCCEEDED
    assert table_counts() == before
    for name, c in again.counts.items():
        if "created" in c:
            assert (c["created"], c["updated"]) == (0, 0), name


def return_xml(*children: str) -> str:
    return "<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>\n" + "".join(children) + "</EXPSSDA903>\n"


def child_xml(cid: str, *episodes: str, sex="1", dob="01/01/2010", ethnic="WBRI", header="") -> str:
    return (
        f"<CHILD>\n<HEADER><CHILDID>{cid}</CHILDID><UPN>A123456789012</UPN><SEX>{sex}</SEX><DOB>{dob}</DOB>"
        f"<ETHNIC>{ethnic}</ETHNIC><UASC></UASC>{header}</HEADER>\n" + "".join(episodes) + "</CHILD>\n"
    )


def episode_xml(decom: str, dec: str = "", rec: str = "", ls="C2", pl="U4") -> str:
    return (
        f"<EPISODE><DECOM>{decom}</DECOM><RNE>S</RNE><LS>{ls}</LS><CIN>N1</CIN><PL>{pl}</PL><PL_POST></PL_POST>"
        f"<HOME_POST></HOME_POST><URN></URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>{dec}</DEC><REC>{rec}</REC>"
        "<REASON_PLACE_CHANGE></REASON_PLACE_CHANGE></EPISODE>\n"
    )


@needs_samples
def test_a_file_that_breaks_the_903_schema_is_refused_with_its_reason(tmp_path, la):
    path = tmp_path / "r.xml"
    # A DOB in the wrong form: the XSD's pattern refuses it before any rule of the importer's.
    path.write_text(
        return_xml(child_xml("X1", episode_xml("01/04/2017"), dob="2010-01-01")), encoding="utf-8"
    )
    before = table_counts()
    run = run_import([path])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert [(e["row"], e["column"]) for e in run.errors] == [(4, "/EXPSSDA903/CHILD/HEADER/DOB")]
    assert run.errors[0]["reason"].startswith(
        "breaks the SSDA903 schema (csc-data-synthesizer__CLA.xsd): Element 'DOB'"
    )


def test_without_the_xsd_the_shared_rules_apply_and_name_the_element(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = str(tmp_path / "none")
    path = tmp_path / "return.csv"  # an XML return whatever it is called: sniffed by content
    path.write_text(
        return_xml(
            child_xml(
                "K1",
                episode_xml("01/04/2017", ls="Q9"),
                episode_xml("01/05/2017", dec="01/06/2017", rec="E13"),
            ),
            child_xml("K 2", episode_xml("01/04/2017")),
            child_xml(
                "K3",
                sex="M",
                header="<AREVIEW><REVIEW>01/05/2017</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>",
            ),
        ),
        encoding="utf-8",
    )
    run = run_import([path])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    found = {(w["row"], w["column"], w["value"]): w["reason"] for w in run.warnings}
    assert "no SSDA903 XSD in STATUTORY_SCHEMA_DIR" in found[(None, "", "")]
    assert found[(5, "CHILD[1]/EPISODE[1]/LS", "Q9")].startswith("value stored blank")
    assert found[(5, "CHILD[1]/EPISODE[1]/DEC", "")].startswith("repaired: an open episode followed")
    # The header row (line 9) and the episode (line 10) are each left out, named by the child's element.
    assert found[(9, "CHILD[2]/HEADER/CHILDID", "K 2")].startswith("row not imported: not a usable child ID")
    assert found[(10, "CHILD[2]/HEADER/CHILDID", "K 2")].startswith("row not imported: not a usable child ID")
    assert dict(Child.objects.values_list("child_id", "sex")) == {"K1": "M", "K3": "M"}
    ep = CareEpisode.objects.get(episode_id="K1-20170401")
    assert (ep.legal_status, ep.end_date, ep.reason_ceased) == ("", dmy("01/05/2017"), "X1")
    assert CLAReview.objects.get().participation == "PN1"
    assert run.counts["return.csv: episodes"] == {"rows": 3, "left_out": 1}


def test_xml_that_is_not_a_903_return_is_refused(tmp_path, la):
    before = table_counts()
    cases = {
        "cin.xml": ("<Message><Children/></Message>", "this is a CIN census XML, not an SSDA903 return"),
        "other.xml": ("<Return/>", "not an SSDA903 XML return: the root element is <Return>"),
        "dtd.xml": (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><EXPSSDA903>&e;</EXPSSDA903>',
            "the document declares a DOCTYPE",
        ),
    }
    for name, (text, reason) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run = run_import([path])
        assert run.status == ImportStatus.FAILED, name
        assert run.errors[0]["reason"].startswith(reason), run.errors
        assert "root:" not in str(run.errors)  # /etc/passwd was not read
    assert table_counts() == before


def test_the_xml_and_a_csv_header_are_two_header_tables(tmp_path, la, settings):
    settings.STATUTORY_SCHEMA_DIR = ""
    (tmp_path / "r.xml").write_text(return_xml(child_xml("H1")), encoding="utf-8")
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC\nH2,1,01/01/2010,WBRI\n", encoding="utf-8")
    before = table_counts()
    run = run_import([tmp_path])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert any("a second header table (the first is header.csv)" in e["reason"] for e in run.errors)


def test_a_problem_the_bundle_validation_finds_is_reported_on_the_xml_element(tmp_path, la, settings):
    """A date of birth after the day of the import passes the 903 reading and is refused by the bundle's own
    validation: it blocks, and the report names the XML file, the HEADER's line and its DOB element."""
    settings.STATUTORY_SCHEMA_DIR = ""
    path = tmp_path / "r.xml"
    path.write_text(
        return_xml(child_xml("F1", episode_xml("01/04/2017")), child_xml("F2", dob="01/01/2099")),
        encoding="utf-8",
    )
    before = table_counts()
    run = run_import([path])
    assert run.status == ImportStatus.FAILED
    assert table_counts() == before
    assert [(e["file"], e["row"], e["column"], e["value"]) for e in run.errors] == [
        ("r.xml", 8, "CHILD[2]/HEADER/DOB", "2099-01-01")
    ]
