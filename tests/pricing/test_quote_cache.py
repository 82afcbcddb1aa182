"""Remembered unit prices (/prices/ for now): fast when nothing changed, never stale after a change.

Each test asks ``/api/v1/pricing/prices/`` without ``at`` (the only lookups remembered)
and changes what a shopper would see in between: a price, a campaign, its targets, a
product's category, a campaign's start.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pricing import quote_cache
from pricing.models import Campaign, CampaignTarget, PriceChange, PriceListEntry
from pricing.services.campaigns import campaign_status_set
from pricing.services.prices import price_entry_set
from tests.factories import CategoryFactory, CustomerFactory, make_api_client
from tests.pricing.api_support import PRICES_URL, api_client
from tests.pricing.factories import CampaignFactory, CustomerGroupFactory, join_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memory():
    quote_cache.memory.clear()
    yield
    quote_cache.memory.clear()


@pytest.fixture
def web(web_channel):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


def _prices(web, skus="PAN,MUG", **params):
    response = web.get(PRICES_URL, {"sku": skus, **params})
    assert response.status_code == 200, response.json()
    return {row["sku"]: row for row in response.json()["results"]}


def _queries(web, skus="PAN,MUG") -> int:
    with CaptureQueriesContext(connection) as queries:
        _prices(web, skus)
    return len(queries)


def test_a_lookup_remembered_costs_only_products_context_and_revision(web, catalogue):
    first = _queries(web)
    second = _queries(web)
    assert second < first
    # The products (is the SKU known and active?), the revision; nothing of the rules.
    assert second <= 3
    assert _prices(web)["PAN"]["price"] == "200.00"


def test_a_new_price_is_shown_on_the_next_lookup(web, catalogue):
    assert _prices(web)["PAN"]["price"] == "200.00"
    entry = PriceListEntry.objects.get(price_list__code="PUBLIC-DK", product=catalogue["PAN"])
    price_entry_set(
        price_list=entry.price_list,
        product=catalogue["PAN"],
        amount=Decimal("150.00"),
        valid_from=entry.valid_from,
        source=PriceChange.Source.ADMIN,
    )
    assert _prices(web)["PAN"]["price"] == "150.00"


def test_a_campaign_activated_or_paused_is_seen_at_once(web, catalogue):
    campaign = CampaignFactory(
        code="PAN-10", status=Campaign.Status.DRAFT, targets=[{"product": catalogue["PAN"]}]
    )
    assert _prices(web)["PAN"]["price"] == "200.00"
    campaign_status_set(campaign=campaign, status=Campaign.Status.ACTIVE)
    assert _prices(web)["PAN"]["price"] == "180.00"
    campaign_status_set(campaign=campaign, status=Campaign.Status.PAUSED)
    assert _prices(web)["PAN"]["price"] == "200.00"


def test_a_campaign_is_shown_from_its_first_second(web, catalogue):
    starts = timezone.now() + timedelta(seconds=1.5)
    CampaignFactory(code="PAN-10", valid_from=starts, targets=[{"product": catalogue["PAN"]}])
    assert _prices(web)["PAN"]["price"] == "200.00"
    while timezone.now() < starts:
        time.sleep(0.1)
    assert _prices(web)["PAN"]["price"] == "180.00"


def test_a_new_target_and_a_product_moved_to_a_campaign_category_are_seen(web, catalogue):
    kitchen = CategoryFactory(name="Kitchen")
    campaign = CampaignFactory(code="KITCHEN-10", targets=[{"category": kitchen}])
    assert _prices(web)["MUG"]["price"] == "50.00"
    mug = catalogue["MUG"]
    mug.category = kitchen
    mug.save()
    assert _prices(web)["MUG"]["price"] == "45.00"
    CampaignTarget.objects.create(campaign=campaign, product=catalogue["PAN"])
    assert _prices(web)["PAN"]["price"] == "180.00"


def test_a_members_price_is_not_shown_to_the_public_nor_the_other_way(web, catalogue, web_channel):
    members = CustomerGroupFactory(code="MEMBERS")
    CampaignFactory(
        code="MEMBERS-10",
        customer_groups=[members],
        targets=[{"product": catalogue["PAN"]}],
    )
    member = CustomerFactory()
    join_group(member, members)
    assert _prices(web)["PAN"]["price"] == "200.00"
    assert _prices(web, customer=str(member.public_id))["PAN"]["price"] == "180.00"
    assert _prices(web)["PAN"]["price"] == "200.00"


def test_a_lookup_at_a_given_moment_is_worked_out_not_remembered(web, catalogue):
    _prices(web)
    at = (timezone.now() - timedelta(days=1)).isoformat()
    assert _queries(web) <= 3
    with CaptureQueriesContext(connection) as queries:
        _prices(web, at=at)
    assert len(queries) > 3


def test_with_the_memory_off_every_lookup_is_worked_out(web, catalogue, settings):
    settings.PRICING_QUOTE_CACHE = False
    _prices(web)  # the key is checked once
    assert _queries(web) == _queries(web) > 3


@pytest.mark.parametrize(
    "amounts",
    [
        ("180.00", "200.00", None, "200.00"),
        ("0.01", "0.01", "0.01", "0.01"),
        ("99999.995", "12.345", "7.5", "1"),
    ],
)
def test_the_plain_answer_is_the_serializers_answer(amounts):
    from pricing.api.serializers import ProductPriceSerializer, product_price_data
    from pricing.selectors import ProductPrice

    price, ordinary, prior, lowest = (Decimal(a) if a else None for a in amounts)
    quote = ProductPrice(
        sku="PAN",
        currency="DKK",
        price=price,
        ordinary_price=ordinary,
        price_list_code="PUBLIC-DK",
        lowest_price_30d=lowest,
        campaign_codes=("PAN-10", "KITCHEN"),
        prior_price=prior,
    )
    assert product_price_data(quote) == ProductPriceSerializer(quote).data
