"""The product page in the admin sums up prices, the campaign price, the prior price and stock.

``retail`` shows the panels pricing and inventory register with it
(``retail.admin.product_panels``); the figures are the API's.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.services.movements import stock_receive
from inventory.services.reserve import stock_reserve
from pricing.models import PriceChange
from pricing.services.prices import price_entry_set
from retail.roles import sync_role_groups
from tests.factories import ProductFactory, StoreFactory, make_staff
from tests.pricing.factories import CampaignFactory, PriceListFactory, dk_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug():
    sync_role_groups()
    now = timezone.now()
    channel = dk_market()
    public = PriceListFactory(code="PUBLIC-DK", channels=[channel])
    product = ProductFactory(sku="MUG", name="Mug")
    price_entry_set(
        price_list=public,
        product=product,
        amount=Decimal("100.00"),
        valid_from=now - timedelta(days=60),
        source=PriceChange.Source.ADMIN,
        at=now - timedelta(days=61),  # known since then: the prior price counts it
    )
    CampaignFactory(
        code="MUG-10",
        name="Mugs 10 % off",
        percent=Decimal(10),
        valid_from=now - timedelta(days=5),
        channels=[channel],
        targets=[{"product": product}],
    )
    stores = [StoreFactory(code=code) for code in ("DK-CPH01", "DK-ROS01", "DK-ODE01")]
    for store, quantity in zip(stores, (7, 3, 1), strict=True):
        stock_receive(location=store, product=product, quantity=quantity, source_key=store.code)
    stock_reserve(location=stores[0], lines=[(product, 2)], reference_kind="order", reference="o1")
    return product


def test_admin_product_page_shows_prices_campaign_prior_price_and_stock(client, mug):
    client.force_login(make_staff("hq", username="hq-products"))
    response = client.get(reverse("admin:retail_product_change", args=[mug.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="product-summary"' in page
    list_row = _row(page, 'data-list="PUBLIC-DK"')
    assert "100.00 DKK" in list_row
    channel_row = _row(page, 'data-channel="WEB-DK"')
    cells = _cells(channel_row)
    assert cells[:5] == [
        "WEB-DK",
        "100.00 (PUBLIC-DK)",
        "90.00",
        "Mugs 10 % off (MUG-10)",
        "100.00",
    ]
    assert _cells(_row(page, 'data-location="DK-CPH01"'))[1:] == ["7", "2", "5"]
    assert _cells(_row(page, 'data-location="total"'))[1:] == ["11", "2", "9"]
    chart = reverse("admin:pricing_pricelistentry_chart")
    assert f"{chart}?product=MUG&amp;list=PUBLIC-DK" in page
    assert f"{reverse('admin:pricing_pricechange_changelist')}?q=MUG" in page


def test_admin_new_product_page_has_no_summary(client):
    sync_role_groups()
    client.force_login(make_staff("hq", username="hq-products"))
    page = client.get(reverse("admin:retail_product_add")).content.decode()
    assert 'data-testid="product-summary"' not in page


def _row(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</tr>", start)]


def _cells(row: str) -> list[str]:
    import re

    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", row)]
