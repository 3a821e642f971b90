import pytest


@pytest.fixture
def la(db):
    from apps.core.services import ensure_la

    return ensure_la()
