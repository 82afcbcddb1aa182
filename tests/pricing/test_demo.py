"""The demo seed's pricing: lists for three markets, a lived-in price history, campaigns of
every kind around today, coupon codes; deterministic and never twice."""

import io
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from rest_framework.test import APIClient

from pricing.demo.campaign_plans import campaign_plans
from pricing.demo.prices import (
    BASE_FROM,
    Change,
    ProductRow,
    segments,
    shop_price,
    waves,
)
from pricing.models import (
    Campaign,
    CouponBatch,
    CouponCode,
    PriceChange,
    PriceList,
    PriceListEntry,
    ProductSet,
)
from pricing.services.omnibus import lowest_price_30d
from pricing.validation import TargetSpec, campaign_problems, campaign_values
from retail.demo.builder import DEMO_EPOCH, SeedConfig, SeedContext
from retail.models import Channel, Product
from tests.factories import make_api_client

SMALL = ("--stores", "4", "--products", "200", "--customers", "30")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", *SMALL, "--no-progress", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_seed_prices_lists_for_three_markets_members_and_a_contract(seeded):
    lists = {
        pl.code: pl for pl in PriceList.objects.prefetch_related("channels", "customer_groups")
    }
    for code, currency, country in (
        ("PUBLIC-DK", "DKK", "DK"),
        ("PUBLIC-SE", "SEK", "SE"),
        ("PUBLIC-NO", "NOK", "NO"),
    ):
        public = lists[code]
        assert public.currency == currency and not public.customer_groups.exists()
        assert {c.country.code for c in public.channels.all()} == {country}
    assert [g.code for g in lists["MEMBER-DK"].customer_groups.all()] == ["MEMBER"]
    assert [g.code for g in lists["B2B-ACME"].customer_groups.all()] == ["B2B-ACME"]
    assert lists["B2B-ACME"].priority > lists["MEMBER-DK"].priority > lists["PUBLIC-DK"].priority


def test_seed_prices_every_product_has_a_shop_price_now_in_every_market(seeded):
    now = timezone.now()
    in_force = PriceListEntry.objects.filter(valid_from__lte=now).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )
    products = Product.objects.count()
    for code in ("PUBLIC-DK", "PUBLIC-SE", "PUBLIC-NO"):
        amounts = list(in_force.filter(price_list__code=code).values_list("amount", flat=True))
        assert len(amounts) == products
        assert all(a % 1 in (Decimal("0.95"), Decimal("0.00")) for a in amounts)
    member = in_force.filter(price_list__code="MEMBER-DK").count()
    assert 0.03 * products < member < 0.15 * products


def test_seed_prices_history_has_past_cuts_and_scheduled_changes(seeded):
    now = timezone.now()
    entries = PriceListEntry.objects.filter(price_list__code="PUBLIC-DK")
    assert entries.filter(valid_from=BASE_FROM).count() == Product.objects.count()
    assert entries.filter(valid_from=DEMO_EPOCH).exists()
    assert entries.filter(valid_from__gt=now).exists(), "a change scheduled after today"
    # Sweden passes its food VAT cut of 1 April 2026 on to food prices.
    assert PriceListEntry.objects.filter(
        price_list__code="PUBLIC-SE", valid_from__date="2026-04-01"
    ).exists()
    assert not PriceChange.objects.exclude(source=PriceChange.Source.SEED).exists()
    assert PriceChange.objects.filter(kind="created").count() == PriceListEntry.objects.count()
    # A sale that ended days ago: the 30-day lowest (Omnibus) is below today's price.
    ended = entries.filter(valid_from__gt=now - timedelta(days=30), valid_to__lte=now)
    sale = ended.order_by("product_id").first()
    assert sale is not None
    lowest = lowest_price_30d(product_ids=[sale.product_id], price_list_codes=["PUBLIC-DK"])
    current = entries.get(product_id=sale.product_id, valid_to__isnull=True).amount
    assert lowest[(sale.product_id, "PUBLIC-DK")] < current


def test_seed_campaigns_of_every_kind_policy_and_status_around_today(seeded):
    campaigns = Campaign.objects.all()
    assert 190 <= campaigns.count() <= 210
    assert set(campaigns.values_list("kind", flat=True)) == set(Campaign.Kind.values)
    assert set(campaigns.values_list("stacking", flat=True)) == set(Campaign.Stacking.values)
    assert set(campaigns.values_list("status", flat=True)) == set(Campaign.Status.values)
    now = timezone.now()
    live = campaigns.filter(status="active", valid_from__lte=now).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )
    assert live.count() > 100
    assert live.filter(customer_groups__code="MEMBER").exists()
    assert campaigns.filter(requires_coupon=True).count() >= 4
    assert ProductSet.objects.filter(products__isnull=False).distinct().count() >= 6
    bundle = campaigns.filter(kind="bundle").first()
    assert set(bundle.targets.values_list("group", flat=True)) >= {1, 2}
    for campaign in campaigns.exclude(kind="spend_threshold").exclude(kind="gift_with_purchase"):
        assert campaign.targets.exists(), campaign.code
    # Every demo campaign is one the admin and the import would accept (pricing.validation).
    for campaign in campaigns.prefetch_related("targets"):
        targets = [TargetSpec(group=t.group, exclude=t.exclude) for t in campaign.targets.all()]
        problems = campaign_problems(values=campaign_values(campaign), targets=targets)
        assert problems == [], (campaign.code, problems)


def test_seed_coupons_welcome_codes_and_a_batch_of_single_use_codes(seeded):
    welcome = CouponCode.objects.get(code="WELCOME10")
    assert welcome.max_uses is None and welcome.max_uses_per_customer == 1
    assert CouponCode.objects.filter(code__in=["VALKOMMEN10", "VELKOMMEN10"]).count() == 2
    batch = CouponBatch.objects.get(campaign__code="DK-PERSONAL-100")
    codes = batch.codes.all()
    assert codes.count() == 100 and all(code.max_uses == 1 for code in codes)


def test_seed_a_basket_through_the_api_gets_its_discounts(seeded):
    _, key = make_api_client(channel=Channel.objects.get(code="WEB-DK"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    skus = Product.objects.filter(is_active=True).order_by("sku").values_list("sku", flat=True)
    lines = [{"sku": sku, "quantity": 3} for sku in skus[:40]]
    response = api.post(
        "/api/v1/pricing/basket/", {"lines": lines, "coupons": ["WELCOME10"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert Decimal(body["discount_total"]) > 0
    assert body["coupons"] == [
        {"code": "WELCOME10", "applied": True, "status": "applied", "reason": None, "message": ""}
    ]
    assert len(body["applied_campaigns"]) >= 2


def test_seed_twice_adds_nothing(seeded):
    before = row_counts()
    again = seed()
    assert row_counts() == before
    assert "; 0 rows created in this run." in again


def test_shop_price_ends_in_95_or_9_00():
    assert shop_price(Decimal("39.40"), department="FOOD") == Decimal("38.95")
    assert shop_price(Decimal("312.00"), department="FOOD") == Decimal("311.95")
    assert shop_price(Decimal("312.00"), department="HOME") == Decimal("309")
    assert shop_price(Decimal("1234.00"), department="SPORT") == Decimal("1249")
    assert shop_price(Decimal("0.40"), department="HOME") == Decimal("4.95")


def test_waves_create_each_entry_once_without_overlaps_when_its_change_was_entered():
    day = timedelta(days=1)
    today = DEMO_EPOCH + 300 * day
    cut = [
        Change(today - 20 * day, Decimal("0.8"), today - 22 * day),
        Change(today - 5 * day, Decimal("1.25"), today - 22 * day),
    ]
    planned = waves(Decimal("100"), cut, department="FOOD")
    assert sorted(planned) == [min(planned), today - 22 * day]
    rows = [row for moment in sorted(planned) for row in planned[moment]]
    assert rows == segments(Decimal("100"), cut, department="FOOD")
    assert [amount for *_, amount in rows] == [Decimal("99.95"), Decimal("79.95"), Decimal("99.95")]
    for (_, end, _), (start, _, _) in pairwise(rows):
        assert end == start


def test_campaign_plans_are_the_same_for_the_same_seed_and_day():
    ctx = SeedContext(config=SeedConfig(seed=7))
    product = ProductRow(1, "SKU-000001", "Mug", "FOOD", "FOOD", Decimal(20), "DKK")
    first = campaign_plans(rng=ctx.rng, products=[product], today=DEMO_EPOCH)
    again = campaign_plans(rng=ctx.rng, products=[product], today=DEMO_EPOCH)
    assert first == again
    assert len({plan.code for plan in first}) == len(first)
