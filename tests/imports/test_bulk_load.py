"""PostgreSQL's fast path for a first load (apps.imports.bundle.bulk): COPY, and an empty table's foreign keys
and plain indexes dropped while it fills and made again after, all inside the import's transaction."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from apps.care.models import LifeStoryWork
from apps.imports.bundle.bulk import _definitions, copy_rows, loading_into_empty
from apps.imports.bundle.spec import FILES
from apps.people.models import Child
from apps.plans.models import CPPlan

from .bundle_helpers import GOOD, GOOD_ROWS, dump, run_import, write_bundle

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test-postgres)")


def schema() -> dict[str, tuple]:
    with connection.cursor() as cursor:
        return {
            apps.get_model(spec.model)._meta.db_table: _definitions(
                cursor, apps.get_model(spec.model)._meta.db_table
            )
            for spec in FILES
        }


def test_a_first_load_leaves_every_foreign_key_and_index_as_it_was(tmp_path):
    before = schema()
    assert sum(len(fks) for fks, _ in before.values()) > 20  # the check below has something to check
    run_import(write_bundle(tmp_path / "b", GOOD))
    assert schema() == before
    assert Child.objects.count() == GOOD_ROWS["children.csv"]
    assert CPPlan.objects.get(plan_id="CP1").child.child_id == "C1"


def test_a_load_into_tables_that_hold_rows_is_the_same_as_a_first(tmp_path):
    run_import(write_bundle(tmp_path / "b", GOOD))
    first = dump()
    run_import(write_bundle(tmp_path / "b", GOOD))
    assert dump() == first


def test_a_foreign_key_made_again_still_refuses_a_row_and_the_schema_rolls_back():
    table = LifeStoryWork._meta.db_table
    before = schema()[table]
    assert before[0] and before[1]  # a foreign key (the child) and a plain index to drop
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            with loading_into_empty(connection, [LifeStoryWork]) as emptied:
                assert emptied == [table]
                with connection.cursor() as cursor:
                    assert _definitions(cursor, table) == ([], [])
                # Life story work of a child that does not exist: nothing stops it while the key is away...
                copy_rows(connection, table, ["child_id", "start_date"], [[999_999, "2018-01-01"]])
            # ...but making the key again does, and the transaction takes the schema back with the row.
    assert schema()[table] == before
    assert not LifeStoryWork.objects.exists()


def test_a_table_that_holds_rows_keeps_its_keys(tmp_path):
    run_import(write_bundle(tmp_path / "b", GOOD))
    with transaction.atomic():
        with loading_into_empty(connection, [CPPlan, Child]) as emptied:
            assert emptied == []
