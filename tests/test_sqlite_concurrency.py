"""The embedded default (SQLite, ``make run``) survives concurrent writers.

A reservation reads stock and then writes it.  In SQLite's default deferred
transactions two such requests both take a read lock and the second upgrade
fails at once with ``database is locked`` (a 500, found by fuzzing), whatever
the busy timeout.  ``retail.settings.SQLITE_OPTIONS`` begins every
transaction ``IMMEDIATE``, so writers queue for the lock within the timeout.
This runs against a file database, as ``make run`` does, with real threads.
"""

import pytest
from django.conf import settings
from django.db import connections, transaction

from tests.concurrency import run_concurrently

ALIAS = "sqlite_file"
WRITERS = 8


@pytest.fixture
def file_db(tmp_path, django_db_blocker):
    config = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "demo.sqlite3"),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "TEST": {"NAME": str(tmp_path / "demo.sqlite3")},
    }
    connections.settings[ALIAS] = config
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE stock (sku TEXT PRIMARY KEY, available INTEGER)")
            cursor.execute("INSERT INTO stock VALUES ('MUG', 5)")
        yield connections[ALIAS]
        connections[ALIAS].close()
    del connections.settings[ALIAS]


def _reserve_one() -> bool:
    """Read the stock, then take one if any is left: the shape of a reservation."""
    connection = connections[ALIAS]
    try:
        with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
            cursor.execute("SELECT available FROM stock WHERE sku = 'MUG'")
            (available,) = cursor.fetchone()
            if available < 1:
                return False
            cursor.execute("UPDATE stock SET available = available - 1 WHERE sku = 'MUG'")
            return True
    finally:
        connection.close()


def test_sqlite_file_db_concurrent_reservations_never_lock_or_oversell(file_db, django_db_blocker):
    assert file_db.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with django_db_blocker.unblock():
        results = run_concurrently([_reserve_one] * WRITERS)
        with file_db.cursor() as cursor:
            cursor.execute("SELECT available FROM stock")
            (left,) = cursor.fetchone()

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert results.count(True) == 5 and results.count(False) == WRITERS - 5
    assert left == 0


def test_sqlite_settings_use_immediate_transactions_wal_and_a_busy_timeout():
    options = settings.SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
