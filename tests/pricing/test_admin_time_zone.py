"""Admin times in the market's local time: HQ in Europe/Copenhagen, store staff in their store's."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from pricing.models import Campaign
from retail.middleware import staff_time_zone
from tests.factories import ProductFactory, StoreFactory, make_staff
from tests.pricing.admin_support import admin_url
from tests.pricing.test_admin_campaign_rules import form_data

pytestmark = pytest.mark.django_db


def _christmas_campaign(client):
    product = ProductFactory(sku="XMAS-1")
    data = form_data({"kind": "percent_off", "percent": "10"}, ((0, False),), products=[product])
    data |= {"valid_from_0": "2026-12-24", "valid_from_1": "00:00:00"}
    return client.post(admin_url(Campaign, "add"), data)


def test_admin_campaign_start_is_read_in_copenhagen_time(client, hq):
    client.force_login(hq)
    response = _christmas_campaign(client)

    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.valid_from == datetime(2026, 12, 23, 23, 0, tzinfo=UTC)
    # ... and shown in it again.
    page = client.get(admin_url(Campaign, "change", campaign.pk)).content.decode()
    assert 'value="2026-12-24"' in page and 'value="00:00:00"' in page
    listing = client.get(admin_url(Campaign, "changelist")).content.decode()
    assert "Dec. 24, 2026, midnight" in listing or "24. december 2026" in listing


@override_settings(RETAIL_ADMIN_TIME_ZONE="Europe/London")
def test_admin_hq_time_zone_is_a_setting(client, hq):
    client.force_login(hq)
    _christmas_campaign(client)
    assert Campaign.objects.get().valid_from == datetime(2026, 12, 24, 0, 0, tzinfo=UTC)


def test_admin_store_staff_read_times_in_their_stores_zone(hq):
    store = StoreFactory(code="FI-HEL01", time_zone="Europe/Helsinki")
    manager = make_staff("store_manager", stores=[store], username="manager-hel")
    assert str(staff_time_zone(manager)) == "Europe/Helsinki"
    assert str(staff_time_zone(hq)) == "Europe/Copenhagen"
