"""Small back-office writes: a payment provider's refund done, notifications queued again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from orders.models import Notification, Refund
from orders.services.history import order_event
from retail import locking


def refund_instruction_done(
    *, refund: Refund, provider_reference: str, actor=None, at: datetime
) -> Refund:
    """Mark a PENDING refund instruction as paid out by the provider; return it.

    Locks the refund row.  Done already: returns it unchanged (a retried
    callback is harmless).  The provider's reference is kept in the order's
    event log beside the original payment reference on the refund.
    """
    with transaction.atomic():
        (refund,) = locking.rows_lock(Refund.objects.select_related("order").filter(pk=refund.pk))
        if refund.status == Refund.Status.DONE:
            return refund
        refund.status = Refund.Status.DONE
        refund.save(update_fields=["status"])
        order_event(
            refund.order,
            "refund_done",
            at=at,
            actor=actor,
            message=f"Refund of {refund.amount} {refund.currency} paid out by the provider.",
            data={"refund": refund.pk, "provider_reference": provider_reference},
        )
    return refund


def notifications_requeue(*, notifications: Iterable[Notification]) -> int:
    """Put pending and failed outbox rows back to pending with fresh attempts; return how many.

    Sent rows and rows being sent are left alone, so nothing is sent twice;
    the periodic resend task sends the requeued rows.
    """
    ids = [n.pk for n in notifications]
    return Notification.objects.filter(
        pk__in=ids, status__in=[Notification.Status.PENDING, Notification.Status.FAILED]
    ).update(status=Notification.Status.PENDING, attempts=0, last_error="", claimed_at=None)
