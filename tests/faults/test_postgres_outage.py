"""PostgreSQL goes away mid-request and restarts: a clean 503, nothing half written, and
the next request works without restarting the web process.

Two faults, each against a real server, seen through a real web process (Django's WSGI
application behind a one-thread HTTP server, as a gunicorn sync worker runs it; see
``WebProcess``):

* A backend terminated mid-request (``pg_terminate_backend``): the web process's own
  backend, on the test database of the shared server, found while it waits for a lock
  the test holds (the request has begun its work and is between two statements).
* A restart: a PostgreSQL cluster of the test's own (``pg_createcluster`` on a free port,
  a copy of the test database in it) is stopped and started again while the same web
  process serves.  The shared server is never stopped.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from inventory.models import Reservation, StockLevel, StockMovement
from orders.models import Notification, Order
from retail.models import IdempotencyRecord, StaffRole
from tests.factories import make_api_client, make_staff
from tests.faults.services import PrivatePostgres, WebProcess, wait_for
from tests.orders.api_support import place_body
from tests.orders.world import assert_books_balance, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STOCK_PAGE = reverse("inventory_store:stock")
OUTAGE = {
    "code": "database_unavailable",
    "message": "The database is not reachable right now; nothing was saved. Try again shortly.",
}


def footprint() -> dict[str, int]:
    """What a placement writes; equal before and after a request that must leave nothing."""
    return {
        "orders": Order.objects.count(),
        "reservations": Reservation.objects.count(),
        "movements": StockMovement.objects.count(),
        "notifications": Notification.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
    }


def _dsn(**overrides) -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "dbname": db["NAME"],
        "user": db["USER"] or "postgres",
        **overrides,
    }


def lock_stock_table() -> psycopg.Connection:
    """A transaction holding the stock table: a request that reads stock waits on it."""
    blocker = psycopg.connect(**_dsn())
    blocker.execute(f"LOCK TABLE {StockLevel._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    return blocker


def terminate_the_waiting_backend(blocker: psycopg.Connection) -> int:
    """Wait until a backend of this database waits for the blocker's lock; terminate it."""
    with psycopg.connect(**_dsn(autocommit=True)) as admin:

        def waiting_pid():
            row = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> %s",
                [blocker.info.backend_pid],
            ).fetchone()
            return row and row[0]

        pid = wait_for(waiting_pid, timeout=20, what="the request waiting on the lock")
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    blocker.close()  # rolls back: it wrote nothing
    return pid


class Browser:
    """HTTP to the web process: the API with a key, store pages with a staff session."""

    def __init__(self, url: str, *, api_key: str, session_id: str):
        self.url, self.api_key, self.session_id = url, api_key, session_id

    def place(self, world, key: str) -> requests.Response:
        return requests.post(
            f"{self.url}/api/v1/orders/",
            json=place_body(world, [("MUG", 1)]),
            headers={"Authorization": f"Api-Key {self.api_key}", "Idempotency-Key": key},
            timeout=30,
        )

    def stock_page(self) -> requests.Response:
        return requests.get(
            f"{self.url}{STOCK_PAGE}",
            params={"code": "MUG"},
            cookies={"sessionid": self.session_id},
            timeout=30,
        )

    def healthz(self) -> requests.Response:
        return requests.get(f"{self.url}/healthz", timeout=30)


def staff_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def world_and_browser():
    world = make_world(stock=20, three_for_two=False)
    _, key = make_api_client(channel=world.webshop, name="Webshop")
    manager = make_staff(StaffRole.STORE_MANAGER, stores=[world.cph])
    return world, key, staff_session(manager)


def assert_outage_page(page: requests.Response) -> None:
    assert page.status_code == 503
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Retry-After"] == "5"
    assert 'data-testid="error-503"' in page.text
    assert "store/store.css" in page.text  # styled like every store page


def test_postgres_backend_terminated_mid_request_answers_503_and_writes_nothing(
    world_and_browser,
):
    world, key, session = world_and_browser
    web = WebProcess()
    web.start()
    browser = Browser(web.url, api_key=key, session_id=session)
    calls = ThreadPoolExecutor(max_workers=1)  # the client waits while the test cuts in
    try:
        assert browser.place(world, "warm-up").status_code == 201
        before = footprint()

        blocker = lock_stock_table()
        pending = calls.submit(browser.place, world, "cut-off")
        terminated = terminate_the_waiting_backend(blocker)
        cut = pending.result(timeout=30)
        assert (cut.status_code, cut.json(), cut.headers["Retry-After"]) == (503, OUTAGE, "5")
        assert footprint() == before  # no order, reservation, movement, outbox row or key

        # The same web process, not restarted: the retry with the same key places it once.
        retried = browser.place(world, "cut-off")
        assert retried.status_code == 201, retried.json()
        assert footprint()["orders"] == before["orders"] + 1

        # A store page cut off mid-request: the styled 503 page, then the page again.
        blocker = lock_stock_table()
        pending = calls.submit(browser.stock_page)
        terminate_the_waiting_backend(blocker)
        assert_outage_page(pending.result(timeout=30))
        assert browser.stock_page().status_code == 200
        assert browser.healthz().status_code == 200
    finally:
        calls.shutdown()
        web.stop()
    assert terminated
    assert_books_balance()


@pytest.mark.private_postgres
def test_postgres_restart_answers_503_while_down_and_the_same_web_process_recovers(
    world_and_browser,
):
    world, key, session = world_and_browser
    cluster = PrivatePostgres()
    cluster.create()
    shared = connections.settings["default"]
    saved = dict(shared)
    try:
        cluster.copy_database(source=saved, name="retail_faults")
        # Every connection (the test's and the web process's) now goes to the private
        # cluster: it is the one that restarts.
        connections.close_all()
        shared.update(HOST="127.0.0.1", PORT=str(cluster.port), NAME="retail_faults")
        web = WebProcess()
        web.start()
        browser = Browser(web.url, api_key=key, session_id=session)
        try:
            assert browser.place(world, "before").status_code == 201
            assert browser.stock_page().status_code == 200
            assert browser.healthz().status_code == 200

            cluster.stop()
            health = browser.healthz()
            placed = browser.place(world, "during")
            page = browser.stock_page()

            cluster.start()
            after = browser.place(world, "during")  # the client's retry, same key
            health_after = browser.healthz()
            page_after = browser.stock_page()
        finally:
            web.stop()
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, dbname="retail_faults", user="postgres"
        ) as db:
            numbers = [
                row[0]
                for row in db.execute(
                    "SELECT number FROM orders_order WHERE number = ANY(%s)",
                    [[after.json()["number"]]],
                )
            ]
            orders = db.execute("SELECT count(*) FROM orders_order").fetchone()[0]
    finally:
        connections.close_all()
        shared.clear()
        shared.update(saved)
        cluster.drop()

    assert health.status_code == 503
    assert health.json()["ok"] is False
    assert health.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert (placed.status_code, placed.json(), placed.headers["Retry-After"]) == (503, OUTAGE, "5")
    assert_outage_page(page)
    assert after.status_code == 201, after.json()
    assert (health_after.status_code, page_after.status_code) == (200, 200)
    # The warm-up before the restart and the retried one: nothing of the failed attempt.
    assert numbers == [after.json()["number"]]
    assert orders == 2
