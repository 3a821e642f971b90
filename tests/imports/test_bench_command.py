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
