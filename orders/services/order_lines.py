"""An order's lines as recorded: frozen from the priced basket, or a substitute at its price."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, Prefetch

from orders.models import Order, OrderLine
from pricing.engine.types import PricedLine
from retail.models import Product, ProductGtin


def products_with_gtin(product_ids: Iterable[int]) -> dict[int, Product]:
    """The products by pk with their primary GTIN prefetched (two queries)."""
    return Product.objects.prefetch_related(
        Prefetch("gtins", queryset=ProductGtin.objects.filter(is_primary=True), to_attr="primary")
    ).in_bulk(list(product_ids))


def order_line_from_priced(
    order: Order | None, line_no: int, line: PricedLine, product: Product
) -> OrderLine:
    """An unsaved line with the priced line's prices, VAT and discounts frozen."""
    return OrderLine(
        order=order,
        line_no=line_no,
        product=product,
        sku=line.sku,
        name=product.name,
        gtin=_primary_gtin(product),
        quantity=line.quantity,
        unit_price_amount=line.unit_price,
        base_total_amount=line.base_total,
        discount_amount=line.base_total - line.total,
        total_amount=line.total,
        vat_rate=line.vat_rate,
        vat_amount=line.vat_amount,
        price_list_code=line.price_list_code,
        discounts=[
            {
                "campaign": d.campaign_code,
                "name": d.campaign_name,
                "kind": d.kind,
                "text": d.text,
                "amount": str(d.amount),
                "coupon": d.coupon_code,
            }
            for d in line.discounts
        ],
        unit_paid=[str(amount) for amount in line.unit_paid],
    )


def _primary_gtin(product: Product) -> str:
    primary = getattr(product, "primary", None)
    return primary[0].gtin if primary else ""


def substitute_line_add(order: Order, line: OrderLine, substitute: Product) -> OrderLine:
    """Add a line of ``substitute`` for ``line``: same quantity, the price paid stays the line's."""
    last = order.lines.aggregate(last=Max("line_no"))["last"] or 0
    product = products_with_gtin([substitute.pk])[substitute.pk]
    return OrderLine.objects.create(
        order=order,
        line_no=last + 1,
        product=product,
        sku=product.sku,
        name=product.name,
        gtin=_primary_gtin(product),
        quantity=line.quantity,
        # The price paid stays the original line's, discounts and VAT as charged.
        unit_price_amount=line.unit_price_amount,
        base_total_amount=line.base_total_amount,
        discount_amount=line.discount_amount,
        total_amount=line.total_amount,
        vat_rate=line.vat_rate,
        vat_amount=line.vat_amount,
        discounts=line.discounts,
        price_list_code=line.price_list_code,
        unit_paid=line.unit_paid,
        substitute_for=line,
    )
