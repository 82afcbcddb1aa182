"""Refunds to the original tenders (or as a credit note): the one place money goes back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from orders.models import Order, Refund, Return


def tenders_refund(
    *,
    order: Order,
    amount: Decimal,
    reason: str,
    source_key: str,
    return_record: Return | None = None,
    to_credit_note: bool = False,
    at: datetime,
) -> list[Refund]:
    """Give ``amount`` back for ``order``; return the refund rows (one per tender touched).

    Call inside the caller's transaction (it locks the order's tenders in pk
    order).  The caller bounds ``amount`` by what the lines paid.  Refunds
    run the reverse of the apply order: the external payment first (a
    PENDING refund instruction for the payment provider), then gift cards,
    credit notes, vouchers, and points last.  A tender still HELD (order not
    handed over) is reduced instead (captured for less later, released at
    zero); a captured stored-value tender is refunded to its ledger; points
    are given back pro rata.  ``to_credit_note`` issues one new credit note to
    the customer instead.  Idempotent on ``source_key`` (a retry returns the
    rows already written).
    """
    raise NotImplementedError  # written by the lead engineer
