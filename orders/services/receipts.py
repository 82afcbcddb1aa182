"""POS receipts: completed sales joining the customer's purchase history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orders.models import Order
from retail.models import Channel, Customer, Store


@dataclass(frozen=True)
class ReceiptLine:
    sku: str  # or GTIN as scanned
    quantity: int
    unit_price: Decimal
    total: Decimal  # paid for the line after its discounts
    discounts: tuple[dict, ...] = ()


@dataclass(frozen=True)
class ReceiptTender:
    kind: str  # Tender.Kind
    amount: Decimal
    reference: str = ""  # external payment reference, or the stored-value redemption key
    code_last4: str = ""
    points: int = 0


def receipt_record(
    *,
    channel: Channel,
    store: Store,
    receipt_id: str,
    lines: Sequence[ReceiptLine],
    tenders: Sequence[ReceiptTender],
    customer: Customer | None = None,
    sold_at: datetime,
    currency: str | None = None,
    at: datetime | None = None,
) -> tuple[Order, bool]:
    """Record a completed POS sale; return (order, created).

    The receipt id is unique per store: a re-sent receipt returns the first
    order and changes nothing (``created`` False).  Stock is decremented with
    ``stock_record_sale`` per line, points earned for a member on the amount
    paid by non-points tenders (source key ``receipt:<store>:<id>:earn``).
    Lines and tenders must add up (``ReceiptInvalidError`` naming the field).
    """
    raise NotImplementedError
