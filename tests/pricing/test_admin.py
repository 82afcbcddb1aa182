"""The pricing admin: pages load for HQ, price edits leave history, the simulator says what the API
says, coupon exports are spreadsheet-safe, and the price chart is drawn."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from pricing.admin.chart import lowest_series, price_chart_svg
from pricing.admin.exports import csv_safe
from pricing.models import (
    Campaign,
    CouponBatch,
    CouponCode,
    CouponRedemption,
    PriceChange,
    PriceListEntry,
)
from pricing.services.coupons import coupon_redeem
from pricing.services.prices import price_entry_set
from pricing.services.revision import rules_revision_current
from retail.models import Store
from retail.roles import sync_role_groups
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)
from tests.pricing.factories import (
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListFactory,
    ProductSetFactory,
    dk_market,
    join_group,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
PRICING_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "pricing"),
    key=lambda model: model._meta.label,
)
AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def hq(db):
    # ``retail`` syncs the role groups on its own post_migrate only, before pricing's
    # permissions exist; a second ``migrate`` (or this call) gives HQ ``pricing.*``.
    sync_role_groups()
    return make_staff("hq", username="hq-pricing")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-for-tests")


@pytest.fixture
def graph(hq):
    """One row of every pricing model, made the way the system makes them."""
    channel = dk_market()
    store = StoreFactory(code="DK-CPH01")
    members = CustomerGroupFactory(code="MEMBER")
    public = PriceListFactory(code="PUBLIC-DK", channels=[channel])
    mug = ProductFactory(sku="MUG", name="Mug")
    price_entry_set(
        price_list=public,
        product=mug,
        amount=Decimal("50.00"),
        valid_from=AT - timedelta(days=100),
        user=hq,
        source=PriceChange.Source.ADMIN,
    )
    mugs = ProductSetFactory(code="MUGS", products=[mug])
    campaign = CampaignFactory(
        code="MUGS-10",
        channels=[channel],
        stores=[store],
        customer_groups=[members],
        requires_coupon=True,
        targets=[{"product_set": mugs}],
    )
    CouponCodeFactory(code="MUG10", campaign=campaign, max_uses=5)
    customer = CustomerFactory()
    join_group(customer, members)
    coupon_redeem(code="MUG10", customer=customer, channel=channel, source_key="order-1")
    CouponBatch.objects.create(campaign=campaign, name="Spring", size=0, created_at=AT)
    return {"channel": channel, "public": public, "mug": mug, "campaign": campaign}


@pytest.mark.parametrize("model", PRICING_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "hq"])
def test_admin_pricing_pages_load_for_hq(client, graph, request, who, model):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(model, "changelist")).status_code == 200
    addable = model not in (PriceChange, CouponRedemption, CouponBatch)
    assert client.get(_url(model, "add")).status_code == (200 if addable else 403)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, "the graph fixture should create one row of every pricing model"
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


def test_admin_store_manager_sees_no_pricing(client, graph):
    client.force_login(make_staff("store_manager", stores=[StoreFactory()], username="mgr"))
    assert client.get(_url(Campaign, "changelist")).status_code == 403
    assert client.get(reverse("pricing_admin:simulator")).status_code == 403


# ---- price entries and their history -------------------------------------------------------


def _entry_form(entry_list, product, amount, valid_from, valid_to=None):
    return {
        "price_list": entry_list.pk,
        "product": product.pk,
        "amount": amount,
        "valid_from_0": valid_from.strftime("%Y-%m-%d"),
        "valid_from_1": valid_from.strftime("%H:%M:%S"),
        "valid_to_0": valid_to.strftime("%Y-%m-%d") if valid_to else "",
        "valid_to_1": valid_to.strftime("%H:%M:%S") if valid_to else "",
    }


def test_admin_price_entry_add_and_change_write_history_with_the_user(client, graph, hq):
    client.force_login(hq)
    pan = ProductFactory(sku="PAN")
    response = client.post(
        _url(PriceListEntry, "add"), _entry_form(graph["public"], pan, "199.95", AT)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = PriceListEntry.objects.get(product=pan)
    created = PriceChange.objects.get(product=pan)
    assert (created.kind, created.new_amount, created.changed_by, created.source) == (
        "created",
        Decimal("199.95"),
        hq,
        "admin",
    )
    response = client.post(
        _url(PriceListEntry, "change", entry.pk),
        {"amount": "179.95", "valid_to_0": "", "valid_to_1": ""},
    )
    assert response.status_code == 302
    changed = PriceChange.objects.filter(product=pan).latest("pk")
    assert (changed.kind, changed.old_amount, changed.new_amount, changed.changed_by) == (
        "changed",
        Decimal("199.95"),
        Decimal("179.95"),
        hq,
    )
    page = client.get(_url(PriceListEntry, "change", entry.pk)).content.decode()
    assert "199.95" in page and "179.95" in page and "hq-pricing" in page


def test_admin_price_entry_delete_goes_through_the_service(client, graph, hq):
    client.force_login(hq)
    entry = PriceListEntry.objects.get(product=graph["mug"])
    response = client.post(_url(PriceListEntry, "delete", entry.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not PriceListEntry.objects.filter(pk=entry.pk).exists()
    deleted = PriceChange.objects.filter(product=graph["mug"]).latest("pk")
    assert (deleted.kind, deleted.old_amount, deleted.changed_by) == (
        "deleted",
        Decimal("50.00"),
        hq,
    )


def test_admin_price_entry_overlap_is_shown_not_a_crash(client, graph, hq):
    client.force_login(hq)
    form = _entry_form(graph["public"], graph["mug"], "45.00", AT)
    response = client.post(_url(PriceListEntry, "add"), form, follow=True)
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert PriceListEntry.objects.filter(product=graph["mug"]).count() == 1


def test_admin_price_change_is_read_only(client, graph, hq):
    client.force_login(hq)
    change = PriceChange.objects.first()
    page = client.get(_url(PriceChange, "change", change.pk)).content.decode()
    assert 'name="_save"' not in page


# ---- the price chart ------------------------------------------------------------------------


def test_admin_price_chart_renders_an_svg_with_the_30_day_lowest(client, graph, hq):
    mug, public = graph["mug"], graph["public"]
    entry = PriceListEntry.objects.get(product=mug)
    now = timezone.now()
    price_entry_set(
        price_list=public,
        product=mug,
        amount=entry.amount,
        valid_from=entry.valid_from,
        valid_to=now - timedelta(days=10),
        source="admin",
        at=entry.valid_from,
    )
    price_entry_set(
        price_list=public,
        product=mug,
        amount=Decimal("60.00"),
        valid_from=now - timedelta(days=10),
        source="admin",
        at=entry.valid_from,
    )
    client.force_login(hq)
    response = client.get(
        reverse("admin:pricing_pricelistentry_chart"), {"product": "MUG", "list": "PUBLIC-DK"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<polyline" in page
    assert "Lowest price of the previous 30 days" in page
    assert response.context["lowest_now"] == Decimal("50.00")
    changelist = client.get(_url(PriceListEntry, "changelist")).content.decode()
    assert reverse("admin:pricing_pricelistentry_chart") in changelist


def test_admin_price_chart_without_a_price_says_so(client, graph, hq):
    client.force_login(hq)
    ProductFactory(sku="NEW")
    response = client.get(
        reverse("admin:pricing_pricelistentry_chart"), {"product": "NEW", "list": "PUBLIC-DK"}
    )
    assert "No price in this period." in response.content.decode()


def test_chart_lowest_series_steps_down_at_a_cut_and_up_30_days_after_a_price_ends():
    day = timedelta(days=1)
    start, end = AT - 60 * day, AT
    segments = [
        (AT - 200 * day, AT - 50 * day, Decimal("100")),
        (AT - 50 * day, AT - 40 * day, Decimal("80")),
        (AT - 40 * day, None, Decimal("100")),
    ]
    assert lowest_series(segments, start=start, end=end) == [
        (start, AT - 50 * day, Decimal("100")),
        (AT - 50 * day, AT - 10 * day, Decimal("80")),
        (AT - 10 * day, end, Decimal("100")),
    ]
    svg = price_chart_svg(segments=segments, start=start, end=end, currency="DKK", now=AT)
    assert svg.startswith("<svg") and svg.count("<polyline") == 2


# ---- campaigns and coupons ----------------------------------------------------------------


def test_admin_campaign_actions_change_status_and_the_rules_version(client, graph, hq):
    client.force_login(hq)
    campaign = graph["campaign"]
    before = rules_revision_current()
    url = _url(Campaign, "changelist")
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
    page = client.get(_url(Campaign, "changelist")).content.decode()
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
        _url(CouponCode, "add"),
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
        _url(CouponBatch, "changelist"), {"action": "export_codes", "_selected_action": [batch.pk]}
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
        _url(Campaign, "changelist"),
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
            "at": at.strftime("%Y-%m-%dT%H:%M"),
            "lines": "MUG 4\n",
        },
    )
    assert response.status_code == 200
    assert response.context["result"] is not None, response.context["form"].errors
    assert json.loads(response.context["result_json"]) == api_body
    page = response.content.decode()
    assert f'<strong id="simulator-total">{api_body["total"]}</strong>' in page
    assert api_body["applied_campaigns"] == ["MUG-3FOR2", "MUGS-10"]
    assert api_body["coupons"] == [{"code": "MUG10", "applied": True, "status": "applied"}]
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
