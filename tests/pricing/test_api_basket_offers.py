"""The basket API with basket-wide offers, repeating spend steps and max_applications per kind.

The channel, catalogue (MUG 50.00, PAN 200.00) and clients are fixtures of
tests/pricing/conftest.py.
"""

from decimal import Decimal

import pytest

from pricing.models import Campaign
from tests.factories import ProductFactory, make_api_client
from tests.pricing.api_support import api_client, basket
from tests.pricing.factories import CampaignFactory, PriceListEntryFactory, PriceListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web_channel):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


def priced_product(sku: str, amount: str):
    product = ProductFactory(sku=sku, name=f"Product {sku}")
    PriceListEntryFactory(
        price_list=PriceListFactory(code="PUBLIC-DK"), product=product, amount=Decimal(amount)
    )
    return product


def spend_campaign(code: str, **fields):
    values = {"kind": Campaign.Kind.SPEND_THRESHOLD, "percent": None, "currency": "DKK"}
    return CampaignFactory(code=code, name=f"Campaign {code}", **(values | fields))


def test_basket_wide_percent_off_takes_the_whole_basket(web, catalogue):
    spend_campaign("BASKET10", percent=Decimal(10), currency="")
    body = basket(web, [{"sku": "MUG", "quantity": 1}, {"sku": "PAN", "quantity": 1}]).json()
    assert (body["subtotal"], body["discount_total"], body["total"]) == (
        "250.00",
        "25.00",
        "225.00",
    )
    assert [line["total"] for line in body["lines"]] == ["45.00", "180.00"]
    (total,) = body["campaigns"]
    assert (total["campaign"], total["kind"], total["amount"], total["applications"]) == (
        "BASKET10",
        "spend_threshold",
        "25.00",
        1,
    )
    (application,) = body["applications"]
    assert application["units"] == [
        {"line_id": "0", "quantity": 1},
        {"line_id": "1", "quantity": 1},
    ]


def test_basket_wide_amount_off_never_takes_more_than_the_basket(web, catalogue):
    priced_product("CUP", "30.00")
    spend_campaign("BASKET50", amount=Decimal("50.00"))
    body = basket(web, [{"sku": "CUP", "quantity": 1}]).json()
    assert (body["discount_total"], body["total"]) == ("30.00", "0.00")
    assert body["campaigns"][0]["amount"] == "30.00"


@pytest.mark.parametrize(
    ("spend", "off", "steps"),
    [("29.99", "0.00", None), ("30.00", "5.00", 1), ("95.00", "15.00", 3), ("200.00", "15.00", 3)],
)
def test_basket_repeating_spend_steps_are_capped(web, catalogue, spend, off, steps):
    priced_product("GOODS", spend)
    spend_campaign(
        "PER30",
        amount=Decimal("5.00"),
        threshold_amount=Decimal("30.00"),
        repeats=True,
        max_applications=3,
    )
    body = basket(web, [{"sku": "GOODS", "quantity": 1}]).json()
    assert body["discount_total"] == off
    assert [(c["campaign"], c["applications"]) for c in body["campaigns"]] == (
        [("PER30", steps)] if steps else []
    )


# (case id, campaign fields, basket, expected total, expected applications)
CAPS = [
    (
        "percent_off_caps_units",
        {"kind": "percent_off", "percent": Decimal(10), "targets": "MUG", "max_applications": 2},
        [("MUG", 3)],
        "140.00",
        2,
    ),
    (
        "multibuy_caps_groups",
        {
            "kind": "multibuy",
            "percent": None,
            "buy_quantity": 3,
            "pay_quantity": 2,
            "targets": "MUG",
            "max_applications": 1,
        },
        [("MUG", 6)],
        "250.00",
        1,
    ),
    (
        "mix_match_caps_groups",
        {
            "kind": "mix_match",
            "percent": None,
            "buy_quantity": 2,
            "mix_benefit": "cheapest_free",
            "targets": "MUG",
            "max_applications": 1,
        },
        [("MUG", 4)],
        "150.00",
        1,
    ),
    (
        "bundle_caps_sets",
        {
            "kind": "bundle",
            "percent": None,
            "price": Decimal("200.00"),
            "currency": "DKK",
            "components": ("MUG", "PAN"),
            "max_applications": 1,
        },
        [("MUG", 2), ("PAN", 2)],
        "450.00",
        1,
    ),
    (
        "repeating_spend_caps_steps",
        {
            "kind": "spend_threshold",
            "percent": None,
            "amount": Decimal("5.00"),
            "currency": "DKK",
            "threshold_amount": Decimal("30.00"),
            "repeats": True,
            "max_applications": 2,
        },
        [("PAN", 1)],
        "190.00",
        2,
    ),
]


@pytest.mark.parametrize(
    ("fields", "lines", "total", "applications"), [c[1:] for c in CAPS], ids=[c[0] for c in CAPS]
)
def test_basket_max_applications_caps_each_kind(web, catalogue, fields, lines, total, applications):
    fields = dict(fields)
    targets = []
    if "targets" in fields:
        targets.append({"product": catalogue[fields.pop("targets")]})
    for group, sku in enumerate(fields.pop("components", ()), start=1):
        targets.append({"product": catalogue[sku], "group": group})
    CampaignFactory(code="CAPPED", targets=targets, **fields)
    body = basket(web, [{"sku": sku, "quantity": qty} for sku, qty in lines]).json()
    assert body["total"] == total
    assert [(c["campaign"], c["applications"]) for c in body["campaigns"]] == [
        ("CAPPED", applications)
    ]
