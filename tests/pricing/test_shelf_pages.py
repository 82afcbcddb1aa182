"""What the store says about prices: the product lookup's price and stock panels (the same
figures as ``GET /api/v1/pricing/prices/``) and shelf-edge labels for tomorrow's changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from pricing.models import Campaign, PriceListEntry
from pricing.shelf import labels_for_price_changes
from retail.selectors import store_day_bounds
from tests.factories import make_api_client, make_staff
from tests.orders.world import make_world
from tests.pricing.factories import CampaignFactory, PriceListEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def clerk(client, world):
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="clerk-shelf"))
    return client


def _campaign(world, product, *, starts, ends=None, percent="25.00", code="SPRING"):
    return CampaignFactory(
        code=code,
        name=f"Campaign {code}",
        kind=Campaign.Kind.PERCENT_OFF,
        percent=Decimal(percent),
        valid_from=starts,
        valid_to=ends,
        channels=[world.pos],
        targets=[{"product": product}],
    )


def test_product_lookup_says_what_the_prices_api_says(clerk, world):
    now = timezone.now()
    mug = world.p("MUG")
    _campaign(world, mug, starts=now - timedelta(days=2), ends=now + timedelta(days=5))
    page = clerk.get(reverse("store:product_lookup"), {"code": mug.sku}).content.decode()

    _, key = make_api_client(channel=world.pos, store=world.cph, name="Till CPH")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    (answer,) = api.get("/api/v1/pricing/prices/", {"sku": mug.sku}).json()["results"]
    assert answer["campaigns"] == ["SPRING"]
    assert f'data-testid="price-ordinary">{answer["ordinary_price"]} DKK<' in page
    assert f'data-testid="price-campaign">{answer["price"]} DKK<' in page
    assert answer["prior_price"] is not None
    assert f'data-testid="price-prior">{answer["prior_price"]} DKK<' in page
    assert "Campaign SPRING" in page


def test_product_lookup_shows_stock_here_and_links_to_all_stores(clerk, world):
    mug = world.p("MUG")
    page = clerk.get(reverse("store:product_lookup"), {"code": mug.sku}).content.decode()
    assert 'data-testid="stock-available">10<' in page
    assert 'data-testid="stock-reserved">0<' in page
    assert f'href="{reverse("inventory_store:stock")}?code={mug.sku}"' in page


def test_product_lookup_with_prices_query_budget(clerk, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(26):
        clerk.get(reverse("store:product_lookup"), {"code": "MUG"})


def test_labels_for_tomorrow_include_campaign_starting_tomorrow_only(world):
    now = timezone.now()
    tomorrow, _ = store_day_bounds(store=world.cph, at=now, days=1)
    mug, shirt = world.p("MUG"), world.p("SHIRT")
    _campaign(world, mug, starts=tomorrow, ends=tomorrow + timedelta(days=7))
    # Starts tomorrow, but in another channel: the store's price does not change.
    CampaignFactory(
        code="WEBONLY",
        percent=Decimal("50.00"),
        valid_from=tomorrow,
        channels=[world.webshop],
        targets=[{"product": shirt}],
    )
    labels = labels_for_price_changes(store=world.cph, channel=world.pos, at=now)
    assert [label.product.sku for label in labels] == ["MUG"]
    (label,) = labels
    assert label.price.price.price == Decimal("60.00")
    assert label.price.price.ordinary_price == Decimal("80.00")
    assert label.price.price.prior_price == Decimal("80.00")
    assert label.valid_on == tomorrow.date()


def test_labels_for_tomorrow_include_a_list_price_change_and_skip_unchanged(world):
    now = timezone.now()
    tomorrow, _ = store_day_bounds(store=world.cph, at=now, days=1)
    jacket = world.p("JACKET")
    entry = PriceListEntry.objects.get(product=jacket)
    entry.valid_to = tomorrow
    entry.save()
    PriceListEntryFactory(
        price_list=entry.price_list, product=jacket, amount=Decimal("900.00"), valid_from=tomorrow
    )
    labels = labels_for_price_changes(store=world.cph, channel=world.pos, at=now)
    assert [(label.product.sku, label.price.price.price) for label in labels] == [
        ("JACKET", Decimal("900.00"))
    ]


def test_labels_print_page_shows_prior_price_unit_price_and_barcode(clerk, world):
    now = timezone.now()
    tomorrow, _ = store_day_bounds(store=world.cph, at=now, days=1)
    mug = world.p("MUG")
    mug.unit_measure, mug.unit_quantity = "l", Decimal("0.500")
    mug.save()
    _campaign(world, mug, starts=tomorrow, ends=tomorrow + timedelta(days=7))
    page = clerk.get(reverse("pricing_store:labels_print"), {"changes": "tomorrow"})
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="label"') == 1
    assert 'data-testid="label-price">60.00' in body
    assert "Lowest price in the last 30 days: 80.00 DKK" in body
    assert "120.00 DKK per litre" in body
    assert "Campaign SPRING" in body
    label = body.split('data-testid="label"')[1]
    assert "<svg" in label and 'class="barcode"' in label


def test_labels_print_for_chosen_codes_names_unknown_ones(clerk, world):
    page = clerk.get(reverse("pricing_store:labels_print"), {"codes": "MUG\nSHIRT\nNOPE-1"})
    body = page.content.decode()
    assert body.count('data-testid="label"') == 2
    assert 'data-testid="labels-unknown"' in body and "NOPE-1" in body


def test_labels_page_searches_by_name(clerk, world):
    body = clerk.get(reverse("pricing_store:labels"), {"q": world.p("MUG").name[:3]}).content
    assert world.p("MUG").sku in body.decode()
