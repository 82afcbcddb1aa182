"""The tills' prices, audited: a POS receipt re-priced by the engine as of its sale.

A till prices offline from a snapshot of the rules (``rules_snapshot``); when
the snapshot is stale (it missed a campaign's start or a price change) the
customer pays what the rules no longer say.  ``receipt_price_audit`` prices
the receipt's lines again with ``pricing.selectors.basket_price`` for the
receipt's channel, store and customer at its ``placed_at``, and keeps one
``PriceDeviation`` per line whose unit price, discount or total differs.

Known limits: the engine prices with the rules as they are stored now (a
campaign edited after the sale is judged by its new terms), and the rules
keep no revision history, so whether the till's version was stale is known
only while nothing changed between the sale and the audit (else ``None``).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from orders.models import Order, OrderLine, PriceDeviation, ReceiptPriceAudit
from pricing.engine.types import PricedBasket, PricedLine
from pricing.selectors import basket_price
from pricing.services.revision import rules_version_at
from retail import locking
from retail.errors import DomainError

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200


@dataclass(frozen=True)
class _Priced:
    basket: PricedBasket | None
    note: str = ""


def _coupon_codes(lines: Sequence[OrderLine]) -> list[str]:
    codes = (d.get("coupon") for line in lines for d in line.discounts if isinstance(d, dict))
    return list(dict.fromkeys(str(code) for code in codes if code))


def _reprice(order: Order, lines: Sequence[OrderLine]) -> _Priced:
    """Price the receipt as one basket (mix-and-match and thresholds span lines)."""
    basket = [(line.sku, line.quantity) for line in lines]
    coupons = _coupon_codes(lines)
    kwargs = {
        "lines": basket,
        "channel": order.channel,
        "store": order.collect_store,
        "customer": order.customer,
        "at": order.placed_at,
        "language": order.language or None,
    }
    try:
        return _Priced(basket_price(coupon_codes=coupons, **kwargs))
    except DomainError as error:
        if coupons and (error.field or "").startswith("coupons."):
            # A coupon the till took may be used up by now; judge the rest without it.
            try:
                return _Priced(basket_price(**kwargs))
            except DomainError as retry:
                error = retry
        return _Priced(None, note=f"{error.code}: {error.field or ''}".strip(": ")[:200])


def _till_campaigns(line: OrderLine) -> set[str]:
    return {str(d["campaign"]) for d in line.discounts if isinstance(d, dict) and d.get("campaign")}


def _deviation(
    order: Order,
    line: OrderLine,
    priced: PricedLine,
    *,
    in_force: str | None,
    at: datetime,
) -> PriceDeviation | None:
    engine_discount = priced.base_total - priced.total
    if (
        line.unit_price_amount == priced.unit_price
        and line.discount_amount == engine_discount
        and line.total_amount == priced.total
    ):
        return None
    engine_codes = {d.campaign_code for d in priced.discounts}
    till_codes = _till_campaigns(line)
    stale = None
    if order.rules_version and in_force is not None:
        stale = order.rules_version != in_force
    zone = zoneinfo.ZoneInfo(order.collect_store.time_zone or settings.TIME_ZONE)
    return PriceDeviation(
        order=order,
        line=line,
        store=order.collect_store,
        till=order.till,
        sku=line.sku,
        day=order.placed_at.astimezone(zone).date(),
        sold_at=order.placed_at,
        quantity=line.quantity,
        currency=order.currency,
        till_unit_price_amount=line.unit_price_amount,
        engine_unit_price_amount=priced.unit_price,
        till_discount_amount=line.discount_amount,
        engine_discount_amount=engine_discount,
        till_amount=line.total_amount,
        engine_amount=priced.total,
        difference_amount=line.total_amount - priced.total,
        engine_only_campaigns=sorted(engine_codes - till_codes),
        till_only_campaigns=sorted(till_codes - engine_codes),
        rules_version=order.rules_version,
        rules_version_in_force=in_force or "",
        stale=stale,
        audited_at=at,
    )


_KEPT_FIELDS = [
    f.name for f in PriceDeviation._meta.concrete_fields if f.name not in {"id", "order", "line"}
]


def receipt_price_audit(*, order: Order, at: datetime | None = None) -> ReceiptPriceAudit:
    """Re-price the POS receipt ``order`` as of its sale and record the lines priced otherwise.

    Writes one ``ReceiptPriceAudit`` (``matched``, ``deviations`` or
    ``unpriced`` with a note when the engine cannot price the basket: an
    inactive or unknown SKU, no price) and one ``PriceDeviation`` per line
    whose unit price, discount or total differs from the engine's.
    Idempotent: auditing again updates the same rows and removes those of
    lines that no longer deviate.  Owns its transaction and locks the order
    row, so two audits of one receipt run one after the other.
    """
    at = at or timezone.now()
    order = Order.objects.select_related("channel", "collect_store", "customer").get(pk=order.pk)
    lines = list(order.lines.order_by("line_no"))
    in_force = rules_version_at(
        channel=order.channel, store=order.collect_store, at=order.placed_at
    )
    priced = _reprice(order, lines)
    deviations = []
    if priced.basket is not None:
        by_id = {line.line_id: line for line in priced.basket.lines}
        for index, line in enumerate(lines):
            row = _deviation(order, line, by_id[str(index)], in_force=in_force, at=at)
            if row is not None:
                deviations.append(row)
    if priced.basket is None:
        outcome = ReceiptPriceAudit.Outcome.UNPRICED
    elif deviations:
        outcome = ReceiptPriceAudit.Outcome.DEVIATIONS
    else:
        outcome = ReceiptPriceAudit.Outcome.MATCHED
    with locking.atomic():
        locking.rows_lock(Order.objects.filter(pk=order.pk))
        if priced.basket is not None:
            PriceDeviation.objects.filter(order=order).exclude(
                line__in=[row.line for row in deviations]
            ).delete()
        for row in deviations:
            PriceDeviation.objects.update_or_create(
                line=row.line,
                defaults={"order": order, **{name: getattr(row, name) for name in _KEPT_FIELDS}},
            )
        audit, _ = ReceiptPriceAudit.objects.update_or_create(
            order=order,
            defaults={
                "outcome": outcome,
                "note": priced.note,
                "rules_version_in_force": in_force or "",
                "audited_at": at,
            },
        )
    return audit


def receipts_price_audit_due(*, at: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Audit up to ``limit`` POS receipts sold by ``at`` that were never audited; return how many.

    The sweep behind the task enqueued per receipt: it catches receipts
    whose task was lost (broker down) or recorded before audits existed.  A
    receipt that fails unexpectedly is logged and left for the next sweep.
    """
    at = at or timezone.now()
    due = (
        Order.objects.filter(kind=Order.Kind.RECEIPT, price_audit__isnull=True, placed_at__lte=at)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in list(due):
        try:
            receipt_price_audit(order=Order(pk=pk), at=at)
        except Exception:
            logger.exception("price audit of receipt %s failed; left for the next sweep", pk)
            continue
        done += 1
    return done
