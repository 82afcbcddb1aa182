"""Notifications sent, retried and given up are counted per medium, with their send time."""

from datetime import timedelta

import pytest
from django.db import transaction
from prometheus_client import REGISTRY

from orders.models import Notification
from orders.notifications.sender import notification_send_now
from orders.notifications.sms import BaseSmsBackend
from orders.services.notify import notification_queue
from tests.orders.notify_support import AT, make_order

pytestmark = pytest.mark.django_db


class FailingSmsBackend(BaseSmsBackend):
    """The provider outside our system, refusing every message."""

    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("provider answered 503")


def sent(medium: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "retail_notifications_total", {"medium": medium, "outcome": outcome}
    )
    return value or 0.0


def timings() -> float:
    return REGISTRY.get_sample_value("retail_notification_send_seconds_count") or 0.0


def queue(order):
    with transaction.atomic():
        return notification_queue(order=order, kind=Notification.Kind.READY, at=AT)


def test_notification_sent_counts_once_per_medium(settings, tmp_path):
    settings.ORDERS_SMS_BACKEND = "orders.notifications.sms.FileSmsBackend"
    settings.ORDERS_SMS_FILE_PATH = tmp_path / "sms.log"
    before = (sent("email", "sent"), sent("sms", "sent"), timings())
    rows = queue(make_order())
    for row in rows:
        notification_send_now(notification_id=row.pk, at=AT)
        notification_send_now(notification_id=row.pk, at=AT)  # already sent: not counted
    assert (sent("email", "sent"), sent("sms", "sent"), timings()) == (
        before[0] + 1,
        before[1] + 1,
        before[2] + 2,
    )


def test_notification_failing_counts_retries_then_the_failure(settings):
    settings.ORDERS_SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    settings.ORDERS_NOTIFICATION_MAX_ATTEMPTS = 2
    retry, failed = sent("sms", "retry"), sent("sms", "failed")
    row = queue(make_order(notify_email=False))[0]
    notification_send_now(notification_id=row.pk, at=AT)
    notification_send_now(notification_id=row.pk, at=AT + timedelta(minutes=2))
    assert (sent("sms", "retry"), sent("sms", "failed")) == (retry + 1, failed + 1)
