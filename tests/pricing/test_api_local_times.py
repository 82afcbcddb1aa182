"""A time without an offset is local: the store's zone, else the channel's market's.

The campaign starts at 2026-12-24 00:00 in Copenhagen (23:00 UTC); which side
of that start a basket falls on depends on whose clock ``at`` was read from.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.factories import ChannelFactory, StoreFactory, make_api_client, make_staff
from tests.pricing.api_support import BASKET_URL, PRICES_URL, api_client
from tests.pricing.factories import CampaignFactory, VatRateFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 23, 23, 0, tzinfo=UTC)  # 2026-12-24 00:00 Copenhagen


@pytest.fixture
def christmas(catalogue):
    return CampaignFactory(
        code="XMAS-10", valid_from=START, targets=[{"product": catalogue["MUG"]}]
    )


def _pos(pos_channel, **store):
    VatRateFactory(country=store["country"])
    _, key = make_api_client(channel=pos_channel, store=StoreFactory(**store), name="Till")
    return api_client(key)


def _campaigns(client, at, **extra):
    response = client.post(
        BASKET_URL, {"lines": [{"sku": "MUG", "quantity": 1}], "at": at, **extra}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["applied_campaigns"]


def test_basket_at_without_offset_is_the_dk_stores_local_time(pos, christmas):
    assert _campaigns(pos, "2026-12-24T00:30:00") == ["XMAS-10"]
    assert _campaigns(pos, "2026-12-23T23:30:00") == []


def test_basket_at_with_an_offset_is_that_instant(pos, christmas):
    assert _campaigns(pos, "2026-12-23T23:30:00Z") == ["XMAS-10"]
    assert _campaigns(pos, "2026-12-24T00:30:00+02:00") == []


@pytest.mark.parametrize(
    ("store", "before", "after"),
    [
        ({"code": "SE-STO01", "country": "SE", "time_zone": "Europe/Stockholm"}, "23:30", "00:30"),
        ({"code": "NO-OSL01", "country": "NO", "time_zone": "Europe/Oslo"}, "23:30", "00:30"),
        # Helsinki is an hour ahead: its 00:30 is still before the start, its 01:30 after.
        ({"code": "FI-HEL01", "country": "FI", "time_zone": "Europe/Helsinki"}, "00:30", "01:30"),
    ],
    ids=["stockholm", "oslo", "helsinki"],
)
def test_basket_at_without_offset_is_read_in_each_stores_own_zone(
    pos_channel, christmas, store, before, after
):
    till = _pos(pos_channel, **store)
    day = "2026-12-23" if before.startswith("23") else "2026-12-24"
    assert _campaigns(till, f"{day}T{before}:00") == []
    assert _campaigns(till, f"2026-12-24T{after}:00") == ["XMAS-10"]


def test_basket_at_without_offset_is_the_channels_market_time_without_a_store(
    web_channel, christmas
):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    web = api_client(key)
    assert _campaigns(web, "2026-12-24T00:30:00") == ["XMAS-10"]
    assert _campaigns(web, "2026-12-23T23:30:00") == []
    # A webshop pricing for a Helsinki store reads the time in that store's zone.
    VatRateFactory(country="FI")
    StoreFactory(code="FI-HEL01", country="FI", time_zone="Europe/Helsinki")
    assert _campaigns(web, "2026-12-24T00:30:00", store="FI-HEL01") == []


def test_basket_at_without_offset_for_staff_is_the_named_stores_zone(client, christmas):
    VatRateFactory(country="FI")
    StoreFactory(code="FI-HEL01", country="FI", time_zone="Europe/Helsinki")
    ChannelFactory(code="WEB-FI", country="FI", currency="EUR", language="en")
    client.force_login(make_staff("hq", username="hq-times"))
    body = {"lines": [{"sku": "MUG", "quantity": 1}], "channel": "WEB-DK"}
    response = client.post(
        BASKET_URL,
        {**body, "store": "FI-HEL01", "at": "2026-12-24T01:30:00"},
        content_type="application/json",
    )
    assert response.json()["applied_campaigns"] == ["XMAS-10"], response.json()
    response = client.post(
        BASKET_URL, {**body, "at": "2026-12-24T00:30:00"}, content_type="application/json"
    )
    assert response.json()["applied_campaigns"] == ["XMAS-10"], response.json()


def test_prices_at_without_offset_is_local_and_answers_in_utc(pos, christmas):
    response = pos.get(PRICES_URL, {"sku": "MUG", "at": "2026-12-24T00:30:00"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["at"] == "2026-12-23T23:30:00Z"
    assert Decimal(body["results"][0]["price"]) == Decimal("45.00")


def test_basket_at_in_a_skipped_dst_hour_is_refused_naming_at(pos, christmas):
    response = pos.post(
        BASKET_URL,
        {"lines": [{"sku": "MUG", "quantity": 1}], "at": "2026-03-29T02:30:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "at" in response.json()["fields"]
