"""The Omnibus prior price through the real API: ``prior_price`` on /prices/ and basket lines.

Prices are set through ``price_entry_set`` as HQ would have set them on the day given
(so the history is what the admin writes); day ``n`` is ``D0 + n days``.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pricing.models import Campaign, PriceChange
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory, make_api_client
from tests.pricing.api_support import BASKET_URL, PRICES_URL, api_client
from tests.pricing.factories import CampaignFactory, PriceListFactory

pytestmark = pytest.mark.django_db

D0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return D0 + timedelta(days=n)


@pytest.fixture
def web(web_channel):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


@pytest.fixture
def public():
    return PriceListFactory(code="PUBLIC-DK")


def _history(public, product, steps, campaigns):
    """``steps``: (from day, to day or None, amount[, day HQ set it]); ``campaigns``: (percent,
    from day, to day or None)."""
    for step in steps:
        start, end, amount = step[:3]
        price_entry_set(
            price_list=public,
            product=product,
            amount=Decimal(amount),
            valid_from=day(start),
            valid_to=day(end) if end is not None else None,
            source=PriceChange.Source.ADMIN,
            at=day(step[3] if len(step) > 3 else min(start, 0)),
        )
    for percent, start, end in campaigns:
        CampaignFactory(
            percent=Decimal(percent),
            valid_from=day(start),
            valid_to=day(end) if end is not None else None,
            targets=[{"product": product}],
        )


BEFORE = [(-100, 40, "100.00"), (40, 50, "120.00")]

# (list steps, campaigns, day asked, prior_price, price, lowest_price_30d)
CASES = {
    "campaign_running_25_days_keeps_100": (
        [*BEFORE, (50, None, "120.00")],
        [("20", 50, None)],
        75,
        "100.00",
        "96.00",
        "120.00",
    ),
    "list_reduction_keeps_100": (
        [*BEFORE, (50, None, "96.00")],
        [],
        75,
        "100.00",
        "96.00",
        "96.00",
    ),
    # HQ edits the entry on day 60: until then it said 120.00.
    "price_cut_in_the_admin": (
        [(-100, None, "120.00"), (-100, None, "96.00", 60)],
        [],
        60.01,
        "120.00",
        "96.00",
        "96.00",
    ),
    "stepped_reduction_keeps_the_first_steps": (
        [(-100, 40, "100.00"), (40, 50, "90.00"), (50, None, "80.00")],
        [],
        60,
        "100.00",
        "80.00",
        "80.00",
    ),
    "campaign_starting_while_a_list_reduction_runs": (
        [(-100, 40, "100.00"), (40, None, "90.00")],
        [("10", 50, None)],
        60,
        "100.00",
        "81.00",
        "90.00",
    ),
    "no_reduction": ([(-100, None, "100.00")], [], 60, None, "100.00", "100.00"),
    "reduction_ended": (
        [(-100, 40, "100.00"), (40, 50, "80.00"), (50, None, "100.00")],
        [("10", 20, 30)],
        60,
        None,
        "100.00",
        "80.00",
    ),
}


@pytest.mark.parametrize(
    ("steps", "campaigns", "on", "prior", "price", "lowest"), CASES.values(), ids=CASES
)
def test_prices_lookup_prior_price(web, public, steps, campaigns, on, prior, price, lowest):
    product = ProductFactory(sku="KETTLE", gtin=False)
    _history(public, product, steps, campaigns)
    response = web.get(PRICES_URL, {"sku": "KETTLE", "at": day(on).isoformat()})
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert (result["prior_price"], result["price"], result["lowest_price_30d"]) == (
        prior,
        price,
        lowest,
    )


def test_basket_line_prior_price_is_the_lookups(web, public):
    product = ProductFactory(sku="KETTLE", gtin=False)
    _history(public, product, [*BEFORE, (50, None, "120.00")], [("20", 50, None)])
    other = ProductFactory(sku="MUG", gtin=False)
    _history(public, other, [(-100, None, "50.00")], [])
    body = web.post(
        BASKET_URL,
        {
            "lines": [{"sku": "KETTLE", "quantity": 2}, {"sku": "MUG", "quantity": 1}],
            "at": day(75).isoformat(),
        },
        format="json",
    ).json()
    assert [(line["sku"], line["prior_price"], line["total"]) for line in body["lines"]] == [
        ("KETTLE", "100.00", "192.00"),
        ("MUG", None, "50.00"),
    ]


def test_prices_lookup_prior_price_ignores_a_multibuy_campaign(web, public):
    product = ProductFactory(sku="KETTLE", gtin=False)
    _history(public, product, [(-100, None, "100.00")], [])
    CampaignFactory(
        kind=Campaign.Kind.MULTIBUY,
        percent=None,
        price=Decimal("150.00"),
        currency="DKK",
        buy_quantity=2,
        valid_from=day(50),
        targets=[{"product": product}],
    )
    response = web.get(PRICES_URL, {"sku": "KETTLE", "at": day(60).isoformat()})
    assert response.json()["results"][0]["prior_price"] is None
