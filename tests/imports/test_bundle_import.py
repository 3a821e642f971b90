"""import_bundle / export_bundle on small hand-made bundles: counts, idempotence, round trip, dry run, and
every kind of bad bundle failing with a row-level report and no change to the database."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from apps.assessments.models import Assessment
from apps.care.models import CareEpisode
from apps.core.models import OrgLevel, OrgUnit
from apps.frontdoor.models import Contact
from apps.imports.bundle.spec import FILES
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import bundle_export, bundle_import
from apps.kpis.models import EnteredMeasure
from apps.people.models import Child

from .bundle_helpers import (
    GOOD,
    GOOD_ROWS,
    dump,
    run_import,
    run_import_failing,
    wipe_records,
    write_bundle,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(tmp_path) -> Path:
    return write_bundle(tmp_path / "good", GOOD)


@pytest.fixture
def loaded(good, la):
    """The database after importing the good bundle. Filling the working-day calendar takes longer than the
    import itself and these tests do not look at derived durations (test_good_bundle... does), so the setup
    import skips it."""
    with mock.patch("apps.imports.derived.ensure_calendar"):
        run_import(good)
    return good


def zip_folder(folder: Path, target: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, prefix + p.name)
    return target


# -- good bundles --------------------------------------------------------------------------------------------


def test_good_bundle_imports_with_exact_counts(good, la):
    report = run_import(good)

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.error_count == 0 and run.errors == []
    assert run.started_by is None and run.finished_at is not None
    assert run.command == f"import_bundle {good}"
    assert run.source == str(good)
    for name, rows in GOOD_ROWS.items():
        assert run.counts[name]["rows"] == rows, name
        assert run.counts[name]["created"] == rows, name
        assert run.counts[name]["updated"] == run.counts[name]["unchanged"] == 0, name
    assert run.counts["teams.csv"]["services"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "contacts.csv: 3 rows, 3 created" in report

    assert Child.objects.count() == 3
    assert OrgUnit.objects.filter(level=OrgLevel.SERVICE).count() == 2
    t1 = OrgUnit.objects.get(code="T1")
    assert (t1.level, t1.parent.code, t1.parent.parent) == (OrgLevel.TEAM, "S1", la)
    # Naive date-times are London time (BST in July); an offset is honoured.
    assert Contact.objects.get(contact_id="K2").received_at == datetime(2018, 7, 1, 8, 30, tzinfo=UTC)
    assert Contact.objects.get(contact_id="K1").decided_at == datetime(2018, 3, 2, 10, 0, tzinfo=UTC)
    c1 = Child.objects.get(child_id="C1")
    assert (c1.disability, c1.uasc, c1.date_of_birth) == (False, False, date(2010, 5, 1))
    assert Child.objects.get(child_id="C2").family_name == "Brown, Jr"
    assert EnteredMeasure.objects.get(period="2018-04", org_unit=la).value == Decimal("12.5")
    assert EnteredMeasure.objects.get(org_unit__code="S1").note == "service"
    # Derived fields were refreshed after the write.
    assert Assessment.objects.get().working_days is not None
    assert CareEpisode.objects.get(episode_id="E2").period_of_care_start == date(2018, 8, 1)


def test_the_import_shows_its_progress(good, la):
    """A long import says as it goes how many rows it has checked and then written (of how many), at what
    rate and how long is left; each phase ends with a line of what it did and how long it took."""
    report = run_import(good)
    rows = sum(GOOD_ROWS.values())
    checked = [line for line in report.splitlines() if line.startswith("check: ")]
    written = [line for line in report.splitlines() if line.startswith("write: ")]
    assert checked and checked[-1].startswith(f"check: {rows:,} rows, ") and " in " in checked[-1]
    assert written and written[-1].startswith(f"write: {rows:,} of {rows:,} rows, ")


def test_reimport_changes_nothing(loaded):
    before = dump()
    run_import(loaded)
    assert dump() == before
    run = ImportRun.objects.first()  # newest
    for name, rows in GOOD_ROWS.items():
        assert run.counts[name] == {"rows": rows, "created": 0, "updated": 0, "unchanged": rows} | (
            {"services": {"created": 0, "updated": 0, "unchanged": 2}} if name == "teams.csv" else {}
        )


def test_changed_row_is_updated_and_others_unchanged(loaded, tmp_path):
    files = dict(GOOD)
    files["children.csv"] = files["children.csv"].replace("C3,,,U,", "C3,Cara,,U,")
    files["teams.csv"] = files["teams.csv"].replace("Front Door", "MASH")
    files["contacts.csv"] = files["contacts.csv"].replace(",nfa,T1", ",nfa,T2")
    files["entered_measures.csv"] = files["entered_measures.csv"].replace(
        "12.5,,,,LA figure", "12.50,,,,LA figure"
    )
    run = bundle_import(path=write_bundle(tmp_path / "v2", files))
    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts["children.csv"] == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}
    assert run.counts["teams.csv"]["updated"] == 1
    assert run.counts["contacts.csv"] == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}
    assert run.counts["entered_measures.csv"]["unchanged"] == 3  # 12.50 == 12.5
    assert Child.objects.get(child_id="C3").given_name == "Cara"
    assert Contact.objects.get(contact_id="K3").team.code == "T2"
    assert OrgUnit.objects.get(code="T1").name == "MASH"


def test_absent_optional_column_is_left_alone_on_update(loaded, tmp_path):
    bundle = write_bundle(tmp_path / "partial", {"children.csv": "child_id,sex\nC1,F\n"})
    run = bundle_import(path=bundle)
    assert run.counts["children.csv"] == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1}
    assert Child.objects.get(child_id="C1").given_name == "Amy"


def test_round_trip_export_import_export_is_identical(loaded, tmp_path):
    first = tmp_path / "export1"
    counts = bundle_export(path=first)
    assert [p.name for p in sorted(first.iterdir())] == sorted(spec.filename for spec in FILES)
    assert counts == {spec.filename: GOOD_ROWS.get(spec.filename, 0) for spec in FILES}
    header = (first / "strategy_discussions.csv").read_text().splitlines()[0]
    assert header.split(",") == [c.name for c in FILES[10].columns]
    contacts = (first / "contacts.csv").read_text()
    assert "K2,C2,2018-07-01T09:30:00,6,,,,," in contacts  # London local time, no offset
    assert ",,LA figure" in (first / "entered_measures.csv").read_text()  # the LA is blank

    wipe_records()
    run = bundle_import(path=first)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    second = tmp_path / "export2"
    bundle_export(path=second)
    for spec in FILES:
        assert (first / spec.filename).read_bytes() == (second / spec.filename).read_bytes(), spec.filename


def test_zip_with_top_level_folder_imports(good, la, tmp_path):
    bundle = zip_folder(good, tmp_path / "bundle.zip", prefix="export-2024/")
    run_import(bundle)
    assert ImportRun.objects.get().counts["contacts.csv"]["created"] == 3


def test_export_to_zip_round_trips(loaded, tmp_path):
    bundle_export(path=tmp_path / "out.zip")
    wipe_records()
    run = bundle_import(path=tmp_path / "out.zip")
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["contacts.csv"]["created"] == 3


def test_dry_run_writes_nothing(good, la):
    before = dump()
    report = run_import(good, "--dry-run")
    assert dump() == before
    run = ImportRun.objects.get()
    assert (run.status, run.dry_run) == (ImportStatus.VALIDATED, True)
    assert run.counts["contacts.csv"] == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert "contacts.csv: 3 rows, 3 would be created" in report


def test_dry_run_reports_updates(loaded, tmp_path):
    files = {"children.csv": GOOD["children.csv"].replace("Amy", "Aimee")}
    before = dump()
    run = bundle_import(path=write_bundle(tmp_path / "v2", files), dry_run=True)
    assert dump() == before
    assert run.counts["children.csv"] == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}


def test_references_resolve_against_the_database(loaded, tmp_path):
    """A later bundle may refer to children, teams and referrals imported before."""
    bundle = write_bundle(
        tmp_path / "later",
        {
            "visits.csv": "visit_id,child_id,visit_date,kind,seen,seen_alone,worker_id\nV1,C1,2018-05-01,cp,Y,Y,W1\n",
            "cin_plans.csv": "plan_id,child_id,referral_id,start_date,end_date,team_code\nCIN1,C1,R1,2018-04-21,,T2\n",
        },
    )
    run = bundle_import(path=bundle)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["visits.csv"]["created"] == 1


# -- bad bundles ---------------------------------------------------------------------------------------------


def _replace(name: str, old: str, new: str) -> dict[str, str]:
    assert old in GOOD[name], (name, old)
    return {**GOOD, name: GOOD[name].replace(old, new)}


BAD_BUNDLES = {
    "missing required column": (
        {**GOOD, "children.csv": "child_id,given_name\nC1,Amy\n"},
        ["children.csv line 1, column sex", "required column is missing"],
    ),
    "unknown extra column": (
        {
            **GOOD,
            "workers.csv": "worker_id,name,team_code,colour\nW1,Ann Smith,T1,red\nW2,Bob Jones,T2,blue\n",
        },
        ["workers.csv line 1, column colour", "unknown column (extra columns must start with x_)"],
    ),
    "unknown code": (
        _replace("contacts.csv", "RED,AMBER", "PURPLE,AMBER"),
        ["contacts.csv line 2, column initial_rag: value 'PURPLE'", "allowed: BLUE, GREEN, AMBER, RED"],
    ),
    "malformed date": (
        _replace("children.csv", "2012-06-02", "02/06/2012"),
        ["children.csv line 3, column date_of_birth: value '02/06/2012'", "not a date (YYYY-MM-DD)"],
    ),
    "impossible date": (
        _replace("children.csv", "2012-06-02", "2012-02-30"),
        ["children.csv line 3, column date_of_birth", "not a valid date"],
    ),
    "malformed date-time": (
        _replace("contacts.csv", "2018-07-01T09:30:00", "1 July 2018"),
        ["contacts.csv line 3, column received_at", "not a date-time"],
    ),
    "bad Y/N": (
        _replace("posts.csv", "P1,T1,Y,", "P1,T1,yes,"),
        ["posts.csv line 2, column funded: value 'yes'", "not Y or N"],
    ),
    "required value blank": (
        _replace("children.csv", "C3,,,U,", "C3,,,,"),
        ["children.csv line 4, column sex", "required value is blank"],
    ),
    "end before start": (
        _replace(
            "care_episodes.csv",
            "2018-08-01,S,V2,N1,U1,PR1,AB1 2CD,Y,2018-10-01",
            "2018-08-01,S,V2,N1,U1,PR1,AB1 2CD,Y,2018-07-01",
        ),
        ["care_episodes.csv line 2, column end_date: value '2018-07-01'", "is before start_date 2018-08-01"],
    ),
    "reason ceased on an open episode": (
        _replace("care_episodes.csv", "N,,,,T2", "N,,X1,,T2"),
        ["care_episodes.csv line 3, column reason_ceased", "needs an end date"],
    ),
    "two care episodes start the same day": (
        _replace("care_episodes.csv", "E2,C2,2018-10-01", "E2,C2,2018-08-01"),
        ["care_episodes.csv line 3, column start_date", "already has episode E1 starting on this date"],
    ),
    "duplicate ID in a file": (
        _replace("contacts.csv", "K3,C3", "K2,C3"),
        ["contacts.csv line 4, column contact_id: value 'K2'", "duplicate contact_id (first on line 3)"],
    ),
    "reference to a missing child": (
        _replace("referrals.csv", "R1,C1,", "R1,C404,"),
        [
            "referrals.csv line 2, column child_id: value 'C404'",
            "no child 'C404' in children.csv or the database",
        ],
    ),
    "reference to a missing team": (
        _replace("contacts.csv", "nfa,T1", "nfa,T9"),
        ["contacts.csv line 4, column team_code: value 'T9'", "no team 'T9'"],
    ),
    "text too long": (
        _replace("care_episodes.csv", "AB1 2CD", "AB1 2CD EXTRA LONG"),
        ["care_episodes.csv line 2, column placement_postcode", "longer than 10 characters"],
    ),
    "decimal with too many places": (
        _replace("workers.csv", ",0.5,", ",0.555,"),
        ["workers.csv line 3, column fte: value '0.555'", "more than 2 decimal places"],
    ),
    "bad period": (
        _replace("entered_measures.csv", "2018-05", "2018-13"),
        ["entered_measures.csv line 4, column period", "not a period (YYYY-MM)"],
    ),
    "row with too many values": (
        _replace("children.csv", "C3,,,U,,2019-01-10,,,,,", "C3,,,U,,2019-01-10,,,,,,"),
        ["children.csv line 4", "12 values but the header has 11 columns"],
    ),
    "non-CSV file": (
        {**GOOD, "notes.txt": "hello"},
        ["notes.txt: not a CSV file"],
    ),
    "unknown CSV file": (
        {**GOOD, "pets.csv": "pet_id\n1\n"},
        ["pets.csv: unknown file; expected one of: teams.csv"],
    ),
    "empty file": (
        {**GOOD, "early_help.csv": ""},
        ["early_help.csv: empty file: no header row"],
    ),
    "NUL byte": (
        {**GOOD, "children.csv": GOOD["children.csv"].replace("Amy", "Am\x00y")},
        ["children.csv line 2", "NUL (0x00) byte"],
    ),
    "non-UTF-8 text": (
        {**GOOD, "children.csv": GOOD["children.csv"].encode("utf-8").replace(b"Amy", b"Am\xe9e")},
        ["children.csv line 2", "not UTF-8 text: byte 0xE9 at byte offset"],
    ),
    "malformed CSV quoting": (
        _replace("children.csv", '"Brown, Jr"', '"Brown" Jr'),
        ["children.csv line 3", "malformed CSV"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_BUNDLES))
def test_bad_bundle_fails_with_report_and_writes_nothing(case, loaded, tmp_path):
    files, expected = BAD_BUNDLES[case]
    # Change a good value too, so a partial write would show in the dump.
    files = {**files}
    if "contacts.csv" in files and isinstance(files["contacts.csv"], str):
        files["contacts.csv"] = files["contacts.csv"].replace("GREEN,GREEN", "GREEN,RED")
    bundle = write_bundle(tmp_path / "bad", files)
    before = dump()

    report = run_import_failing(bundle)

    for text in expected:
        assert text in report, f"{text!r} not in report:\n{report}"
    assert dump() == before
    run = ImportRun.objects.first()
    assert run.status == ImportStatus.FAILED and run.error_count >= 1 and run.finished_at
    assert run.errors[0].keys() == {"file", "row", "column", "value", "reason"}


def test_every_error_is_collected(loaded, tmp_path):
    files = _replace("contacts.csv", "RED,AMBER", "PURPLE,AMBER")
    files["children.csv"] = (
        files["children.csv"].replace("2012-06-02", "2012-06-31").replace("C3,,,U", "C3,,,Q")
    )
    run = bundle_import(path=write_bundle(tmp_path / "bad", files))
    assert run.status == ImportStatus.FAILED
    assert run.error_count == 3
    assert {(e["file"], e["row"], e["column"]) for e in run.errors} == {
        ("contacts.csv", 2, "initial_rag"),
        ("children.csv", 3, "date_of_birth"),
        ("children.csv", 4, "sex"),
    }


def test_error_list_is_capped_but_counted(la, tmp_path):
    rows = "".join(f"C{i},X\n" for i in range(1500))
    run = bundle_import(path=write_bundle(tmp_path / "bad", {"children.csv": "child_id,sex\n" + rows}))
    assert run.error_count == 1500
    assert len(run.errors) == 1000


def test_failure_is_recorded_even_in_an_empty_database(db, tmp_path):
    before = dump()
    run = bundle_import(
        path=write_bundle(tmp_path / "bad", {"children.csv": "child_id\nC1\n"}), command="test"
    )
    assert dump() == before  # not even the LA node was created
    assert ImportRun.objects.get().pk == run.pk
    assert (run.status, run.command, run.error_count) == (ImportStatus.FAILED, "test", 1)


def test_care_episode_clashing_with_a_stored_one(loaded, tmp_path):
    files = {"care_episodes.csv": GOOD["care_episodes.csv"].replace("E1,C2", "E9,C2")}
    report = run_import_failing(write_bundle(tmp_path / "bad", files))
    assert "care_episodes.csv line 2, column start_date" in report
    assert "already has episode E1 starting on this date in the database" in report


def test_team_code_already_a_service(loaded, tmp_path):
    files = {"teams.csv": "team_code,team_name,service_code,service_name\nS1,Oops,S2,Safeguarding\n"}
    report = run_import_failing(write_bundle(tmp_path / "bad", files))
    assert "teams.csv line 2, column team_code: value 'S1': already exists as a service" in report


# -- zips ----------------------------------------------------------------------------------------------------


def test_truncated_zip(loaded, tmp_path):
    whole = zip_folder(loaded, tmp_path / "whole.zip").read_bytes()
    bundle = tmp_path / "truncated.zip"
    bundle.write_bytes(whole[: len(whole) // 2])
    before = dump()
    report = run_import_failing(bundle)
    assert "truncated.zip is not a readable zip file (truncated or corrupt?)" in report
    assert dump() == before
    assert ImportRun.objects.first().status == ImportStatus.FAILED


def test_corrupt_zip_entry(loaded, tmp_path):
    """The directory is intact but an entry's compressed bytes are damaged: a read error, not a crash."""
    bundle = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("children.csv", GOOD["children.csv"] * 20)
    data = bytearray(bundle.read_bytes())
    for i in range(60, 120):
        data[i] ^= 0xFF
    bundle.write_bytes(bytes(data))
    before = dump()
    report = run_import_failing(bundle)
    assert "children.csv" in report
    assert dump() == before


def _forge_uncompressed_size(data: bytes, name: bytes, size: int) -> bytes:
    """Sets the uncompressed size of entry `name` in both its local header and central directory record."""
    out = bytearray(data)
    local = out.index(b"PK\x03\x04")
    while out[local + 30 : local + 30 + len(name)] != name:
        local = out.index(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", out, local + 22, size)
    central = out.index(b"PK\x01\x02")
    while out[central + 46 : central + 46 + len(name)] != name:
        central = out.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", out, central + 24, size)
    return bytes(out)


def test_zip_entry_claiming_2gb_is_refused_before_decompressing(loaded, tmp_path, monkeypatch):
    bundle = zip_folder(loaded, tmp_path / "bomb.zip")
    bundle.write_bytes(_forge_uncompressed_size(bundle.read_bytes(), b"contacts.csv", 2_000_000_000))
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: (
            opened.append(getattr(name, "filename", name)) or real_open(self, name, *a, **k)
        ),
    )
    before = dump()
    report = run_import_failing(bundle)
    assert "contacts.csv: zip entry declares 2,000,000,000 bytes uncompressed" in report
    assert "contacts.csv" not in opened
    assert dump() == before


def test_zip_over_entry_and_ratio_limits(la, tmp_path, settings):
    settings.BUNDLE_MAX_ENTRY_BYTES = 1000
    bundle = tmp_path / "big.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("children.csv", "child_id,sex\n" + "C1,F\n" * 400)
    report = run_import_failing(bundle)
    assert "over the limit of 1,000 (BUNDLE_MAX_ENTRY_BYTES)" in report

    settings.BUNDLE_MAX_ENTRY_BYTES = 512 * 1024 * 1024
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("children.csv", "child_id,sex\n" + "C1,F\n" * 500_000)
    report = run_import_failing(bundle)
    assert "compression ratio" in report and "zip bomb" in report


def test_entry_larger_than_declared_is_stopped_by_the_stream_cap(la, tmp_path, settings):
    """A lying directory can claim a small size; zipfile stops at the declared size and the CRC fails."""
    bundle = tmp_path / "liar.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("children.csv", "child_id,sex\n" + "".join(f"C{i},F\n" for i in range(2000)))
    bundle.write_bytes(_forge_uncompressed_size(bundle.read_bytes(), b"children.csv", 100))
    report = run_import_failing(bundle)
    assert "children.csv" in report
    assert Child.objects.count() == 0


def test_stream_cap_stops_a_file_bigger_than_allowed(la, tmp_path):
    """Declared sizes can lie; the byte cap on the stream is the last line of defence."""
    from apps.imports.bundle.errors import BundleReport
    from apps.imports.bundle.loader import BundleLoader
    from apps.imports.bundle.reader import BundleSource

    report = BundleReport()
    with BundleSource(write_bundle(tmp_path / "b", GOOD), report) as source:
        source.max_entry_bytes = 50
        BundleLoader(source, report).validate()
    assert "teams.csv is larger than the limit of 50 bytes" in {e.reason for e in report.errors}


def test_zip_path_traversal_is_refused(la, tmp_path):
    bundle = tmp_path / "evil.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("../children.csv", "child_id,sex\nC1,F\n")
    report = run_import_failing(bundle)
    assert "unsafe path in zip" in report


def test_bundle_larger_than_max_bytes_is_refused(la, tmp_path, settings, good):
    settings.BUNDLE_MAX_BYTES = 100
    report = run_import_failing(zip_folder(good, tmp_path / "b.zip"))
    assert "over the limit of 100 (BUNDLE_MAX_BYTES)" in report
    report = run_import_failing(good)
    assert "over the limit of 100 (BUNDLE_MAX_BYTES)" in report


def test_missing_path(db, tmp_path):
    report = run_import_failing(tmp_path / "nope")
    assert "does not exist" in report


def test_export_command(loaded, tmp_path):
    out = io.StringIO()
    call_command("export_bundle", str(tmp_path / "x"), stdout=out)
    assert "Exported" in out.getvalue()
    assert (tmp_path / "x" / "teams.csv").read_text().splitlines()[
        1
    ] == "T1,Front Door,S1,Early Help and MASH"


def test_refresh_option_queues_the_open_months_after_commit(
    good, la, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.kpis import tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_open_month, "delay", lambda: queued.append("refresh"))
    with mock.patch("apps.imports.derived.ensure_calendar"), django_capture_on_commit_callbacks(execute=True):
        call_command("import_bundle", str(good), "--refresh", stdout=io.StringIO(), stderr=io.StringIO())
        assert queued == []  # not before the commit
    assert queued == ["refresh"]
    queued.clear()
    call_command(
        "import_bundle", str(good), "--dry-run", "--refresh", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert queued == []


def test_entered_measures_without_an_org_unit_column_are_the_las(la, tmp_path):
    """org_unit is optional (blank = the LA) but part of an entered measure's identity: a file that leaves
    the column out is read as blank on every row, and importing it again changes nothing (it used to stop
    with a KeyError)."""
    from apps.kpis.models import EnteredMeasure

    files = {"entered_measures.csv": "kpi_code,period,value,note\nyot.first_time_entrants,2018-03,7,YOT\n"}
    run = bundle_import(path=write_bundle(tmp_path / "one", files))
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    measure = EnteredMeasure.objects.get()
    assert (measure.org_unit, measure.value, measure.note) == (la, 7, "YOT")
    again = bundle_import(path=write_bundle(tmp_path / "two", files))
    assert again.counts["entered_measures.csv"] == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1}
