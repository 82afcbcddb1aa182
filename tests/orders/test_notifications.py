"""Customer notifications: written with the event, sent once, in the customer's language."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from orders.models import Notification
from orders.notifications.sender import notification_send_now
from orders.notifications.sms import BaseSmsBackend
from orders.services.notify import notification_queue
from orders.tasks import notification_send, notifications_resend_pending
from tests.concurrency import run_in_threads
from tests.orders.notify_support import AT, broker_down, customer, make_order

pytestmark = pytest.mark.django_db

FILE_SMS = "orders.notifications.sms.FileSmsBackend"
LANGUAGES = ("en", "da", "sv", "nb")


class FailingSmsBackend(BaseSmsBackend):
    """The provider outside our system, refusing every message."""

    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("provider answered 503")


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    settings.ORDERS_SMS_BACKEND = FILE_SMS
    settings.ORDERS_SMS_FILE_PATH = str(tmp_path / "sms.log")
    return tmp_path / "sms.log"


@pytest.fixture
def eager(settings):
    """Send on commit in this process whatever REDIS_URL says.

    The Celery app reads Django's settings once, so its own conf is switched too.
    """
    from retail.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def sms_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def queue(order, kind=Notification.Kind.READY, **kwargs):
    with transaction.atomic():
        return notification_queue(order=order, kind=kind, at=kwargs.pop("at", AT), **kwargs)


# --- Queueing: the outbox row belongs to the event's transaction -----------------------


def test_notification_queue_rolled_back_writes_and_sends_nothing(
    eager, sms_file, django_capture_on_commit_callbacks
):
    order = make_order()

    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        notification_queue(order=order, kind=Notification.Kind.READY, at=AT)
        raise Boom

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    assert sms_lines(sms_file) == []


@pytest.mark.parametrize(
    ("notify_email", "notify_sms", "has_email", "has_phone", "media"),
    [
        (True, True, True, True, {"email", "sms"}),
        (True, False, True, True, {"email"}),
        (False, True, True, True, {"sms"}),
        (True, True, False, True, {"sms"}),
        (True, True, True, False, {"email"}),
        (False, False, True, True, set()),
    ],
)
def test_notification_queue_committed_writes_one_row_per_consented_medium(
    eager,
    sms_file,
    django_capture_on_commit_callbacks,
    notify_email,
    notify_sms,
    has_email,
    has_phone,
    media,
):
    person = customer("da", email=has_email, phone=has_phone)
    order = make_order(customer_obj=person, notify_email=notify_email, notify_sms=notify_sms)

    with django_capture_on_commit_callbacks(execute=True):
        rows = queue(order)

    assert {row.medium for row in rows} == media
    assert set(Notification.objects.values_list("medium", flat=True)) == media
    assert set(Notification.objects.values_list("status", flat=True)) <= {"sent"}
    assert len(mail.outbox) == ("email" in media)
    assert len(sms_lines(sms_file)) == ("sms" in media)


def test_notification_queue_twice_keeps_one_row_per_medium(
    eager, sms_file, django_capture_on_commit_callbacks
):
    order = make_order()

    with django_capture_on_commit_callbacks(execute=True):
        first = queue(order)
    with django_capture_on_commit_callbacks(execute=True):
        second = queue(order)

    assert [r.pk for r in first] == [r.pk for r in second]
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1
    assert len(sms_lines(sms_file)) == 1


# --- Sending -------------------------------------------------------------------------


def test_notification_send_now_ready_email_is_danish_with_code_and_qr(sms_file):
    order = make_order(language="da")
    row = queue(order)[0]
    assert row.medium == "email"

    sent = notification_send_now(notification_id=row.pk, at=AT)

    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
    assert sent.sent_at is not None
    [message] = mail.outbox
    assert message.to == [order.customer.email]
    assert message.subject == f"Din ordre {order.number} er klar til afhentning"
    assert order.pickup_code in message.body
    assert "Afhentningskode" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert 'src="cid:pickup-qr"' in html
    images = [
        part
        for part in message.message().walk()
        if part.get_content_type() == "image/png" and part["Content-ID"] == "<pickup-qr>"
    ]
    assert len(images) == 1
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")


def test_notification_send_now_sms_is_written_by_the_file_backend(sms_file):
    order = make_order(language="sv")
    sms_row = Notification.objects.get(pk=queue(order)[1].pk)
    assert sms_row.medium == "sms"

    sent = notification_send_now(notification_id=sms_row.pk, at=AT)

    assert sent.status == "sent"
    [line] = sms_lines(sms_file)
    assert line["to"] == str(order.customer.phone)
    assert order.pickup_code in line["text"]
    assert line["text"].startswith(f"Din beställning {order.number} är redo att hämtas")
    assert mail.outbox == []


def test_notification_send_now_sent_row_sends_nothing_again(sms_file):
    rows = queue(make_order())

    for row in rows:
        notification_send_now(notification_id=row.pk, at=AT)
    again = [notification_send_now(notification_id=row.pk, at=AT) for row in rows]
    notification_send(rows[0].pk)

    assert {row.status for row in again} == {"sent"}
    assert len(mail.outbox) == 1
    assert len(sms_lines(sms_file)) == 1


def test_notification_send_now_fresh_sending_row_is_left_to_its_sender(sms_file):
    row = queue(make_order(notify_sms=False))[0]
    Notification.objects.filter(pk=row.pk).update(status="sending", claimed_at=AT)

    untouched = notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=5))
    taken_over = notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=11))

    assert untouched.status == "sending"
    assert taken_over.status == "sent"
    assert len(mail.outbox) == 1


def test_notification_send_now_provider_error_retries_then_fails(settings):
    settings.ORDERS_SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    settings.ORDERS_NOTIFICATION_MAX_ATTEMPTS = 3
    row = queue(make_order(notify_email=False))[0]

    first = notification_send_now(notification_id=row.pk, at=AT)

    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error == "ConnectionError: provider answered 503"
    assert first.sent_at is None

    second = notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=2))
    third = notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=4))
    fourth = notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=6))

    assert (second.status, second.attempts) == ("pending", 2)
    assert (third.status, third.attempts) == ("failed", 3)
    assert (fourth.status, fourth.attempts) == ("failed", 3)


def test_notifications_resend_pending_retries_after_a_provider_error(settings, sms_file):
    settings.ORDERS_SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    at = timezone.now() - timedelta(minutes=10)
    row = queue(make_order(notify_email=False), at=at)[0]
    notification_send_now(notification_id=row.pk, at=at)
    settings.ORDERS_SMS_BACKEND = FILE_SMS

    assert notifications_resend_pending() == 1

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(sms_lines(sms_file)) == 1


# --- The broker is down: nothing is lost, nothing is sent twice -------------------------


def test_notification_queue_broker_down_leaves_row_for_the_resend(
    settings, sms_file, django_capture_on_commit_callbacks, caplog
):
    order = make_order(notify_sms=False)
    an_event_ago = timezone.now() - timedelta(minutes=2)

    with broker_down(settings), django_capture_on_commit_callbacks(execute=True):
        [row] = queue(order, at=an_event_ago)

    row.refresh_from_db()
    assert row.status == "pending"
    assert mail.outbox == []
    # The enqueue after commit really tried the broker and failed quietly.
    assert f"notification {row.pk} left for the resend task" in caplog.text

    # The broker is back; the beat runs the resend.
    assert notifications_resend_pending() == 1
    assert notifications_resend_pending() == 0

    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mail.outbox) == 1


def test_notifications_resend_pending_leaves_fresh_rows_to_their_task(sms_file):
    queue(make_order(), at=timezone.now())

    assert notifications_resend_pending() == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}


# --- Two senders at once on PostgreSQL ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_notification_send_now_two_concurrent_senders_send_once(settings, sms_file):
    # The task on commit never runs (broker down), so only the racing threads send.
    with broker_down(settings):
        rows = queue(make_order())
    senders = [row.pk for row in rows for _ in range(2)]  # two senders per notification

    results, errors = run_in_threads(
        len(senders), lambda i: notification_send_now(notification_id=senders[i]).status
    )

    assert errors == []
    assert sorted(results).count("sent") >= 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 1
    assert len(sms_lines(sms_file)) == 1
