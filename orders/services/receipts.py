"""POS receipts: completed sales joining the customer's purchase history.

The POS has already taken the money (and redeemed stored value or burned
points through the loyalty API); a receipt records what was sold, posts the
stock movements and earns the member's points.  The receipt id is unique per
store, so a re-sent receipt (also two at once) posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.services import stock_record_sale
from orders.errors import ReceiptInvalidError
from orders.models import Order, OrderLine, Tender
from orders.price_audit_tasks import receipt_audit_enqueue
from orders.services.history import order_event
from orders.services.numbers import order_number_new
from orders.services.points import points_earn_for, spend_of
from orders.services.receipt_lines import ReceiptLine, ReceiptTender, lines_check, tenders_check
from orders.services.vat import lines_vat_json
from retail import locking
from retail.models import Channel, Customer, Store
from retail.money import CURRENCIES

__all__ = ["ReceiptLine", "ReceiptTender", "receipt_find", "receipt_order_create", "receipt_record"]


def receipt_find(*, store: Store, receipt_id: str) -> Order | None:
    return Order.objects.filter(collect_store=store, receipt_id=receipt_id).first()


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
    rules_version: str = "",
    till: str = "",
    at: datetime | None = None,
) -> tuple[Order, bool]:
    """Record a completed POS sale; return (order, created).

    The receipt id is unique per store: a re-sent receipt returns the first
    order and changes nothing (``created`` False).  Stock is decremented with
    ``stock_record_sale`` per line, points earned for a member on the amount
    paid by non-points tenders (source key ``receipt:<store>:<id>:earn``).
    Lines and tenders must add up (``ReceiptInvalidError`` naming the field).

    Lines are SKUs or GTINs (a multipack GTIN counts its pack quantity); an
    unknown one raises ``ReceiptInvalidError`` naming ``lines.<i>.sku``.  A
    stored-value tender's ``reference`` is the key the POS redeemed it with
    (refunds go back to it); a points tender's is the burn key.  Owns its
    transaction; concurrent posts of one receipt leave one order.

    ``rules_version`` is the version of the rules snapshot the till priced
    with and ``till`` the till's id (each up to 64 characters, optional);
    after commit the receipt's prices are audited against the engine
    (``orders.audit_receipt_prices``).
    """
    at = at or timezone.now()
    receipt_id = str(receipt_id).strip()
    if not receipt_id or len(receipt_id) > 64:
        raise ReceiptInvalidError(
            _("Give the POS receipt id (1 to 64 characters)."), field="receipt_id"
        )
    rules_version, till = str(rules_version or "").strip(), str(till or "").strip()
    for name, value in (("rules_version", rules_version), ("till", till)):
        if len(value) > 64:
            raise ReceiptInvalidError(_("At most 64 characters."), field=name)
    existing = receipt_find(store=store, receipt_id=receipt_id)
    if existing is not None:
        return existing, False
    currency = currency or channel.currency
    if currency not in CURRENCIES:
        raise ReceiptInvalidError(_("Unknown currency."), field="currency")
    rows = lines_check(lines, store=store, currency=currency, sold_at=sold_at)
    total = sum((row.total_amount for row in rows), Decimal(0))
    tender_rows = tenders_check(tenders, total=total, currency=currency)
    try:
        with locking.atomic():
            order = receipt_order_create(
                channel=channel,
                store=store,
                receipt_id=receipt_id,
                customer=customer,
                lines=rows,
                tenders=tender_rows,
                currency=currency,
                sold_at=sold_at,
                at=at,
                rules_version=rules_version,
                till=till,
            )
            transaction.on_commit(lambda pk=order.pk: receipt_audit_enqueue(pk))
    except IntegrityError:
        # Another post of the same receipt committed first (our insert waited for it).
        existing = receipt_find(store=store, receipt_id=receipt_id)
        if existing is None:
            raise
        return existing, False
    return order, True


def receipt_order_create(
    *,
    channel: Channel,
    store: Store,
    receipt_id: str,
    customer: Customer | None,
    lines: Sequence[OrderLine],
    tenders: Sequence[Tender],
    currency: str,
    sold_at: datetime,
    at: datetime,
    actor=None,
    event: str = "receipt_recorded",
    rules_version: str = "",
    till: str = "",
) -> Order:
    """Write a completed in-store sale of checked, unsaved ``lines`` and ``tenders``; sell stock.

    Call inside a transaction.  The order row is inserted first, so a
    concurrent duplicate (same store and receipt id) waits on the unique
    index and then fails with ``IntegrityError`` before writing anything
    else.  Stock is sold in product-pk order; the member earns points on
    what non-points tenders paid.
    """
    subtotal = sum((line.base_total_amount for line in lines), Decimal(0))
    total = sum((line.total_amount for line in lines), Decimal(0))
    order = Order.objects.create(
        number=order_number_new(kind=Order.Kind.RECEIPT),
        kind=Order.Kind.RECEIPT,
        channel=channel,
        customer=customer,
        fulfilment=Order.Fulfilment.IN_STORE,
        status=Order.Status.COMPLETED,
        fulfil_location=store,
        collect_store=store,
        receipt_id=receipt_id,
        rules_version=rules_version,
        till=till,
        currency=currency,
        subtotal_amount=subtotal,
        discount_amount=max(subtotal - total, Decimal(0)),
        total_amount=total,
        vat=lines_vat_json(lines),
        language=(customer.language if customer else "") or channel.language or "en",
        placed_at=sold_at,
        closed_at=sold_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    for tender in tenders:
        tender.order = order
    Tender.objects.bulk_create(tenders)
    for line in sorted(lines, key=lambda row: (row.product_id, row.line_no)):
        stock_record_sale(
            location=store,
            product=line.product,
            quantity=line.quantity,
            receipt_id=receipt_id,
            line_no=line.line_no,
            actor_label=f"receipt {receipt_id}",
            at=sold_at,
        )
    earned = points_earn_for(order, spend=spend_of(tenders), at=sold_at)
    order_event(
        order,
        event,
        at=at,
        actor=actor,
        data={"total": str(total), "receipt_id": receipt_id, "points": earned},
    )
    return order
