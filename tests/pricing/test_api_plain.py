"""The basket endpoint's plain answer is exactly what ``PricedBasketSerializer`` (the schema) says.

Baskets of every shape the API answers: campaigns per unit and per group, a basket-wide
spend discount, a coupon that applies and one that does not, hints, a rules version,
prior prices, several VAT rates' worth of lines, in English and Danish.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from pricing.api.plain import money, percent, priced_basket_data
from pricing.api.serializers import PricedBasketSerializer
from pricing.models import Campaign
from pricing.quotes import basket_quote
from tests.pricing.api_support import AT
from tests.pricing.factories import CampaignFactory, CouponCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(catalogue, three_for_two):
    CampaignFactory(
        code="PAN-10",
        percent=Decimal("12.5"),
        stacking=Campaign.Stacking.COMPOUND,
        valid_from=AT - timedelta(days=10),
        targets=[{"product": catalogue["PAN"]}],
    )
    CampaignFactory(
        code="SPEND-500",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        percent=None,
        amount=Decimal("25.00"),
        currency="DKK",
        threshold_amount=Decimal("500.00"),
        stacking=Campaign.Stacking.COMPOUND,
    )
    CouponCodeFactory(
        code="MUG5", campaign__code="MUG5-C", campaign__targets=[{"product": catalogue["MUG"]}]
    )
    CouponCodeFactory(
        code="NOPE", campaign__code="NOPE-C", campaign__targets=[{"product": catalogue["LAMP"]}]
    )


BASKETS = [
    [("MUG", 1)],
    [("MUG", 2), ("PAN", 1)],
    [("MUG", 3), ("MUG", 2), ("PAN", 2)],
    [("PAN", 3), ("MUG", 7)],
]


@pytest.mark.parametrize("lines", BASKETS)
@pytest.mark.parametrize("coupons", [(), ("MUG5",), ("NOPE", "MUG5")])
@pytest.mark.parametrize("language", ["en", "da"])
def test_the_plain_answer_is_the_serializers(offers, web_channel, lines, coupons, language):
    quote = basket_quote(
        lines=lines,
        line_ids=[f"l{i}" for i in range(len(lines))],
        channel=web_channel,
        coupon_codes=coupons,
        at=AT,
        language=language,
        rules_version_given="1-2-0",
        hint_limit=5,
    )
    with translation.override(language):
        assert priced_basket_data(quote) == PricedBasketSerializer(quote).data


@pytest.mark.parametrize("value", ["0", "0.005", "0.015", "12.345", "99999999.995", "-3.335"])
def test_money_and_percent_strings_round_as_the_fields_do(value):
    from pricing.api.money import Money, Percent

    assert money(Decimal(value)) == Money().to_representation(Decimal(value))
    if abs(Decimal(value)) < 1000:
        assert percent(Decimal(value)) == Percent().to_representation(Decimal(value))


def test_the_baskets_above_carry_hints_coupon_reasons_and_deals(offers, web_channel):
    """So the comparison above covers every part of the answer, not only empty lists."""
    small = priced_basket_data(
        basket_quote(lines=[("MUG", 1)], channel=web_channel, coupon_codes=("NOPE",), at=AT)
    )
    assert small["hints"] and small["hints"][0]["target"]["code"] == "MUG"
    assert small["coupons"][0]["reason"] == "no_qualifying_items"
    big = priced_basket_data(basket_quote(lines=[("PAN", 3)], channel=web_channel, at=AT))
    assert {c["campaign"] for c in big["campaigns"]} == {"PAN-10", "SPEND-500"}
    assert big["lines"][0]["prior_price"] is not None
