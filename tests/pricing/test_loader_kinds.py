"""The engine and the model agree on the campaign kinds; the loader names a kind it cannot price."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pricing.engine import price_basket
from pricing.engine.kinds import KINDS
from pricing.engine.types import BasketLine, PricingContext
from pricing.loader import rules_load
from pricing.models import Campaign
from tests.factories import ProductFactory
from tests.pricing.factories import (
    CampaignFactory,
    PriceListEntryFactory,
    PriceListFactory,
    dk_market,
)

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_engine_kinds_are_the_model_campaign_kinds():
    assert set(KINDS) == set(Campaign.Kind.values)


@pytest.mark.django_db
def test_rules_load_unknown_kind_is_logged_with_campaign_code_and_kind(caplog):
    web = dk_market()
    product = ProductFactory()
    PriceListEntryFactory(
        price_list=PriceListFactory(code="DK", channels=[web]),
        product=product,
        amount=Decimal("100.00"),
    )
    known = CampaignFactory(code="TEN-OFF", targets=[{"product": product}])
    future = CampaignFactory(code="FROM-THE-FUTURE", targets=[{"product": product}])
    # A kind the engine does not know yet, written past the model's choices.
    Campaign.objects.filter(pk=future.pk).update(kind="buy_now_pay_later")
    context = PricingContext(at=AT, currency="DKK", channel_id=web.pk)

    with caplog.at_level(logging.WARNING, logger="pricing.loader.campaigns"):
        rules = rules_load(product_ids=[product.pk], context=context)

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "FROM-THE-FUTURE" in warnings[0].getMessage()
    assert "buy_now_pay_later" in warnings[0].getMessage()
    assert "TEN-OFF" not in caplog.text
    # Still loaded, and still ignored by the engine: the known campaign alone prices the line.
    assert {c.code for c in rules.campaigns} == {"TEN-OFF", "FROM-THE-FUTURE"}
    line = BasketLine(line_id="1", product_id=product.pk, quantity=1)
    priced = price_basket(lines=[line], context=context, rules=rules)
    assert [d.campaign_code for d in priced.lines[0].discounts] == [known.code]
