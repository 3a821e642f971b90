"""The benchmark command runs end to end on a small council (its figures are read by people, not asserted;
what is asserted is that the backfill it times computed every month once and stored no duplicate)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_bench_snapshots_on_a_small_council():
    out = StringIO()
    call_command("bench_snapshots", size="small", months=2, period="2024-02", stdout=out)
    text = out.getvalue()
    assert "one month (2024-02):" in text and "queries per month:" in text
    assert "backfill 2024-01..2024-02 (2 months, 1 worker(s))" in text
    assert "months computed: 2 of 2, each once: True; duplicate snapshot keys: 0" in text


@pytest.mark.django_db
def test_bench_imports_generates_imports_and_prints_its_figures():
    from unittest import mock

    from apps.care.models import CareEpisode
    from apps.frontdoor.models import Contact
    from apps.imports.models import ImportRun

    out = StringIO()
    # The working-day calendar is filled once per database; not what this test looks at.
    with mock.patch("apps.imports.derived.ensure_calendar"):
        call_command("bench_imports", "--format", "annex_a", "--rows", "200", stdout=out)
    text = out.getvalue()
    # 200 rows spread as the generator documents: 30% contacts (60), 7% children in care (14).
    assert "generated 200 rows" in text and "List_1 60," in text and "List_8 14," in text
    assert "import annex_a: 200 rows in " in text and " rows/s" in text
    for phase in ("read and translate", "validate", "write", "derived fields"):
        assert f"  {phase}" in text
    assert "peak memory: " in text and " MB" in text
    assert Contact.objects.count() == 60
    assert CareEpisode.objects.values("child").distinct().count() == 14
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.error_count) == ("annex_a", "succeeded", 0)
