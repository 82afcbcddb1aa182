"""PgBouncer in transaction pooling: what the code must not do, and that it does not.

Behind transaction pooling each transaction of one Django connection may run on another
server connection, so nothing may outlive a transaction on the server: no session SET, no
session advisory lock, no LISTEN, no server-side cursor, no prepared statement.  The source
check runs everywhere; the others run through a real PgBouncer (.ci/pgbouncer-tests.sh sets
DATABASE_POOLER=pgbouncer and DATABASE_URL to 127.0.0.1:6432).
"""

import re
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import ProductFactory

ROOT = Path(__file__).resolve().parent.parent
APPS = ("retail", "pricing", "inventory", "loyalty", "orders", "imports")
# Session state a pooled server connection would carry over to the next client (SQL in
# upper case, as the code writes it).
SESSION_STATE = re.compile(
    r"""["']\s*(SET\s+(?!LOCAL\b|CONSTRAINTS\b)\w+|LISTEN\b)"""
    r"""|pg_(?:try_)?advisory_lock(?:_shared)?\s*\("""
    r"""|set_config\([^)]*,\s*false\)""",
)
# Run through PgBouncer by .ci/pgbouncer-tests.sh (DATABASE_POOLER=pgbouncer); other runs
# deselect them (tests/conftest.py), so CI's main run shows no skip for them.
behind_pgbouncer = pytest.mark.pgbouncer


def test_pgbouncer_no_session_state_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert found == []


@behind_pgbouncer
def test_pgbouncer_settings_for_transaction_pooling():
    assert connection.settings_dict["PORT"] in (6432, "6432")
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] is None


@behind_pgbouncer
@pytest.mark.django_db(transaction=True)
def test_pgbouncer_talks_to_postgresql_behind_it_and_iterates_in_autocommit():
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        assert cursor.fetchone()[0] == 5432
    for n in range(5):
        ProductFactory(sku=f"ITER-{n}")
    from retail.models import Product

    # A server-side cursor would be declared in one transaction and fetched in others.
    skus = [p.sku for p in Product.objects.order_by("sku").iterator(chunk_size=2)]
    assert skus == [f"ITER-{n}" for n in range(5)]
    # The same statement many times: psycopg would prepare it after five, if allowed to.
    for _ in range(8):
        assert Product.objects.filter(sku="ITER-0").count() == 1
