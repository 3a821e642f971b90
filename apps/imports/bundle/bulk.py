"""Loading many rows into PostgreSQL fast, inside the import's one transaction.

Two measures, both for PostgreSQL only (SQLite's inserts are already in-process and its foreign keys are
checked once, at commit, by one pass):

- `copy_rows`: new rows go in with COPY rather than INSERT statements.
- `loading_into_empty`: a table that holds nothing before the import (a council's first load) has its
  foreign keys and plain indexes dropped while it is filled, and made again once it is full. Made again,
  each foreign key is checked by one join over the table, not by a trigger and a row lock on the referenced
  row for every row inserted, and each index is built in one sort: most of a first load's time otherwise
  (the trigger queue of a deferred constraint is checked at commit, millions of entries). Everything happens
  in the import's transaction: if the load or a re-made constraint fails, PostgreSQL rolls the schema back
  with the rows, and nothing is left half-made. A table that already holds rows is left alone (its
  readers would wait on the lock the DDL takes, for the length of the import).

Primary keys and unique constraints are kept: the loader's own checks rely on none of them, but they guard
the natural keys while the table fills.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import models


def copy_rows(connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values already adapted for the database) into `table`'s `columns`."""
    qn = connection.ops.quote_name
    # Table and column names come from model metadata, quoted; values go through COPY's own encoding.
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _definitions(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The table's foreign keys (name, definition) and plain indexes (name, CREATE INDEX statement): those
    no primary key or unique constraint owns."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    foreign_keys = list(cursor.fetchall())
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY i.relname",
        [table],
    )
    indexes = list(cursor.fetchall())
    return foreign_keys, indexes


def _check_deferred(cursor) -> None:
    """Check the deferred constraints queued so far, and defer the later ones again (the default)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def loading_into_empty(connection, model_list: Iterable[type[models.Model]]) -> Iterator[list[str]]:
    """Within the caller's transaction: drop the foreign keys and plain indexes of those of these tables
    that are empty (PostgreSQL only), yield their names, and make them again on leaving. On an error the
    caller's transaction is rolled back, and the dropped definitions with it."""
    if connection.vendor != "postgresql":
        yield []
        return
    assert connection.in_atomic_block, "the schema changes must be part of the import's transaction"
    qn = connection.ops.quote_name
    emptied: list[tuple[str, list, list]] = []
    with connection.cursor() as cursor:
        # A table's foreign keys live as triggers on the tables they reference too, and PostgreSQL alters no
        # table with deferred checks still queued (the org units the import has just synced): run those now.
        _check_deferred(cursor)
        for model in model_list:
            table = model._meta.db_table
            if model._default_manager.exists():
                continue
            foreign_keys, indexes = _definitions(cursor, table)
            for name, _ in foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")
            emptied.append((table, foreign_keys, indexes))
    yield [table for table, _, _ in emptied]
    with connection.cursor() as cursor:
        _check_deferred(cursor)
        if emptied:
            # Each index is one sort of the whole table: give it the memory to sort in one pass (for this
            # transaction only; the server's default is 64 MB).
            cursor.execute("SET LOCAL maintenance_work_mem = %s", [f"{settings.IMPORT_INDEX_BUILD_MB}MB"])
        for table, foreign_keys, indexes in emptied:
            for _, statement in indexes:
                cursor.execute(statement)
            for name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
