"""Price a basket: a pure function of (lines, context, rules), no database, no model.

The steps, each in its own module:

1. ``scope``: the base price of each line (the best price rule in force and
   in scope) and the campaigns in force for the context.
2. ``offers``: campaigns prepared for this basket (which lines each touches);
   the basket state is per line a few (price, stacking mode, count) slots.
3. ``search``: priority bands applied one after the other, line-level before
   basket-level; inside a band the order of conflicting campaigns that gives
   the lowest total (see its docstring for the stacking model).
4. ``kinds``, ``groups``, ``spend``: what each campaign kind does to the units
   it may use; ``allocation``: each discount, rounded half-up to the minor
   unit, split over its units in whole minor units (largest remainder).
5. Here: lines, discounts per line and campaign (basket-level ones included,
   already allocated), what each unit pays, each application with the units
   that formed it, each campaign's total, totals, VAT per rate; ``hints``
   (ranked, structured) and ``coupons`` (why a valid one gave nothing).

Money invariants: every unit price is a whole number of minor units, so a
line's total is exact, ``line.total == line.base_total - sum(its discounts)``
and ``basket.total == sum(line totals)``.  VAT is derived per line from its
VAT-inclusive total (``retail.money.vat_portion``) and summed per rate, so
the lines and the breakdown agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from pricing.engine.coupons import coupons_report
from pricing.engine.hints import hints_by_offer, rank_hints
from pricing.engine.offers import Basket, offers_prepare, state_total
from pricing.engine.scope import best_base_price
from pricing.engine.search import Applied, offers_apply
from pricing.engine.types import (
    ApplicationUnits,
    BasketLine,
    CampaignApplication,
    CampaignTotal,
    Discount,
    PricedBasket,
    PricedLine,
    PriceRule,
    PricingContext,
    Rules,
    VatLine,
)
from pricing.engine.units import UNDISCOUNTED, ZERO
from pricing.engine.vat import vat_breakdown
from pricing.errors import InvalidQuantityError, NoPriceError
from retail.errors import UnknownProductError
from retail.money import minor_units, quantize, vat_portion

__all__ = ["best_base_price", "price_basket", "unit_offer_price", "unit_offer_prices"]


def price_basket(
    *, lines: Sequence[BasketLine], context: PricingContext, rules: Rules
) -> PricedBasket:
    """Price ``lines`` for ``context`` under ``rules``; the same input, the same answer.

    Raises ``UnknownProductError`` for a product missing from ``rules.products``,
    ``InvalidQuantityError`` for a quantity below 1 and ``NoPriceError`` for a
    product without a price in force, each naming the line (``lines.<index>``).
    """
    basket, base = _basket_build(lines, context, rules)
    unit_prices = [quantize(rule.amount, context.currency) for rule in base]
    start = tuple(
        ((price, UNDISCOUNTED, line.quantity),)
        for price, line in zip(unit_prices, lines, strict=True)
    )
    offers = offers_prepare(rules.campaigns, context, basket)
    state, applied = offers_apply(start, offers, basket)

    discounts = _discounts_by_line(applied, len(lines), context)
    priced = []
    for index, line in enumerate(lines):
        total = state_total(state, (index,))
        product = basket.products[index]
        priced.append(
            PricedLine(
                line_id=line.line_id,
                product_id=line.product_id,
                sku=product.sku,
                quantity=line.quantity,
                unit_price=unit_prices[index],
                price_list_code=base[index].price_list_code,
                base_total=unit_prices[index] * line.quantity,
                discounts=tuple(discounts[index]),
                total=total,
                vat_rate=product.vat_rate,
                vat_amount=vat_portion(total, product.vat_rate, context.currency),
                unit_paid=_unit_paid(state[index]),
            )
        )
    applied_by_offer = {item.offer: item for item in applied}
    hints = hints_by_offer(
        # Coupon reasons read their campaigns' hints even when no hint is asked for.
        offers=offers
        if context.hint_limit > 0
        else [o for o in offers if o.rule.campaign_id in context.unlocked_campaign_ids],
        state=state,
        applied=applied_by_offer,
        basket=basket,
        rules=rules,
        context=context,
    )
    subtotal = sum((line.base_total for line in priced), ZERO)
    total = sum((line.total for line in priced), ZERO)
    return PricedBasket(
        currency=context.currency,
        lines=tuple(priced),
        subtotal=subtotal,
        discount_total=subtotal - total,
        total=total,
        vat=_vat_breakdown(priced),
        hints=rank_hints(hints, context.hint_limit),
        coupons=coupons_report(
            context=context, rules=rules, offers=offers, applied=applied, hints=hints
        ),
        applied_campaigns=tuple(item.offer.rule.code for item in applied),
        applications=tuple(
            CampaignApplication(
                campaign_code=item.offer.rule.code,
                campaign_name=item.offer.rule.name,
                amount=use.discount,
                units=tuple(
                    ApplicationUnits(lines[line].line_id, count) for line, count in use.units
                ),
                times=use.times,
            )
            for item in applied
            for use in item.uses
        ),
        campaigns=_campaign_totals(applied, context),
    )


def _basket_build(
    lines: Sequence[BasketLine], context: PricingContext, rules: Rules
) -> tuple[Basket, list[PriceRule]]:
    """The basket's products and, per line, the price rule that sets its base price."""
    places = minor_units(context.currency)
    prices = _prices_by_product(rules.prices)
    products = []
    base = []
    for index, line in enumerate(lines):
        product = rules.products.get(line.product_id)
        if product is None:
            raise UnknownProductError(field=f"lines.{index}")
        if line.quantity < 1:
            raise InvalidQuantityError(field=f"lines.{index}.quantity")
        price = best_base_price(
            product_id=line.product_id, context=context, prices=prices.get(line.product_id, ())
        )
        if price is None:
            raise NoPriceError(field=f"lines.{index}")
        products.append(product)
        base.append(price)
    basket = Basket(
        currency=context.currency,
        places=places,
        minor_unit=Decimal(1).scaleb(-places),
        products=tuple(products),
        product_ids=tuple(p.product_id for p in products),
    )
    return basket, base


def _unit_paid(slots) -> tuple[Decimal, ...]:
    """What each unit of a line pays, lowest first (slots are sorted highest first)."""
    return tuple(price for price, _mode, count in reversed(slots) for _ in range(count))


def _coupon_of(context: PricingContext) -> dict[int, str]:
    coupon_of: dict[int, str] = {}
    for code, campaign_id in context.coupon_campaigns:
        coupon_of.setdefault(campaign_id, code)
    return coupon_of


def _campaign_totals(applied: list[Applied], context: PricingContext) -> tuple[CampaignTotal, ...]:
    """Each applied campaign with its whole discount, in the order they applied."""
    coupon_of = _coupon_of(context)
    return tuple(
        CampaignTotal(
            campaign_code=item.offer.rule.code,
            campaign_name=item.offer.rule.name,
            kind=item.offer.rule.kind,
            text=item.offer.rule.text(context.language),
            amount=sum(item.by_line.values(), ZERO),
            applications=item.times,
            coupon_code=coupon_of.get(item.offer.rule.campaign_id),
        )
        for item in applied
    )


def _discounts_by_line(
    applied: list[Applied], count: int, context: PricingContext
) -> list[list[Discount]]:
    """Per line, each campaign's share of its discount, in the order they applied."""
    coupon_of = _coupon_of(context)
    discounts: list[list[Discount]] = [[] for _ in range(count)]
    for item in applied:
        rule = item.offer.rule
        text = rule.text(context.language)
        coupon_code = coupon_of.get(rule.campaign_id)
        for index, amount in item.by_line.items():
            discounts[index].append(
                Discount(
                    campaign_code=rule.code,
                    campaign_name=rule.name,
                    kind=rule.kind,
                    text=text,
                    amount=amount,
                    coupon_code=coupon_code,
                )
            )
    return discounts


def unit_offer_price(
    *, product_id: int, context: PricingContext, rules: Rules
) -> tuple[Decimal, Decimal, tuple[str, ...]]:
    """Return (ordinary price, campaign price, campaign codes) of one unit, for listings.

    The campaign price is what a basket holding just this one unit would cost;
    raises like :func:`price_basket` (the line is ``lines.0``).
    """
    if context.hint_limit:
        context = replace(context, hint_limit=0)  # a listing shows no hints
    basket = price_basket(
        lines=(BasketLine(line_id="1", product_id=product_id, quantity=1),),
        context=context,
        rules=rules,
    )
    (line,) = basket.lines
    return line.unit_price, line.total, basket.applied_campaigns


def unit_offer_prices(
    *, product_ids: Sequence[int], context: PricingContext, rules: Rules
) -> dict[int, tuple[Decimal, Decimal, tuple[str, ...]]]:
    """Return :func:`unit_offer_price` for many products at once (a listing page).

    Each product is still priced alone, but which campaigns touch which
    product is worked out once for all of them, so 500 products do not mean
    500 passes over every campaign.  Unknown products and products without a
    price are left out of the answer.
    """
    known = [pid for pid in dict.fromkeys(product_ids) if pid in rules.products]
    context = replace(context, hint_limit=0)
    places = minor_units(context.currency)
    listing = Basket(
        currency=context.currency,
        places=places,
        minor_unit=Decimal(1).scaleb(-places),
        products=tuple(rules.products[pid] for pid in known),
        product_ids=tuple(known),
    )
    touching: list[list] = [[] for _ in known]
    for offer in offers_prepare(rules.campaigns, context, listing):
        for line in offer.lines:
            touching[line].append(offer.rule)
    prices = _prices_by_product(rules.prices)
    answer = {}
    for line, pid in enumerate(known):
        if best_base_price(product_id=pid, context=context, prices=prices.get(pid, ())) is None:
            continue
        answer[pid] = unit_offer_price(
            product_id=pid,
            context=context,
            rules=Rules(
                products=rules.products,
                prices=tuple(prices[pid]),
                campaigns=tuple(touching[line]),
            ),
        )
    return answer


def _prices_by_product(prices: Sequence[PriceRule]) -> dict[int, list[PriceRule]]:
    """The price rules by product, so each line looks only at its own."""
    by_product: dict[int, list[PriceRule]] = {}
    for rule in prices:
        by_product.setdefault(rule.product_id, []).append(rule)
    return by_product


def _vat_breakdown(lines: list[PricedLine]) -> tuple[VatLine, ...]:
    """Per VAT rate, ascending: gross and VAT summed over the lines, net the difference."""
    return vat_breakdown((line.vat_rate, line.total, line.vat_amount) for line in lines)
