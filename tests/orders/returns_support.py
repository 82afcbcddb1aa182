"""Shared steps of the return and exchange tests: a sale at the till, an order handed over."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from inventory.models import StockLevel
from inventory.services import reservation_consume
from loyalty.models import Membership
from loyalty.services.points import points_earn, points_earned_for
from loyalty.services.stored_value import hold_capture
from orders.models import Order, Tender
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from orders.services.returns import ReturnRequestLine, return_create
from tests.orders.world import AT, D, World, key

PRICES = {"SHIRT": D("200.00"), "SOCKS": D("50.00"), "MUG": D("80.00"), "JACKET": D("1000.00")}


def on_hand(store, product) -> int:
    return StockLevel.objects.get(location=store, product=product).on_hand


def sell(
    world: World,
    lines=(("SHIRT", 1),),
    *,
    totals: dict[str, Decimal] | None = None,
    store=None,
    tenders=None,
    customer="member",
    at: datetime = AT,
) -> Order:
    """Record a POS receipt of (sku, quantity) lines at list price (``totals`` by sku override)."""
    totals = totals or {}
    receipt_lines = [
        ReceiptLine(
            sku=sku,
            quantity=quantity,
            unit_price=PRICES[sku],
            total=totals.get(sku, PRICES[sku] * quantity),
        )
        for sku, quantity in lines
    ]
    total = sum((line.total for line in receipt_lines), Decimal(0))
    order, _ = receipt_record(
        channel=world.pos,
        store=store or world.cph,
        receipt_id=key("receipt"),
        lines=receipt_lines,
        tenders=tenders or [ReceiptTender(kind="external", amount=total, reference=key("psp"))],
        customer=world.customer if customer == "member" else customer,
        sold_at=at,
        at=at,
    )
    return order


def collect(order: Order, *, at: datetime = AT) -> Order:
    """Hand the order over as ``order_hand_over`` does: consume, capture, earn, COLLECTED."""
    reservation_consume(
        reference=order.reservation_reference, source_key=f"order:{order.number}:handover", at=at
    )
    for tender in order.tenders.filter(status=Tender.Status.HELD):
        capture_key = f"{tender.hold_key}:capture"
        hold_capture(
            hold_source_key=tender.hold_key, amount=tender.amount, source_key=capture_key, at=at
        )
        tender.status, tender.redemption_key = Tender.Status.CAPTURED, capture_key
        tender.save()
    by_points = sum((t.amount for t in order.tenders.filter(kind=Tender.Kind.POINTS)), Decimal(0))
    spend = order.total_amount - by_points
    membership = Membership.objects.filter(customer=order.customer).first()
    if membership and points_earned_for(spend, order.currency) > 0:
        points_earn(
            membership=membership,
            spend_amount=spend,
            currency=order.currency,
            source_key=f"order:{order.number}:earn",
            reference=order.number,
            at=at,
        )
    order.status, order.closed_at = Order.Status.COLLECTED, at
    order.save(update_fields=["status", "closed_at"])
    return order


def give_back(world: World, order: Order, *lines, store="cph", at: datetime = AT, **kwargs):
    """Return (line_no, quantity[, condition]) lines of ``order`` at a store (cph by default)."""
    return return_create(
        order=order,
        lines=[ReturnRequestLine(*line) for line in lines],
        channel=kwargs.pop("channel", world.pos),
        store=getattr(world, store) if isinstance(store, str) else store,
        source_key=kwargs.pop("source_key", None) or key("return"),
        at=at,
        **kwargs,
    )
