"""Helpers of the replica tests: SQL on the replica alias, waiting for it to catch up."""

import time
from collections.abc import Callable

import pytest
from django.db import connections

from retail.db_router import REPLICA_ALIAS

WAIT_SECONDS = 20


def on_replica(sql: str):
    """The first column of the first row of ``sql`` run on the replica alias."""
    with connections[REPLICA_ALIAS].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def eventually(check: Callable[[], bool], what: str) -> None:
    """Poll ``check`` until true; fail naming ``what`` after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not show {what} within {WAIT_SECONDS} s")
        time.sleep(0.05)


def caught_up() -> bool:
    """True once the replica has replayed all the primary wrote (at once for a test mirror)."""
    if not on_replica("SELECT pg_is_in_recovery()"):
        return True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    return on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")


def settle() -> None:
    """Wait until the replica shows everything committed so far."""
    eventually(caught_up, "the primary's last commit")
