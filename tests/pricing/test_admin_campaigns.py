"""The pricing admin for campaigns: status actions, coupon batches, spreadsheet-safe exports,
and a simulator that says what the API says.

The ``hq`` user and the ``graph`` of one row of every pricing model are fixtures of
tests/pricing/conftest.py.
"""

import csv
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from pricing.admin.exports import csv_safe
from pricing.models import Campaign, CouponBatch, CouponCode
from pricing.services.revision import rules_revision_current
from retail.models import Store
from tests.factories import CustomerFactory, make_api_client
from tests.pricing.admin_support import AT, admin_url
from tests.pricing.factories import CampaignFactory, CustomerGroupFactory, join_group

pytestmark = pytest.mark.django_db


# ---- campaigns and coupons ----------------------------------------------------------------


def test_admin_campaign_actions_change_status_and_the_rules_version(client, graph, hq):
    client.force_login(hq)
    campaign = graph["campaign"]
    before = rules_revision_current()
    url = admin_url(Campaign, "changelist")
    client.post(url, {"action": "pause", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    assert rules_revision_current() > before
    client.post(url, {"action": "activate", "_selected_action": [campaign.pk]})
    client.post(url, {"action": "end", "_selected_action": [campaign.pk]})
    client.post(url, {"action": "activate", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ENDED  # an ended campaign stays ended


def test_admin_campaign_changelist_links_the_simulator(client, graph, hq):
    client.force_login(hq)
    page = client.get(admin_url(Campaign, "changelist")).content.decode()
    assert reverse("pricing_admin:simulator") in page


def test_admin_generate_coupon_batch_makes_unique_codes(client, graph, hq):
    client.force_login(hq)
    campaign = graph["campaign"]
    url = reverse("admin:pricing_campaign_coupon_batch", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"size": 25, "prefix": "SPR", "name": "", "max_uses_per_code": 1})
    assert response.status_code == 302
    batch = CouponBatch.objects.get(campaign=campaign, prefix="SPR")
    codes = list(batch.codes.values_list("code", flat=True))
    assert len(set(codes)) == 25 and all(code.startswith("SPR") for code in codes)
    assert batch.created_by == hq
    bad = client.post(url, {"size": 5, "prefix": "bad-prefix!", "max_uses_per_code": 1})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_admin_coupon_code_add_normalises_and_uses_the_service(client, graph, hq):
    client.force_login(hq)
    response = client.post(
        admin_url(CouponCode, "add"),
        {
            "code": " summer25 ",
            "campaign": graph["campaign"].pk,
            "max_uses": "",
            "max_uses_per_customer": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    coupon = CouponCode.objects.get(code="SUMMER25")
    assert coupon.max_uses is None and coupon.max_uses_per_customer == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tX", "'\tX"),
        ("\rX", "'\rX"),
        ("ABC", "ABC"),
        (None, ""),
    ],
)
def test_csv_safe_neutralises_formulas(value, shown):
    assert csv_safe(value) == shown


def test_admin_export_codes_as_csv_neutralises_formulas(client, graph, hq):
    campaign = graph["campaign"]
    batch = CouponBatch.objects.create(
        campaign=campaign, name="=HYPERLINK(evil)", size=2, created_at=AT
    )
    CouponCode.objects.create(code="=CMD|CALC", campaign=campaign, batch=batch, max_uses=1)
    CouponCode.objects.create(code="PLAIN1", campaign=campaign, batch=batch, max_uses=1)
    client.force_login(hq)
    response = client.post(
        admin_url(CouponBatch, "changelist"),
        {"action": "export_codes", "_selected_action": [batch.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["code", "campaign", "batch"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"'=CMD|CALC", "PLAIN1"}
    assert by_code["PLAIN1"][2] == "'=HYPERLINK(evil)"


def test_admin_export_codes_of_selected_campaigns(client, graph, hq):
    client.force_login(hq)
    response = client.post(
        admin_url(Campaign, "changelist"),
        {"action": "export_codes", "_selected_action": [graph["campaign"].pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[:2] for row in rows[1:]] == [["MUG10", "MUGS-10"]]


# ---- the price simulator --------------------------------------------------------------------


def test_admin_simulator_shows_exactly_what_the_api_returns(client, graph, hq):
    channel, mug = graph["channel"], graph["mug"]
    CampaignFactory(
        code="MUG-3FOR2",
        kind="multibuy",
        percent=None,
        buy_quantity=3,
        pay_quantity=2,
        targets=[{"product": mug}],
    )
    customer = CustomerFactory(member_number="70000001")
    join_group(customer, CustomerGroupFactory(code="MEMBER"))
    _, key = make_api_client(channel=channel)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    at = timezone.now().replace(second=0, microsecond=0)
    api_body = api.post(
        "/api/v1/pricing/basket/",
        {
            "lines": [{"sku": "MUG", "quantity": 4}],
            "customer": str(customer.public_id),
            "store": "DK-CPH01",
            "coupons": ["MUG10"],
            "at": at.isoformat(),
        },
        format="json",
    ).json()
    client.force_login(hq)
    response = client.post(
        reverse("pricing_admin:simulator"),
        {
            "channel": channel.pk,
            "store": Store.objects.get(code="DK-CPH01").pk,
            "customer": "70000001",
            "coupons": "mug10",
            # Typed in HQ's admin time zone (RETAIL_ADMIN_TIME_ZONE).
            "at": at.astimezone(ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m-%dT%H:%M"),
            "lines": "MUG 4\n",
        },
    )
    assert response.status_code == 200
    assert response.context["result"] is not None, response.context["form"].errors
    assert json.loads(response.context["result_json"]) == api_body
    page = response.content.decode()
    assert f'<strong id="simulator-total">{api_body["total"]}</strong>' in page
    assert api_body["applied_campaigns"] == ["MUG-3FOR2", "MUGS-10"]
    assert api_body["coupons"] == [
        {"code": "MUG10", "applied": True, "status": "applied", "reason": None, "message": ""}
    ]
    assert "MUG-3FOR2" in page and "MUGS-10" in page


def test_admin_simulator_names_the_line_of_an_error(client, graph, hq):
    client.force_login(hq)
    response = client.post(
        reverse("pricing_admin:simulator"),
        {"channel": graph["channel"].pk, "lines": "MUG 1\nNOPE 2"},
    )
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "Line 2:" in str(response.context["form"].errors["lines"])


def test_admin_simulator_rejects_an_unreadable_line(client, graph, hq):
    client.force_login(hq)
    response = client.post(
        reverse("pricing_admin:simulator"),
        {"channel": graph["channel"].pk, "lines": "MUG two"},
    )
    assert "Line 1" in str(response.context["form"].errors["lines"])


def test_admin_simulator_unknown_customer_is_a_form_error(client, graph, hq):
    client.force_login(hq)
    response = client.post(
        reverse("pricing_admin:simulator"),
        {"channel": graph["channel"].pk, "customer": "nobody@example.com", "lines": "MUG"},
    )
    assert "customer" in response.context["form"].errors


def test_admin_campaign_change_form_cannot_change_the_status(client, graph, hq):
    """Status moves only through the actions (campaign_status_set), never by editing the form."""
    campaign = graph["campaign"]
    client.force_login(hq)
    page = client.get(admin_url(Campaign, "change", campaign.pk))
    assert "status" not in page.context["adminform"].form.fields
    assert "status" in client.get(admin_url(Campaign, "add")).context["adminform"].form.fields
