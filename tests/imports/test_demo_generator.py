"""The demo council generator: deterministic, consistent, plausible, importable. All on the small size with a
fixed end month and a fixed "today", so the bundle does not depend on the day the tests run."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.imports.bundle.spec import FILES
from apps.imports.demo import generate_bundle, window
from apps.imports.demo.checks import consistency_errors, read, summary

TODAY = date(2026, 3, 18)
END = date(2026, 3, 1)  # the current month of TODAY: the horizon is the day before TODAY


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "seed7"
    generate_bundle(folder, size="small", seed=7, today=TODAY, end=END)
    return folder


def same_files(a: Path, b: Path) -> bool:
    names = [f.filename for f in FILES]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def test_every_file_is_written_with_its_header(bundle):
    for spec in FILES:
        with open(bundle / spec.filename, encoding="utf-8") as fh:
            assert fh.readline().rstrip("\n").split(",") == [c.name for c in spec.columns]


def test_same_seed_gives_identical_files_and_another_seed_does_not(bundle, tmp_path):
    generate_bundle(tmp_path / "again", size="small", seed=7, today=TODAY, end=END)
    generate_bundle(tmp_path / "other", size="small", seed=8, today=TODAY, end=END)
    assert same_files(bundle, tmp_path / "again")
    assert not same_files(bundle, tmp_path / "other")


def test_small_is_small(bundle):
    children = read(bundle, "children")
    assert 200 <= len(children) <= 3000
    assert len(read(bundle, "teams")) >= 7
    assert read(bundle, "care_episodes") and read(bundle, "cp_plans") and read(bundle, "care_leavers")


def test_bundle_is_consistent(bundle):
    """Known codes, unique keys, every reference resolves, ends after starts, nothing dated today or later,
    care episodes contiguous (X1 -> next starts the same day, RNE S only for a new period of care), plans and
    allocations of a child never overlap, initial conferences name their S47."""
    assert consistency_errors(bundle, today=TODAY) == []


def test_only_expected_births_may_lie_in_the_future(bundle):
    children = read(bundle, "children")
    horizon = window("small", today=TODAY, end=END)[1]
    assert all(c["date_of_birth"] <= horizon.isoformat() for c in children if c["date_of_birth"])
    unborn = [c for c in children if not c["date_of_birth"]]
    assert all(c["expected_date_of_birth"] and c["sex"] == "U" for c in unborn)


def test_rates_are_plausible(bundle):
    s = summary(bundle)
    assert 15 <= s["conversion_%"] <= 35
    assert 65 <= s["assessments_45wd_%"] <= 95
    assert 5 <= s["rereferral_%"] <= 40
    assert 65 <= s["decided_24h_%"] <= 95
    assert 85 <= s["assessment_seen_%"] <= 100
    assert s["contact_outcome_%"]["nfa"] > s["contact_outcome_%"]["early_help"]
    assert s["cla_month_ends"][-1] > 0
    assert 10 <= s["cla_per_10k"] <= 80


def test_uasc_are_mostly_older_boys(bundle):
    uasc = [c for c in read(bundle, "children") if c["uasc"] == "Y"]
    assert uasc
    assert sum(c["sex"] == "M" for c in uasc) / len(uasc) >= 0.5
    ages = [(TODAY - date.fromisoformat(c["date_of_birth"])).days / 365.25 for c in uasc]
    assert min(ages) >= 12


def test_window_defaults():
    first, horizon = window("medium", today=date(2026, 11, 26))
    assert (first, horizon) == (date(2023, 11, 1), date(2026, 11, 25))
    first, horizon = window("large", today=date(2026, 11, 26), end=date(2025, 6, 1))
    assert (first, horizon) == (date(2019, 6, 1), date(2025, 6, 30))
    with pytest.raises(ValueError):
        window("small", today=date(2026, 11, 26), end=date(2027, 1, 1))


def test_command_writes_a_bundle_and_reports(tmp_path):
    from io import StringIO

    out = StringIO()
    call_command(
        "generate_demo",
        "--size",
        "small",
        "--seed",
        "3",
        "--end",
        "2025-12",
        "--bundle",
        str(tmp_path / "b"),
        stdout=out,
    )
    text = out.getvalue()
    assert "contacts.csv" in text and "rows/s" in text and "peak memory" in text
    assert (tmp_path / "b" / "children.csv").exists()


@pytest.mark.django_db
def test_generated_council_round_trips_through_an_empty_database(bundle, tmp_path):
    """generate -> import -> export -> import into an empty database -> export: identical files."""
    from apps.imports.services import bundle_export, bundle_import
    from apps.people.models import Child
    from tests.imports.bundle_helpers import wipe_records

    run = bundle_import(path=bundle, command="test")
    assert run.error_count == 0, run.errors[:10]
    assert Child.objects.count() == len(read(bundle, "children"))
    first = tmp_path / "first"
    bundle_export(path=first)
    wipe_records()
    assert not Child.objects.exists()
    assert bundle_import(path=first, command="test").error_count == 0
    second = tmp_path / "second"
    bundle_export(path=second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and "contacts.csv" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_medium_council_records_every_code_year_and_blank_legal_statuses(tmp_path):
    """The codes real extracts hold: OC3 activities of the earlier code years (F3/P3) and the later (F5/P5),
    0 (not known), and care episodes whose legal status is not recorded."""
    folder = tmp_path / "medium"
    generate_bundle(folder, size="medium", seed=7, today=TODAY, end=END)
    activities = {r["activity"] for r in read(folder, "care_leavers")}
    assert {"F3", "P3", "F4", "P4", "F5", "P5", "0"} <= activities
    episodes = read(folder, "care_episodes")
    blank = [r for r in episodes if not r["legal_status"]]
    assert 0 < len(blank) < len(episodes) / 100
    assert consistency_errors(folder, today=TODAY) == []
