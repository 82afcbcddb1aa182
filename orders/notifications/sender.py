"""Send outbox rows exactly once: claim with one conditional UPDATE, send, mark sent.

A row moves ``pending -> sending -> sent``.  The claim is a single
``UPDATE ... WHERE status = 'pending'`` (or ``sending`` with a claim older
than ``ORDERS_NOTIFICATION_STALE_SECONDS``, so a worker that died mid-send is
retried) and only the caller whose UPDATE changed the row sends it: two
workers, two beats or a task delivered twice cannot send a message twice.
A provider error puts the row back to ``pending`` with ``attempts + 1``;
after ``ORDERS_NOTIFICATION_MAX_ATTEMPTS`` it becomes ``failed``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from orders import conf
from orders.models import Notification
from orders.notifications.render import QR_CONTENT_ID, RenderedNotification, notification_render
from orders.notifications.sms import get_sms_backend
from retail import metrics

logger = logging.getLogger(__name__)

# A resend waits this long after the event (and after a failed attempt), so it does not
# race the task enqueued on commit.
RESEND_AFTER = timedelta(minutes=1)


def _claimable(at: datetime) -> Q:
    return Q(status=Notification.Status.PENDING) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=at - conf.notification_stale_after()
    )


def _send_email(row: Notification, message: RenderedNotification) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers={"X-Notification-Key": row.dedupe_key},
    )
    email.attach_alternative(message.html, "text/html")
    if message.qr_png:
        # multipart/related: the HTML part shows the image with <img src="cid:pickup-qr">.
        email.mixed_subtype = "related"
        image = MIMEImage(message.qr_png, "png")
        image.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
        image.add_header("Content-Disposition", "inline", filename="pickup-code.png")
        email.attach(image)
    email.send(fail_silently=False)


def _deliver(row: Notification, message: RenderedNotification) -> None:
    if row.medium == Notification.Medium.EMAIL:
        _send_email(row, message)
    else:
        get_sms_backend().send(to=row.recipient, text=message.sms)


def notification_send_now(*, notification_id: int, at: datetime | None = None) -> Notification:
    """Send the outbox row ``notification_id`` unless it is sent, failed or being sent.

    Claims the row with one conditional UPDATE, renders and sends it, then
    marks it ``sent``.  Returns the row as it is afterwards; a row that was not
    claimable is returned untouched (that is what makes sending exactly once).
    A send error is not raised: the row goes back to ``pending`` with the
    error (or to ``failed`` after the last attempt).  Raises
    ``Notification.DoesNotExist`` for an unknown id.
    """
    at = at or timezone.now()
    claimed = Notification.objects.filter(_claimable(at), pk=notification_id).update(
        status=Notification.Status.SENDING, claimed_at=at
    )
    row = Notification.objects.get(pk=notification_id)
    if not claimed:
        return row
    mine = Notification.objects.filter(pk=row.pk, status=Notification.Status.SENDING, claimed_at=at)
    try:
        with metrics.timed(metrics.notification_send_seconds):
            message = notification_render(notification=row, at=at)
            _deliver(row, message)
    except Exception as exc:
        attempts = row.attempts + 1
        gave_up = attempts >= conf.notification_max_attempts()
        metrics.notifications.labels(
            medium=row.medium, outcome="failed" if gave_up else "retry"
        ).inc()
        logger.warning(
            "notification %s (%s %s) attempt %s failed%s",
            row.pk,
            row.kind,
            row.medium,
            attempts,
            "; giving up" if gave_up else "",
            exc_info=True,
        )
        mine.update(
            status=Notification.Status.FAILED if gave_up else Notification.Status.PENDING,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
    else:
        mine.update(
            status=Notification.Status.SENT,
            attempts=row.attempts + 1,
            last_error="",
            sent_at=timezone.now(),
        )
        metrics.notifications.labels(medium=row.medium, outcome="sent").inc()
    row.refresh_from_db()
    return row


def notifications_due(*, at: datetime, limit: int) -> list[int]:
    """Return ids of rows the resend should try: pending for a while, or stuck in sending."""
    before = at - RESEND_AFTER
    due = Q(
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=before),
        status=Notification.Status.PENDING,
        created_at__lte=before,
    ) | Q(status=Notification.Status.SENDING, claimed_at__lt=at - conf.notification_stale_after())
    return list(
        Notification.objects.filter(due)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_send_due(
    *, at: datetime | None = None, batch_size: int = 100, batches: int = 10
) -> int:
    """Send what the task on commit did not: rows left pending (broker or worker down), retries.

    Works in batches of ``batch_size`` ids, at most ``batches`` of them per
    call; each row is claimed by ``notification_send_now``, so two beats
    running at once never send a row twice.  Returns how many rows it sent.
    """
    sent = 0
    tried: set[int] = set()
    for _ in range(batches):
        now = at or timezone.now()
        ids = [pk for pk in notifications_due(at=now, limit=batch_size) if pk not in tried]
        if not ids:
            break
        for pk in ids:
            tried.add(pk)
            try:
                row = notification_send_now(notification_id=pk, at=at)
            except Notification.DoesNotExist:
                continue
            sent += row.status == Notification.Status.SENT
    return sent
