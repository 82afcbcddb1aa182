"""Celery tasks of the tills' price audit (``orders.services.price_audit``).

Imported by ``orders.tasks`` so Celery finds them there; kept apart so that
the receipt service can enqueue the audit without importing every task.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from orders.models import Order, ReceiptPriceAudit
from orders.services.price_audit import receipt_price_audit, receipts_price_audit_due

logger = logging.getLogger(__name__)


@shared_task(name="orders.audit_receipt_prices")
def receipt_prices_audit(order_id: int) -> str:
    """Audit one POS receipt's prices; return the outcome (enqueued after the receipt commits).

    Returns early when the receipt is gone, is not a receipt or was audited
    already, so a retried or duplicated task changes nothing.
    """
    order = Order.objects.filter(pk=order_id, kind=Order.Kind.RECEIPT).first()
    if order is None:
        return "missing"
    done = ReceiptPriceAudit.objects.filter(order_id=order_id).values_list("outcome", flat=True)
    if done:
        return done[0]
    return receipt_price_audit(order=order, at=timezone.now()).outcome


@shared_task(name="orders.audit_receipt_prices_sweep")
def receipt_prices_audit_sweep() -> int:
    """Audit receipts never audited (a lost task, a broker that was down) (beat)."""
    return receipts_price_audit_due(at=timezone.now())


def receipt_audit_enqueue(order_id: int) -> None:
    """Enqueue the audit of a committed receipt; call from ``transaction.on_commit``.

    The audit is a side job: a broker that is down or an audit that fails
    must not fail the till's request that already committed; the sweep
    audits the receipt later.
    """
    try:
        # No result kept: subscribing to it waits for the result store while Redis is down.
        receipt_prices_audit.apply_async((order_id,), ignore_result=True)
    except Exception:
        logger.warning("price audit of receipt %s left for the sweep", order_id, exc_info=True)
