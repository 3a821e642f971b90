"""Pass 2 writes the rows pass 1 checked, from pass 1's own parse (bundle.loader._Spill): each record file is
read and parsed once; only the teams file, whose rows sync the org structure, is read again."""

from __future__ import annotations

from collections import Counter

import pytest

from apps.imports.bundle.reader import BundleSource
from apps.imports.services import bundle_import

from .bundle_helpers import GOOD, GOOD_ROWS, dump, write_bundle

pytestmark = pytest.mark.django_db


def test_each_record_file_is_read_once_and_written_as_checked(tmp_path, monkeypatch):
    opened = Counter()
    real = BundleSource.open

    def counting(self, filename):
        opened[filename] += 1
        return real(self, filename)

    monkeypatch.setattr(BundleSource, "open", counting)
    run = bundle_import(path=write_bundle(tmp_path / "b", GOOD))
    assert run.status == "succeeded", run.errors
    assert opened.pop("teams.csv") == 2
    assert set(opened) == set(GOOD) - {"teams.csv"} and set(opened.values()) == {1}
    for filename, n in GOOD_ROWS.items():
        if filename != "teams.csv":
            assert run.counts[filename]["created"] == n, filename


def test_a_dry_run_then_the_import_give_the_same_counts_and_the_same_rows_as_a_second_import(tmp_path):
    folder = write_bundle(tmp_path / "b", GOOD)
    dry = bundle_import(path=folder, dry_run=True)
    real = bundle_import(path=folder)
    assert dry.counts == real.counts
    first = dump()
    again = bundle_import(path=folder)
    assert dump() == first
    for filename, n in GOOD_ROWS.items():
        if filename != "teams.csv":
            assert (again.counts[filename]["unchanged"], again.counts[filename]["created"]) == (n, 0), (
                filename
            )
