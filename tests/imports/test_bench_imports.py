"""The import benchmark runs end to end on tiny generated returns. Its timings are read by people, not
asserted; what is asserted is that the figures are printed and that the generators make what was asked for
(exactly N care episodes; N children) and that the import takes all of it."""

import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from apps.care.models import CareEpisode
from apps.people.models import Child


def bench(fmt: str, rows: int) -> str:
    out = StringIO()
    with mock.patch("apps.imports.derived.ensure_calendar"):
        call_command("bench_imports", "--format", fmt, "--rows", str(rows), stdout=out)
    return out.getvalue()


def assert_figures(text: str) -> None:
    assert "status: succeeded, 0 error(s)" in text
    for phase in ("read/translate", "validate", "write", "total"):
        assert re.search(rf"^  {re.escape(phase)}: [0-9.]+ s", text, re.M), phase
    assert re.search(r"^rows/s: [0-9,]+ records written", text, re.M)
    assert re.search(r"^peak memory: [0-9]+ MiB", text, re.M)


@pytest.mark.django_db
def test_bench_imports_903(la):
    text = bench("ssda903", 40)
    assert_figures(text)
    assert "generated 40 care episodes" in text
    assert "  care_episodes.csv: 40 rows (40 created, 0 updated, 0 unchanged)" in text
    assert CareEpisode.objects.count() == 40


@pytest.mark.django_db
def test_bench_imports_cin_census(la):
    text = bench("cin_census", 25)
    assert_figures(text)
    assert "  children.csv: 25 rows (25 created, 0 updated, 0 unchanged)" in text
    assert Child.objects.count() == 25
    # The generated census is valid against its year's XSD where one is configured: no schema error above,
    # and no record of it was left out.
    assert re.search(r"cin_census_2024\.xml: [0-9,]+ rows, 0 left out", text)
