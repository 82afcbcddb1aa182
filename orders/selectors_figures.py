"""An order's figures, the same on every screen and in every message.

What was ordered, what was removed or substituted (and what the shop's rule
did with a substitute's price difference), what was refunded on which
tender, and what the customer has paid for what they collect, with its VAT.

``order_figures`` computes from rows already loaded (``order.lines`` and
``order.refunds``; prefetch them, as ``orders.selectors.order_details``
does), so a page costs no query per line.  The store's order page, the
hand-over page, the customer's messages, the admin and the API all read
this one structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from orders.models import Order, OrderLine, Refund, Tender
from pricing.engine.vat import vat_breakdown
from retail.money import quantize, vat_portion

ZERO = Decimal(0)
LineStatus = OrderLine.Status
Rule = OrderLine.SubstituteRule
# The reverse of the apply order: the external payment is refunded first.
REFUND_ORDER = tuple(reversed(Tender.APPLY_ORDER))


@dataclass(frozen=True)
class OrderedLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    status: str
    status_display: str


@dataclass(frozen=True)
class RemovedLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    amount: Decimal  # refunded for it


@dataclass(frozen=True)
class SubstitutedLine:
    line_no: int  # the original line
    from_sku: str
    from_name: str
    to_line_no: int
    to_sku: str
    to_name: str
    quantity: int
    ordered_total: Decimal  # what the original line cost the customer
    substitute_total: Decimal | None  # what the substitute itself costs (None: not known)
    difference: Decimal  # substitute minus ordered (positive: the substitute is dearer)
    rule: str
    rule_display: str
    refunded: Decimal  # the difference given back under the rule
    paid: Decimal  # what the customer pays for the substitute


@dataclass(frozen=True)
class RefundByTender:
    kind: str
    kind_display: str
    amount: Decimal


@dataclass(frozen=True)
class CollectedLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    paid: Decimal


@dataclass(frozen=True)
class VatFigure:
    rate: Decimal
    gross: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class OrderFigures:
    """The figures of one order; money as ``Decimal`` in ``currency``."""

    currency: str
    ordered: tuple[OrderedLine, ...]
    ordered_total: Decimal
    removed: tuple[RemovedLine, ...]
    removed_total: Decimal
    substituted: tuple[SubstitutedLine, ...]
    refunds: tuple[RefundByTender, ...]
    refunded_total: Decimal
    collected: tuple[CollectedLine, ...]
    paid_total: Decimal  # ordered minus refunded: what the customer pays for what they collect
    vat: tuple[VatFigure, ...]
    vat_total: Decimal

    @property
    def changed(self) -> bool:
        """Whether anything was removed, substituted or refunded since the order was placed."""
        return bool(self.removed or self.substituted or self.refunded_total)

    def as_json(self) -> dict:
        """The figures with money as decimal strings (the API's ``figures``)."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "currency": self.currency,
            "ordered_total": money(self.ordered_total),
            "ordered": [
                {
                    "line_no": x.line_no,
                    "sku": x.sku,
                    "name": x.name,
                    "quantity": x.quantity,
                    "unit_price": money(x.unit_price),
                    "total": money(x.total),
                    "status": x.status,
                }
                for x in self.ordered
            ],
            "removed_total": money(self.removed_total),
            "removed": [
                {
                    "line_no": x.line_no,
                    "sku": x.sku,
                    "name": x.name,
                    "quantity": x.quantity,
                    "amount": money(x.amount),
                }
                for x in self.removed
            ],
            "substituted": [
                {
                    "line_no": x.line_no,
                    "from_sku": x.from_sku,
                    "to_line_no": x.to_line_no,
                    "to_sku": x.to_sku,
                    "quantity": x.quantity,
                    "ordered_total": money(x.ordered_total),
                    "substitute_total": money(x.substitute_total),
                    "difference": money(x.difference),
                    "rule": x.rule,
                    "refunded": money(x.refunded),
                    "paid": money(x.paid),
                }
                for x in self.substituted
            ],
            "refunded_total": money(self.refunded_total),
            "refunds": [{"kind": x.kind, "amount": money(x.amount)} for x in self.refunds],
            "paid_total": money(self.paid_total),
            "vat": [
                {
                    "rate": str(v.rate),
                    "gross": money(v.gross),
                    "net": money(v.net),
                    "vat": money(v.vat),
                }
                for v in self.vat
            ],
            "vat_total": money(self.vat_total),
        }


def _substituted(line: OrderLine, original: OrderLine, currency: str) -> SubstitutedLine:
    ordered = original.total_amount
    shelf = line.substitute_price_amount
    rule = line.substitute_rule or Rule.KEEP_PRICE
    return SubstitutedLine(
        line_no=original.line_no,
        from_sku=original.sku,
        from_name=original.name,
        to_line_no=line.line_no,
        to_sku=line.sku,
        to_name=line.name,
        quantity=line.quantity,
        ordered_total=ordered,
        substitute_total=shelf,
        difference=ZERO if shelf is None else quantize(shelf - ordered, currency),
        rule=rule,
        rule_display=str(Rule(rule).label),
        refunded=line.refunded_amount,
        paid=line.total_amount - line.refunded_amount,
    )


def order_figures(
    order: Order,
    *,
    lines: Sequence[OrderLine] | None = None,
    refunds: Sequence[Refund] | None = None,
) -> OrderFigures:
    """Return what ``order`` was, what changed and what the customer pays, from loaded rows.

    Reads ``lines`` and ``refunds`` when given, else ``order.lines.all()``
    and ``order.refunds.all()`` (no query when prefetched).  ``paid_total``
    is ``ordered_total - refunded_total``; the VAT is that of what each
    collected line still pays.
    """
    currency = order.currency
    if lines is None:
        lines = list(order.lines.all())
    if refunds is None:
        refunds = list(order.refunds.all())
    lines = sorted(lines, key=lambda ln: ln.line_no)
    by_pk = {ln.pk: ln for ln in lines}
    ordered = tuple(
        OrderedLine(
            line_no=ln.line_no,
            sku=ln.sku,
            name=ln.name,
            quantity=ln.quantity,
            unit_price=ln.unit_price_amount,
            total=ln.total_amount,
            status=ln.status,
            status_display=ln.get_status_display(),
        )
        for ln in lines
        if ln.substitute_for_id is None
    )
    removed = tuple(
        RemovedLine(
            line_no=ln.line_no,
            sku=ln.sku,
            name=ln.name,
            quantity=ln.quantity,
            amount=ln.refunded_amount,
        )
        for ln in lines
        if ln.status == LineStatus.REMOVED
    )
    substituted = tuple(
        _substituted(ln, by_pk[ln.substitute_for_id], currency)
        for ln in lines
        if ln.substitute_for_id is not None and ln.substitute_for_id in by_pk
    )
    refunded: dict[str, Decimal] = {}
    for refund in refunds:
        refunded[refund.kind] = refunded.get(refund.kind, ZERO) + refund.amount
    refunds = tuple(
        RefundByTender(kind=kind, kind_display=str(Tender.Kind(kind).label), amount=refunded[kind])
        for kind in REFUND_ORDER
        if refunded.get(kind)
    )
    refunded_total = sum(refunded.values(), ZERO)
    collected_lines = [
        ln for ln in lines if ln.status not in (LineStatus.REMOVED, LineStatus.SUBSTITUTED)
    ]
    collected = tuple(
        CollectedLine(
            line_no=ln.line_no,
            sku=ln.sku,
            name=ln.name,
            quantity=ln.quantity,
            paid=ln.total_amount - ln.refunded_amount,
        )
        for ln in collected_lines
    )
    vat = vat_breakdown(
        (
            ln.vat_rate,
            ln.total_amount - ln.refunded_amount,
            ln.vat_amount
            if not ln.refunded_amount
            else vat_portion(ln.total_amount - ln.refunded_amount, ln.vat_rate, currency),
        )
        for ln in collected_lines
    )
    ordered_total = order.total_amount
    return OrderFigures(
        currency=currency,
        ordered=ordered,
        ordered_total=ordered_total,
        removed=removed,
        removed_total=sum((x.amount for x in removed), ZERO),
        substituted=substituted,
        refunds=refunds,
        refunded_total=refunded_total,
        collected=collected,
        paid_total=ordered_total - refunded_total,
        vat=tuple(VatFigure(rate=v.rate, gross=v.gross, net=v.net, vat=v.vat) for v in vat),
        vat_total=sum((v.vat for v in vat), ZERO),
    )


__all__ = [
    "OrderFigures",
    "order_figures",
]
