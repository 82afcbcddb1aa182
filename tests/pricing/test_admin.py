"""The pricing admin: pages load for HQ, price edits leave history, and the price chart is drawn.

Campaigns, coupons and the simulator are in test_admin_campaigns.py; the ``hq`` user and the
``graph`` of one row of every pricing model are fixtures of tests/pricing/conftest.py.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pricing.admin.chart import lowest_series, price_chart_svg
from pricing.models import Campaign, CouponBatch, CouponRedemption, PriceChange, PriceListEntry
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory, StoreFactory, make_staff
from tests.pricing.admin_support import AT, admin_url

pytestmark = pytest.mark.django_db

User = get_user_model()
PRICING_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "pricing"),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-for-tests")


@pytest.mark.parametrize("model", PRICING_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "hq"])
def test_admin_pricing_pages_load_for_hq(client, graph, request, who, model):
    client.force_login(request.getfixturevalue(who))
    assert client.get(admin_url(model, "changelist")).status_code == 200
    addable = model not in (PriceChange, CouponRedemption, CouponBatch)
    assert client.get(admin_url(model, "add")).status_code == (200 if addable else 403)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, "the graph fixture should create one row of every pricing model"
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_admin_store_manager_sees_no_pricing(client, graph):
    client.force_login(make_staff("store_manager", stores=[StoreFactory()], username="mgr"))
    assert client.get(admin_url(Campaign, "changelist")).status_code == 403
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
        admin_url(PriceListEntry, "add"), _entry_form(graph["public"], pan, "199.95", AT)
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
        admin_url(PriceListEntry, "change", entry.pk),
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
    page = client.get(admin_url(PriceListEntry, "change", entry.pk)).content.decode()
    assert "199.95" in page and "179.95" in page and "hq-pricing" in page


def test_admin_price_entry_delete_goes_through_the_service(client, graph, hq):
    client.force_login(hq)
    entry = PriceListEntry.objects.get(product=graph["mug"])
    response = client.post(admin_url(PriceListEntry, "delete", entry.pk), {"post": "yes"})
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
    response = client.post(admin_url(PriceListEntry, "add"), form, follow=True)
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert PriceListEntry.objects.filter(product=graph["mug"]).count() == 1


def test_admin_price_change_is_read_only(client, graph, hq):
    client.force_login(hq)
    change = PriceChange.objects.first()
    page = client.get(admin_url(PriceChange, "change", change.pk)).content.decode()
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
    changelist = client.get(admin_url(PriceListEntry, "changelist")).content.decode()
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
