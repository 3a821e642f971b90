"""Database session settings the snapshot queries depend on for their speed."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    """JIT compilation of the many-subquery snapshot plans cost seconds per query (see settings.base)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test-postgres)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
