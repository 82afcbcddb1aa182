"""End to end: a committed notification is sent by a real Celery worker on Redis, once."""

from __future__ import annotations

import email
import json
import time
from email import policy
from pathlib import Path

import pytest
from django.db import transaction

from orders.models import Notification
from orders.services.notify import notification_queue
from orders.tasks import notification_send
from tests.orders.notify_support import AT, make_order

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@pytest.fixture
def worker_outputs(monkeypatch, tmp_path):
    """Make the worker write e-mail and SMS to files here (it inherits our environment)."""
    mail_dir = tmp_path / "mail"
    sms_file = tmp_path / "sms.log"
    # Four slashes: django-environ drops the first of the path, and we need it absolute.
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{mail_dir}")
    monkeypatch.setenv("ORDERS_SMS_BACKEND", "orders.notifications.sms.FileSmsBackend")
    monkeypatch.setenv("ORDERS_SMS_FILE_PATH", str(sms_file))
    return mail_dir, sms_file


@pytest.fixture
def notify_worker(worker_outputs, celery_worker_process):
    """The worker's queue, started after ``worker_outputs`` set its environment."""
    return celery_worker_process


def sent_mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for raw in path.read_bytes().split(SEPARATOR):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=policy.default))
    return messages


def wait_until_settled(pks: list[int], timeout: float = 60) -> list[Notification]:
    deadline = time.monotonic() + timeout
    while True:
        rows = list(Notification.objects.filter(pk__in=pks).order_by("pk"))
        if all(row.status in ("sent", "failed") for row in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_notification_send_real_worker_sends_committed_rows_once(
    settings, notify_worker, worker_outputs
):
    from retail.celery import app

    mail_dir, sms_file = worker_outputs
    settings.CELERY_TASK_ALWAYS_EAGER = False
    order = make_order(language="nb")
    # notification_queue enqueues with the default queue; point it at the test's worker.
    default_queue, eager = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue = notify_worker
    app.conf.task_always_eager = False  # the app read Django's settings once already
    try:
        with transaction.atomic():
            rows = notification_queue(order=order, kind=Notification.Kind.READY, at=AT)
        email_row, sms_row = wait_until_settled([row.pk for row in rows])

        # The same row sent again through the worker: already sent, nothing goes out.
        again = notification_send.apply_async((email_row.pk,), queue=notify_worker)
        assert again.get(timeout=30) == "sent"
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = default_queue, eager

    assert (email_row.medium, email_row.status, email_row.attempts) == ("email", "sent", 1)
    assert (sms_row.medium, sms_row.status) == ("sms", "sent")
    [message] = sent_mails(mail_dir)
    assert message["To"] == order.customer.email
    assert message["Subject"] == f"Bestillingen din {order.number} er klar til henting"
    assert order.pickup_code in message.get_body(("plain",)).get_content()
    assert any(part["Content-ID"] == "<pickup-qr>" for part in message.walk())
    [sms] = [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]
    assert sms["to"] == str(order.customer.phone)
    assert f"Hentekode: {order.pickup_code}" in sms["text"]
