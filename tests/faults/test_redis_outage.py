"""Redis stops while orders are placed: the orders commit, their notifications wait in the
outbox and are sent once Redis is back, each exactly once.

A redis-server of the test's own is the broker, the result backend and the cache of both
this process (the web side, through Django's test client) and a real Celery worker
process; the test shuts it down (``SHUTDOWN NOSAVE``: the queued messages are lost too)
and starts it again on the same port.
"""

from __future__ import annotations

import email
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Notification, Order
from orders.notifications.tasks import notification_send, notifications_resend_pending
from tests.faults.services import wait_for
from tests.orders.api_support import client_for, place
from tests.orders.world import assert_books_balance, make_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.own_redis,
    pytest.mark.django_db(transaction=True),
]

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mail_keys(mail_dir: Path) -> list[str]:
    """The X-Notification-Key of every e-mail the worker wrote, one entry per e-mail."""
    keys = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for raw in path.read_bytes().split(SEPARATOR):
            if raw.strip():
                keys.append(
                    email.message_from_bytes(raw, policy=policy.default)["X-Notification-Key"]
                )
    return keys


def settled(numbers: list[str]) -> bool:
    rows = Notification.objects.filter(order__number__in=numbers)
    return rows.exists() and not rows.exclude(status=Notification.Status.SENT).exists()


def test_redis_outage_orders_commit_and_notifications_go_once_when_it_is_back(
    own_redis, faults_queue, make_worker, tmp_path
):
    mail_dir = tmp_path / "mail"
    # Four slashes: django-environ drops the first of the path, and we need it absolute.
    make_worker(EMAIL_URL=f"filemail:///{mail_dir}")
    world = make_world(stock=20, three_for_two=False)
    web = client_for(world.webshop)

    before = place(web, world, [("SHIRT", 1)])
    wait_for(lambda: settled([before["number"]]), timeout=30, what="the first confirmation")

    own_redis.stop()
    durations, during = [], []
    for _ in range(3):
        started = time.monotonic()
        during.append(place(web, world, [("MUG", 1)]))
        durations.append(time.monotonic() - started)
    numbers = [order["number"] for order in during]
    health = Client().get("/healthz")

    # Committed, stock reserved, each confirmation waiting in the outbox.
    assert Order.objects.filter(number__in=numbers).count() == 3
    waiting = Notification.objects.filter(order__number__in=numbers)
    assert sorted(waiting.values_list("status", flat=True)) == ["pending"] * 3
    assert max(durations) < 5, durations  # a dead broker costs a placement seconds at most
    assert health.status_code == 503
    assert health.json()["checks"]["broker"]["ok"] is False
    assert health.json()["checks"]["database"]["ok"] is True

    own_redis.start()
    wait_for(lambda: Client().get("/healthz").status_code == 200, timeout=10, what="healthz")
    # The outbox's resend (beat, every minute) sends rows pending a minute after their
    # event; the minute is taken as passed.  Two sweeps at once, as two beats would,
    # and each row's own task once more: still one e-mail per row.
    waiting.update(created_at=timezone.now() - timedelta(minutes=2))
    sweeps = [notifications_resend_pending.apply_async(queue=faults_queue) for _ in range(2)]
    again = [
        notification_send.apply_async((pk,), queue=faults_queue)
        for pk in waiting.values_list("pk", flat=True)
    ]
    assert sum(sweep.get(timeout=60) for sweep in sweeps) == 3
    assert {result.get(timeout=60) for result in again} == {"sent"}

    rows = list(Notification.objects.filter(order__number__in=[before["number"], *numbers]))
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1)] * 4
    keys = mail_keys(mail_dir)
    assert sorted(keys) == sorted(row.dedupe_key for row in rows)  # each once, none lost
    assert_books_balance()
