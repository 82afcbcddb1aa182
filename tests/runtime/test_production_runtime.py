"""The production layout, run for real: gunicorn, a Celery worker and beat on PostgreSQL and Redis.

A click-and-collect journey over HTTP only (the demo API keys: the webshop and
the Copenhagen till), checked from outside: the API's answers, the stack's own
database (plain SQL), the e-mail the worker wrote and the book checks.  Then
every process is stopped with SIGTERM and must exit 0 with no traceback logged.
"""

from __future__ import annotations

import email
import time
import uuid
from decimal import Decimal
from email import policy

import pytest
import requests

from tests.runtime.stack import PROXY_HEADERS, sql_connect

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _client(stack, key: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({**PROXY_HEADERS, "Authorization": f"Api-Key {key}"})
    session.base = stack.base_url
    return session


def _post(session, path: str, body: dict | None = None, *, status: int = 200, idem: bool = False):
    headers = {"Idempotency-Key": f"runtime-{uuid.uuid4().hex}"} if idem else {}
    answer = session.post(f"{session.base}{path}", json=body or {}, headers=headers, timeout=30)
    assert answer.status_code == status, (path, answer.status_code, answer.text)
    return answer.json()


def _wait_for(check, timeout: float = 30, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def _mails(stack) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(stack.mail_dir.glob("*.log")) if stack.mail_dir.exists() else []:
        for raw in path.read_bytes().split(SEPARATOR):
            if raw.strip():
                found.append(email.message_from_bytes(raw, policy=policy.default))
    return found


def _text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _hot_sku(db) -> tuple[str, str]:
    """Two SKUs Copenhagen has plenty of (both priced for the Danish webshop)."""
    rows = db.execute(
        """
        SELECT p.sku FROM inventory_stocklevel l
        JOIN retail_store s ON s.id = l.location_id
        JOIN retail_product p ON p.id = l.product_id
        WHERE s.code = 'DK-CPH01' AND l.on_hand - l.reserved >= 10 AND p.is_active
        ORDER BY p.sku LIMIT 2
        """
    ).fetchall()
    assert len(rows) == 2, rows
    return rows[0][0], rows[1][0]


def test_production_runtime_click_and_collect_journey_over_http(make_stack):
    started = time.monotonic()
    stack = make_stack("prod", RETAIL_WORKER_HEARTBEAT_SECONDS="1")
    stack.prepare(seed_args=("--stores", "2", "--products", "30", "--customers", "5"))
    print(f"prepared in {time.monotonic() - started:.1f} s")
    stack.start_web(workers=2)
    stack.start_worker(concurrency=2)  # every queue
    stack.start_beat()
    stack.wait_ready()
    print(f"ready in {time.monotonic() - started:.1f} s")
    web = _client(stack, stack.keys["Webshop DK"])
    till = _client(stack, stack.keys["POS DK-CPH01 till 1"])
    db = sql_connect(stack.database_url)

    # Production settings: plain HTTP is redirected; behind the proxy it is served.
    plain = requests.get(f"{stack.base_url}/healthz", allow_redirects=False, timeout=5)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    # beat -> broker -> worker -> cache -> web: the heartbeat beat sends each second.
    health = _wait_for(
        lambda: (
            (body := web.get(f"{stack.base_url}/healthz", timeout=5).json())["checks"]["worker"][
                "last_seen"
            ]
            and body
        )
    )
    assert health and health["ok"] and health["checks"]["broker"]["mode"] == "broker", health

    customer, customer_email = db.execute(
        "SELECT public_id, email FROM retail_customer WHERE email <> '' ORDER BY id LIMIT 1"
    ).fetchone()
    first, second = _hot_sku(db)
    lines = [{"sku": first, "quantity": 2}, {"sku": second, "quantity": 1}]

    priced = _post(web, "/api/v1/pricing/basket/", {"customer": str(customer), "lines": lines})
    total = _money(priced["total"])
    assert total > 0

    card = _post(
        web,
        "/api/v1/loyalty/gift-cards/",
        {"amount": "50.00", "currency": "DKK"},
        status=201,
        idem=True,
    )
    order = _post(
        web,
        "/api/v1/orders/",
        {
            "customer": str(customer),
            "lines": lines,
            "fulfilment": "click_collect",
            "collect_store": "DK-CPH01",
            "tenders": [
                {"kind": "gift_card", "code": card["code"], "amount": "50.00"},
                {"kind": "external", "external_reference": "psp-runtime", "provider": "card"},
            ],
            "notify_email": True,
        },
        status=201,
        idem=True,
    )
    number = order["number"]
    assert order["status"] == "new"
    assert _money(order["total"]) == total

    _post(till, f"/api/v1/orders/{number}/pick/")
    for line in order["lines"]:
        _post(till, f"/api/v1/orders/{number}/lines/{line['line_no']}/pick/")
    assert _post(till, f"/api/v1/orders/{number}/ready/")["status"] == "ready"

    # The worker sends the ready e-mail after commit: the outbox row and the mail itself.
    def ready_sent():
        return db.execute(
            """
            SELECT n.status, n.recipient FROM orders_notification n
            JOIN orders_order o ON o.id = n.order_id
            WHERE o.number = %s AND n.kind = 'ready' AND n.medium = 'email'
            """,
            [number],
        ).fetchall()

    sent = _wait_for(lambda: [row for row in ready_sent() if row[0] == "sent"])
    assert sent == [("sent", customer_email)], ready_sent()
    mails = [m for m in _mails(stack) if order["pickup_code"] in _text(m)]
    assert len(mails) == 1 and mails[0]["To"] == customer_email

    handed = _post(till, "/api/v1/orders/hand-over/", {"pickup_code": order["pickup_code"]})
    assert handed["status"] == "collected"

    # A gift with purchase may make a unit free: return one that was paid for.
    dearest = max(order["lines"], key=lambda line: _money(line["total"]) / line["quantity"])
    returned = _post(
        till,
        f"/api/v1/orders/{number}/returns/",
        {
            "lines": [{"line_no": dearest["line_no"], "quantity": 1}],
            "refund_to": "credit_note",
            "reason": "Size",
        },
        status=201,
        idem=True,
    )
    assert returned["refund_to"] == "credit_note", returned
    refund = _money(returned["refund_amount"])
    assert refund > 0

    # From outside: the database agrees with what the API said.
    status, order_total = db.execute(
        "SELECT status, total_amount FROM orders_order WHERE number = %s", [number]
    ).fetchone()
    assert (status, order_total) == ("collected", total)
    balance, held = db.execute(
        "SELECT balance, held FROM loyalty_storedvalueaccount WHERE code = %s", [card["code"]]
    ).fetchone()
    assert (balance, held) == (Decimal("0.00"), Decimal("0.00"))
    (credit_notes,) = db.execute(
        "SELECT array_agg(balance) FROM loyalty_storedvalueaccount "
        "WHERE kind = 'credit_note' AND issue_source_key LIKE %s",
        [f"%{returned['number']}%"],
    ).fetchone()
    assert credit_notes == [refund], credit_notes
    (reserved,) = db.execute(
        """
        SELECT coalesce(sum(l.reserved), 0) FROM inventory_stocklevel l
        JOIN retail_product p ON p.id = l.product_id WHERE p.sku IN (%s, %s)
        """,
        [first, second],
    ).fetchone()
    assert reserved == _reserved_by_open_orders(db, first, second)
    for check in ("stock_check", "stored_value_check", "points_check"):
        stack.manage(check)
    db.close()

    print(f"journey done in {time.monotonic() - started:.1f} s")
    codes = stack.stop()
    assert codes == {"gunicorn": 0, "worker": 0, "beat": 0}, codes
    assert stack.tracebacks() == {}


def _money(value) -> Decimal:
    return Decimal(value["amount"] if isinstance(value, dict) else value)


def _reserved_by_open_orders(db, *skus: str) -> int:
    (count,) = db.execute(
        """
        SELECT coalesce(sum(r.quantity), 0) FROM inventory_reservation r
        JOIN retail_product p ON p.id = r.product_id
        WHERE r.status = 'active' AND p.sku = ANY(%s)
        """,
        [list(skus)],
    ).fetchone()
    return count
