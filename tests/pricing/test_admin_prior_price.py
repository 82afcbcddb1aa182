"""The Omnibus prior price in the admin: the price chart after HQ cuts a price, the simulator."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from pricing.models import PriceListEntry
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory
from tests.pricing.factories import CampaignFactory

pytestmark = pytest.mark.django_db

D0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_admin_price_chart_after_a_price_cut_marks_the_prior_price(client, graph, hq):
    mug, public = graph["mug"], graph["public"]
    entry = PriceListEntry.objects.get(product=mug)
    assert entry.amount == Decimal("50.00")
    # HQ cuts the price now, as the admin's save does (the same service, at now).
    price_entry_set(
        price_list=public,
        product=mug,
        amount=Decimal("40.00"),
        valid_from=entry.valid_from,
        source="admin",
    )
    client.force_login(hq)
    response = client.get(
        reverse("admin:pricing_pricelistentry_chart"), {"product": "MUG", "list": "PUBLIC-DK"}
    )
    assert response.status_code == 200
    assert response.context["prior_now"] == Decimal("50.00")
    # The rolling 30-day lowest now includes the new price; the prior price does not.
    assert response.context["lowest_now"] == Decimal("40.00")
    page = response.content.decode()
    assert 'class="prior-price"' in page and "Prior price 50.00" in page
    assert '<strong id="prior-price-now">50.00 DKK</strong>' in page


def test_admin_simulator_shows_the_prior_price_of_a_running_campaign(client, graph, hq):
    kettle = ProductFactory(sku="KETTLE", gtin=False)
    for amount, start, end in (("100.00", -100, 40), ("120.00", 40, None)):
        price_entry_set(
            price_list=graph["public"],
            product=kettle,
            amount=Decimal(amount),
            valid_from=D0 + timedelta(days=start),
            valid_to=D0 + timedelta(days=end) if end is not None else None,
            source="admin",
            at=D0 - timedelta(days=100),
        )
    CampaignFactory(
        code="KETTLE-20",
        percent=Decimal(20),
        valid_from=D0 + timedelta(days=50),
        targets=[{"product": kettle}],
    )
    client.force_login(hq)
    response = client.post(
        reverse("pricing_admin:simulator"),
        {
            "channel": graph["channel"].pk,
            "at": (D0 + timedelta(days=75)).strftime("%Y-%m-%dT%H:%M"),
            "lines": "KETTLE 1\n",
        },
    )
    assert response.context["result"] is not None, response.context["form"].errors
    (line,) = response.context["result"]["lines"]
    assert (line["total"], line["prior_price"], line["lowest_price_30d"]) == (
        "96.00",
        "100.00",
        "120.00",
    )
    assert "Prior price (Omnibus)" in response.content.decode()
