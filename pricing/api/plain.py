"""The basket answer built as plain dicts: what ``PricedBasketSerializer`` says, for a fraction.

DRF builds a serializer per nested object and deep-copies its fields each
time; for a priced basket that was 40 % of the endpoint, more than the
engine.  The serializers stay the schema (OpenAPI) and the reference:
``tests/pricing/test_api_plain.py`` holds this module's answer equal to
theirs for every basket of the API tests' kinds.  Messages come from
``pricing.api.texts`` as in the serializers (activate the language first).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from rest_framework.fields import DateTimeField

from pricing.api import texts
from pricing.engine import types as t

_CENT = Decimal("0.01")
_DATETIME = DateTimeField()


def money(amount: Decimal | None) -> str | None:
    """As ``pricing.api.money.Money``: two decimals, half up."""
    return None if amount is None else str(Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP))


def percent(value: Decimal | None) -> str | None:
    """As ``pricing.api.money.Percent`` (DRF's default rounding: half even)."""
    return None if value is None else str(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_EVEN))


def _discount(d) -> dict:
    return {
        "campaign": d.campaign_code,
        "name": d.campaign_name,
        "kind": d.kind,
        "text": d.text,
        "amount": money(d.amount),
        "coupon": d.coupon_code,
    }


def _line(quoted) -> dict:
    line = quoted.line
    return {
        "line_id": quoted.line_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": money(line.unit_price),
        "price_list": line.price_list_code,
        "base_total": money(line.base_total),
        "discounts": [_discount(d) for d in line.discounts],
        "discount_total": money(quoted.discount_total),
        "total": money(line.total),
        "vat_rate": percent(line.vat_rate),
        "vat_amount": money(line.vat_amount),
        "prior_price": money(quoted.prior_price),
        "lowest_price_30d": money(quoted.lowest_price_30d),
    }


def _hint(hint, currency: str) -> dict:
    target, reward = hint.target, hint.reward
    return {
        "kind": hint.kind,
        "campaign": hint.campaign_code,
        "target": {"type": target.type, "code": target.code, "name": target.name},
        "missing_quantity": hint.missing_quantity,
        "missing_amount": money(hint.missing_amount),
        "reward": {
            "amount": money(reward.amount),
            "currency": currency,
            "text": texts.reward_text(reward, currency),
        },
        "message": texts.hint_message(hint, currency),
    }


def _coupon(coupon, currency: str) -> dict:
    return {
        "code": coupon.code,
        "applied": coupon.applied,
        "status": "applied" if coupon.applied else "not_applicable",
        "reason": None if coupon.applied else (coupon.reason or t.COUPON_NOT_APPLICABLE),
        "message": texts.coupon_message(coupon, currency),
    }


def priced_basket_data(quote) -> dict:
    """``PricedBasketSerializer(quote).data`` as plain dicts (same keys, same strings)."""
    basket = quote.basket
    check = quote.rules_version
    return {
        "at": _DATETIME.to_representation(quote.at),
        "currency": basket.currency,
        "lines": [_line(quoted) for quoted in quote.lines],
        "subtotal": money(basket.subtotal),
        "discount_total": money(basket.discount_total),
        "total": money(basket.total),
        "vat": [
            {
                "rate": percent(v.rate),
                "gross": money(v.gross),
                "net": money(v.net),
                "vat": money(v.vat),
            }
            for v in basket.vat
        ],
        "hints": [_hint(hint, basket.currency) for hint in basket.hints],
        "coupons": [_coupon(coupon, basket.currency) for coupon in basket.coupons],
        "applied_campaigns": list(basket.applied_campaigns),
        "campaigns": [
            {
                "campaign": c.campaign_code,
                "name": c.campaign_name,
                "kind": c.kind,
                "text": c.text,
                "amount": money(c.amount),
                "applications": c.applications,
                "coupon": c.coupon_code,
            }
            for c in basket.campaigns
        ],
        "applications": [
            {
                "campaign": a.campaign_code,
                "name": a.campaign_name,
                "amount": money(a.amount),
                "times": a.times,
                "units": [{"line_id": u.line_id, "quantity": u.quantity} for u in a.units],
            }
            for a in quote.applications
        ],
        "rules_version": None
        if check is None
        else {"given": check.given, "current": check.current, "is_current": check.is_current},
    }
