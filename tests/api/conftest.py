import pytest

from tests.people.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Ages, "in care now" and "on a CP plan now" are read against a fixed day."""
    monkeypatch.setattr("apps.people.selectors.today", lambda: TODAY)
    return TODAY
