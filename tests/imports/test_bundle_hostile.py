"""Hostile values and hostile bundles: each is refused with an error naming file, line and column, the
command exits non-zero and the database is unchanged (every row, so also every count)."""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from apps.imports.bundle.errors import BundleReport
from apps.imports.bundle.loader import BundleLoader
from apps.imports.bundle.reader import BundleSource
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import bundle_import
from apps.kpis.models import EnteredMeasure
from apps.people.models import Child

from .bundle_helpers import GOOD, dump, record_models, run_import, run_import_failing, write_bundle
from .test_bundle_import import (
    good,  # noqa: F401 - fixture
    loaded,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db

SECRET = "SECRET-FIRST-LINE-OF-A-FILE-OUTSIDE-THE-BUNDLE"


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in record_models()}


def refused(bundle: Path, *expected: str) -> str:
    """Imports `bundle` expecting failure; the report must hold every `expected` text, the database
    must be unchanged."""
    before, before_counts = dump(), counts()
    report = run_import_failing(bundle)
    for text in expected:
        assert text in report, f"{text!r} not in report:\n{report}"
    assert counts() == before_counts
    assert dump() == before
    run = ImportRun.objects.first()
    assert run.status == ImportStatus.FAILED and run.error_count >= 1
    return report


def _replace(name: str, old: str, new: str) -> dict[str, str]:
    assert old in GOOD[name], (name, old)
    return {**GOOD, name: GOOD[name].replace(old, new)}


# -- values --------------------------------------------------------------------------------------------------

HOSTILE_VALUES = {
    "slash in a child ID": (
        _replace("children.csv", "\nC3,", "\nC/3,"),
        ["children.csv line 4, column child_id: value 'C/3': not a valid ID: '/' at character 2"],
    ),
    "control character in a child ID": (
        _replace("children.csv", "\nC3,", "\nC\x013,"),
        ["children.csv line 4, column child_id: value 'C\\x013'", "control character U+0001 at character 2"],
    ),
    "DEL in a child ID": (
        _replace("children.csv", "\nC3,", "\nC3\x7f,"),
        ["children.csv line 4, column child_id", "control character U+007F at character 3"],
    ),
    "space inside an ID": (
        _replace("children.csv", "\nC3,", "\nC 3,"),
        ["children.csv line 4, column child_id: value 'C 3': not a valid ID: a space at character 2"],
    ),
    "spaces around a child ID": (
        _replace("children.csv", "\nC3,", "\n C3,"),
        ["children.csv line 4, column child_id: value ' C3': ID has spaces around it"],
    ),
    "trailing space on a referenced ID": (
        _replace("contacts.csv", "K2,C2,", "K2,C2 ,"),
        ["contacts.csv line 3, column child_id: value 'C2 ': ID has spaces around it"],
    ),
    "no-break space around an ID": (
        _replace("referrals.csv", "R1,C1,", "R1\u00a0,C1,"),
        ["referrals.csv line 2, column referral_id", "ID has spaces around it"],
    ),
    "ID starting with a formula character": (
        _replace("workers.csv", "W2,Bob", "-W2,Bob"),
        ["workers.csv line 3, column worker_id: value '-W2'", "must start with a letter or a digit"],
    ),
    "ID starting with a slash": (
        _replace("posts.csv", "P2,T2", "/P2,T2"),
        ["posts.csv line 3, column post_id: value '/P2': not a valid ID: '/' at character 1 is not allowed"],
    ),
    "ID of dots": (
        _replace("posts.csv", "P2,T2", "..,T2"),
        ["posts.csv line 3, column post_id: value '..'", "must start with a letter or a digit"],
    ),
    "team code with a slash": (
        _replace("teams.csv", "T2,Assessment,S2", "T2,Assessment,S/2"),
        ["teams.csv line 3, column service_code: value 'S/2': not a valid ID"],
    ),
    "non-ASCII letter in an ID": (
        _replace("family_members.csv", "F1,P2,", "F1,P\u00e92,"),
        ["family_members.csv line 3, column person_id", "'\u00e9' at character 2 is not allowed"],
    ),
    "control character in a name": (
        _replace("children.csv", "Amy", "Am\x1by"),
        [
            "children.csv line 2, column given_name: value 'Am\\x1by'",
            "control character U+001B at character 3",
        ],
    ),
    "C1 control character in a name": (
        _replace("workers.csv", "Ann Smith", "Ann\u0085Smith"),
        ["workers.csv line 2, column name", "control character U+0085 at character 4"],
    ),
    "line break in a name": (
        _replace("children.csv", '"Brown, Jr"', '"Brown,\nJr"'),
        [
            "children.csv line 3, column family_name",
            "a line break (LF) at character 7; this column holds one line",
        ],
    ),
    "tab in a team name": (
        _replace("teams.csv", "Front Door", "Front\tDoor"),
        ["teams.csv line 2, column team_name", "a tab at character 6"],
    ),
    "tab after a date": (
        _replace("children.csv", "2010-05-01", "2010-05-01\t"),
        ["children.csv line 2, column date_of_birth", "a tab at character 11"],
    ),
    "control character in a free-text note": (
        _replace("entered_measures.csv", "LA figure", "LA\x07figure"),
        ["entered_measures.csv line 2, column note", "control character U+0007 at character 3; remove it"],
    ),
    "control character in a code": (
        _replace("contacts.csv", "RED,AMBER", "RED\x02,AMBER"),
        ["contacts.csv line 2, column initial_rag", "control character U+0002"],
    ),
    "NUL byte names its column": (
        _replace("children.csv", "Amy", "Am\x00y"),
        ["children.csv line 2, column given_name", "NUL (0x00) byte"],
    ),
    "date of birth in 2099": (
        _replace("children.csv", "2012-06-02", "2099-06-02"),
        [
            "children.csv line 3, column date_of_birth: value '2099-06-02': "
            "date of birth is after the day of the import",
            "a child not yet born has an expected_date_of_birth instead",
        ],
    ),
    "family member born in 2099": (
        _replace("family_members.csv", "1980-01-01", "2099-01-01"),
        ["family_members.csv line 2, column date_of_birth", "date of birth is after the day of the import"],
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE_VALUES))
def test_hostile_value_is_refused_and_nothing_is_written(case, loaded, tmp_path):  # noqa: F811
    files, expected = HOSTILE_VALUES[case]
    # Change a good value too, so a partial write would show in the dump.
    files = {**files, "contacts.csv": files["contacts.csv"].replace("GREEN,GREEN", "GREEN,RED")}
    refused(write_bundle(tmp_path / "bad", files), *expected)


def test_hostile_values_into_an_empty_database_write_nothing(la, tmp_path):
    files = _replace("children.csv", "\nC3,", "\nC/3,")
    refused(write_bundle(tmp_path / "bad", files), "column child_id: value 'C/3'")
    assert Child.objects.count() == 0


def test_a_spaced_id_never_becomes_a_second_child(loaded, tmp_path):  # noqa: F811
    files = {"children.csv": "child_id,sex\n C1,F\n"}
    refused(write_bundle(tmp_path / "bad", files), "ID has spaces around it")
    assert list(Child.objects.filter(child_id__contains="C1").values_list("child_id", flat=True)) == ["C1"]


def test_date_of_birth_today_is_accepted_and_tomorrow_refused(la, tmp_path, monkeypatch):
    monkeypatch.setattr("apps.imports.bundle.validate.today", lambda: date(2024, 3, 15))
    ok = write_bundle(tmp_path / "ok", {"children.csv": "child_id,sex,date_of_birth\nC1,F,2024-03-15\n"})
    run_import(ok)
    assert Child.objects.get().date_of_birth == date(2024, 3, 15)
    bad = write_bundle(tmp_path / "bad", {"children.csv": "child_id,sex,date_of_birth\nC2,F,2024-03-16\n"})
    refused(bad, "children.csv line 2, column date_of_birth", "after the day of the import (2024-03-15)")


def test_the_import_day_is_london_time(monkeypatch):
    from datetime import UTC, datetime

    from apps.imports.bundle import validate

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
            return datetime(2024, 6, 30, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(validate, "datetime", Clock)
    assert validate.today() == date(2024, 7, 1)


def test_an_unborn_child_with_an_expected_date_in_2099_is_fine(la, tmp_path):
    bundle = write_bundle(
        tmp_path / "ok", {"children.csv": "child_id,sex,expected_date_of_birth\nU1,U,2099-01-01\n"}
    )
    run_import(bundle)
    assert Child.objects.get().expected_date_of_birth == date(2099, 1, 1)


def test_a_free_text_note_keeps_its_line_breaks_and_tabs(la, tmp_path):
    files = {
        "entered_measures.csv": "kpi_code,period,value,org_unit,note\n"
        'x.test,2018-04,1,,"first line\nsecond\tline"\n'
    }
    run_import(write_bundle(tmp_path / "ok", files))
    assert EnteredMeasure.objects.get().note == "first line\nsecond\tline"


def test_crlf_line_endings_are_not_control_characters(la, tmp_path):
    files = {name: GOOD[name].replace("\n", "\r\n") for name in ("teams.csv", "children.csv")}
    files["entered_measures.csv"] = 'kpi_code,period,value,org_unit,note\r\nx.test,2018-04,1,,"a\r\nb"\r\n'
    run_import(write_bundle(tmp_path / "crlf", files))
    assert Child.objects.get(child_id="C2").family_name == "Brown, Jr"
    assert EnteredMeasure.objects.get().note == "a\r\nb"


def test_every_id_column_follows_the_id_rule():
    """The rule covers refs and every *_id / *_code text column, and no other column."""
    from apps.imports.bundle.spec import FILES

    ids = {(s.name, c.name) for s in FILES for c in s.columns if c.is_id}
    assert ("children", "child_id") in ids and ("teams", "service_code") in ids
    assert ("entered_measures", "kpi_code") in ids and ("entered_measures", "org_unit") in ids
    assert ("care_leavers", "pa_worker_id") in ids and ("family_members", "person_id") in ids
    for spec in FILES:
        for c in spec.columns:
            if c.name.endswith(("_id", "_code")):
                assert c.is_id, (spec.name, c.name)
            if c.is_id:
                assert c.kind in ("str", "ref") and not c.multiline, (spec.name, c.name)


# -- bundles -------------------------------------------------------------------------------------------------


def test_empty_folder_is_refused(la, tmp_path):
    (tmp_path / "empty").mkdir()
    refused(tmp_path / "empty", "bundle: empty bundle: it holds none of the bundle's files (teams.csv")


def test_folder_of_junk_only_is_refused(la, tmp_path):
    bundle = write_bundle(tmp_path / "junk", {".DS_Store": "x", "Thumbs.db": "x"})
    refused(bundle, "empty bundle")


def test_empty_zip_is_refused(la, tmp_path):
    bundle = tmp_path / "empty.zip"
    with zipfile.ZipFile(bundle, "w"):
        pass
    refused(bundle, "empty bundle")


def test_zip_with_two_entries_for_one_file_is_refused_naming_both(loaded, tmp_path):  # noqa: F811
    bundle = tmp_path / "two.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("children.csv", "child_id,sex\nC8,F\n")
        zf.writestr("sub/children.csv", "child_id,sex\nC9,F\n")
    refused(
        bundle,
        "children.csv: the zip holds 2 entries for this file ('children.csv', 'sub/children.csv'); "
        "keep only one",
    )


def test_zip_with_a_duplicated_name_is_refused(loaded, tmp_path):  # noqa: F811
    bundle = tmp_path / "dup.zip"
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("export/children.csv", "child_id,sex\nC8,F\n")
        zf.writestr("export/children.csv", "child_id,sex\nC9,F\n")
        zf.writestr("export/teams.csv", GOOD["teams.csv"])
    refused(
        bundle,
        "children.csv: the zip holds 2 entries for this file ('export/children.csv', 'export/children.csv')",
    )


@pytest.fixture
def outside(tmp_path) -> Path:
    """A file outside every bundle, whose first line must never appear in a report."""
    target = tmp_path / "outside" / "passwd"
    target.parent.mkdir()
    target.write_text(f"{SECRET}\nsecond line\n")
    return target


def test_symlinked_file_in_a_folder_is_refused_without_reading_it(loaded, tmp_path, outside):  # noqa: F811
    bundle = write_bundle(tmp_path / "b", {"teams.csv": GOOD["teams.csv"]})
    (bundle / "children.csv").symlink_to(outside)
    report = refused(bundle, "children.csv: symbolic link in the bundle; refused")
    assert SECRET not in report and SECRET not in str(ImportRun.objects.first().errors)


def test_symlink_to_etc_passwd_is_refused(la, tmp_path):
    if not Path("/etc/passwd").is_file():
        pytest.skip("no /etc/passwd here")
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "children.csv").symlink_to("/etc/passwd")
    first_line = Path("/etc/passwd").read_text().splitlines()[0]
    report = refused(bundle, "children.csv: symbolic link in the bundle")
    assert first_line not in report


def test_symlinked_bundle_folder_and_wrapping_folder_are_refused(la, tmp_path, outside):
    real = write_bundle(tmp_path / "real", {"children.csv": "child_id,sex\nC1,F\n"})
    link = tmp_path / "link"
    link.symlink_to(real)
    refused(link, "is a symbolic link; give the bundle's real folder or .zip file")
    wrapper = tmp_path / "wrapper"
    wrapper.mkdir()
    (wrapper / "bundle").symlink_to(outside.parent)
    report = refused(wrapper, "bundle: symbolic link in the bundle; refused")
    assert SECRET not in report


def test_fifo_in_a_folder_is_refused_without_opening_it(la, tmp_path):
    bundle = write_bundle(tmp_path / "b", {"teams.csv": GOOD["teams.csv"]})
    os.mkfifo(bundle / "children.csv")  # opening it would block the import forever
    refused(bundle, "children.csv: not a regular file (a device, pipe or socket); refused")


def test_file_swapped_for_a_symlink_after_listing_is_not_followed(la, tmp_path, outside):
    bundle = write_bundle(tmp_path / "b", {"children.csv": "child_id,sex\nC1,F\n"})
    report = BundleReport()
    with BundleSource(bundle, report) as source:
        (bundle / "children.csv").unlink()
        (bundle / "children.csv").symlink_to(outside)
        BundleLoader(source, report).validate()
    assert [(e.file, e.row) for e in report.errors] == [("children.csv", None)]
    assert "cannot read the file" in report.errors[0].reason
    assert SECRET not in str(report.errors)


def test_zip_entry_that_is_a_symlink_is_refused(la, tmp_path):
    bundle = tmp_path / "link.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("teams.csv", GOOD["teams.csv"])
        info = zipfile.ZipInfo("children.csv")
        info.create_system = 3  # Unix
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    report = refused(bundle, "children.csv: symbolic link in the zip; refused")
    assert "/etc/passwd" not in report


def test_a_good_zip_and_folder_still_import(good, la, tmp_path):  # noqa: F811
    run = bundle_import(path=good)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
