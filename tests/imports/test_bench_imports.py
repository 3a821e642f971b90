"""The import benchmark runs end to end on tiny generated returns of the 903 and the CIN census (Annex A's is
in test_bench_command.py). Its timings are read by people, not asserted; what is asserted is that the
figures are printed and that the generators make what was asked for (exactly N care episodes; N children)
and that the import takes all of it."""

import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from apps.care.models import CareEpisode
from apps.imports.models import ImportRun
from apps.people.models import Child


def bench(fmt: str, rows: int) -> str:
    out = StringIO()
    with mock.patch("apps.imports.derived.ensure_calendar"):
        call_command("bench_imports", "--format", fmt, "--rows", str(rows), stdout=out)
    return out.getvalue()


def assert_figures(text: str, fmt: str) -> None:
    assert re.search(rf"^import {fmt}: [0-9,]+ rows in [0-9.]+ s, [0-9,]+ rows/s", text, re.M)
    for phase in ("read and translate", "validate", "write", "derived fields"):
        assert re.search(rf"^  {re.escape(phase)} +[0-9.]+ s", text, re.M), phase
    assert re.search(r"^peak memory: [0-9,]+ MB", text, re.M)


@pytest.mark.django_db
def test_bench_imports_903():
    text = bench("ssda903", 40)
    assert_figures(text, "ssda903")
    assert re.search(r"episodes 40\b", text)
    assert CareEpisode.objects.count() == 40
    assert ImportRun.objects.get().error_count == 0


@pytest.mark.django_db
def test_bench_imports_cin_census():
    text = bench("cin_census", 25)
    assert_figures(text, "cin_census")
    assert Child.objects.count() == 25
    run = ImportRun.objects.get()
    # The generated census is valid against its year's XSD where one is configured: nothing left out.
    assert run.error_count == 0
    assert all(c.get("left_out", 0) == 0 for c in run.counts.values() if isinstance(c, dict))
