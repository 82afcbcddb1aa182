"""The pricing facade: a basket or a listing priced from SKUs and GTINs in a few queries."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pricing.errors import (
    CouponNotFoundError,
    InactiveProductError,
    InvalidQuantityError,
    NoPriceError,
)
from pricing.models import Campaign, CampaignTarget, PriceChange
from pricing.selectors import (
    ProductPrice,
    basket_lines_resolve,
    basket_price,
    campaigns_for_channel,
    prices_lookup,
)
from pricing.services.prices import price_entry_set
from retail.errors import TooManySkusError, UnknownProductError
from retail.gtin import gtin_with_check_digit
from retail.models import ProductGtin
from tests.factories import ChannelFactory, CustomerFactory, ProductFactory, StoreFactory
from tests.pricing.factories import (
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    dk_market,
    join_group,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def web():
    return dk_market()


@pytest.fixture
def dk_list():
    return PriceListFactory(code="DK")


def _product(price_list, amount, **kwargs):
    product = ProductFactory(**kwargs)
    PriceListEntryFactory(price_list=price_list, product=product, amount=Decimal(amount))
    return product


# ---- resolving lines ----------------------------------------------------------------------


def test_basket_lines_resolve_skus_gtins_and_multipacks_in_one_query(
    dk_list, django_assert_num_queries
):
    ean = gtin_with_check_digit("570123456789")
    mug = _product(dk_list, "50.00", sku="MUG-1", gtin=ean)
    can = _product(dk_list, "10.00", sku="COLA", gtin=False)
    six_pack = gtin_with_check_digit("570999000001")
    ProductGtin.objects.create(product=can, gtin=six_pack, pack_quantity=6)
    with django_assert_num_queries(1):
        lines = basket_lines_resolve(
            lines=[(" MUG-1 ", 2), (ean, 1), ("0" + ean, 1), (six_pack, 2)]
        )
    assert [(line.line_id, line.product_id, line.quantity) for line in lines] == [
        ("0", mug.pk, 2),
        ("1", mug.pk, 1),
        ("2", mug.pk, 1),
        ("3", can.pk, 12),
    ]


def test_basket_price_costs_five_queries_whatever_the_number_of_campaigns(
    web, dk_list, django_assert_max_num_queries
):
    members = CustomerGroupFactory(code="MEMBER")
    customer = CustomerFactory()
    join_group(customer, members)
    store = StoreFactory(code="DK-CPH01")
    products = [_product(dk_list, "20.00", sku=f"P{i}") for i in range(10)]
    CouponCodeFactory(code="TEN", max_uses=None, campaign__targets=[{"product": products[0]}])
    lines = [(p.sku, 2) for p in products]

    def priced():
        with django_assert_max_num_queries(5):
            return basket_price(
                lines=lines,
                channel=web,
                store=store,
                customer=customer,
                coupon_codes=["ten"],
                at=AT,
            )

    few = priced()
    for index in range(60):
        CampaignFactory(
            code=f"C{index}",
            percent=Decimal(1),
            customer_groups=[members] if index % 2 else [],
            targets=[{"product": products[index % 10]}],
        )
    many = priced()
    assert few.total > many.total


@pytest.mark.parametrize("quantity", [0, -1, 10_000, "2", 1.5, True, None])
def test_basket_lines_resolve_rejects_bad_quantity_naming_the_line(dk_list, quantity):
    _product(dk_list, "1.00", sku="A")
    with pytest.raises(InvalidQuantityError) as caught:
        basket_lines_resolve(lines=[("A", 1), ("A", quantity)])
    assert caught.value.field == "lines.1.quantity"


def test_basket_lines_resolve_unknown_and_inactive_products_name_the_line(dk_list):
    _product(dk_list, "1.00", sku="A")
    _product(dk_list, "1.00", sku="OLD", is_active=False)
    for code in ("NOPE", "5700000000000", "4006381333931"):
        with pytest.raises(UnknownProductError) as caught:
            basket_lines_resolve(lines=[("A", 1), (code, 1)])
        assert caught.value.field == "lines.1.sku"
        assert caught.value.code == "unknown_product"
    with pytest.raises(InactiveProductError) as caught:
        basket_lines_resolve(lines=[("OLD", 1)])
    assert caught.value.field == "lines.0.sku"


# ---- pricing a basket ---------------------------------------------------------------------


def test_basket_price_applies_member_prices_campaigns_and_coupons(web, dk_list):
    members = CustomerGroupFactory(code="MEMBERS")
    member_list = PriceListFactory(code="MEMBER", priority=10, customer_groups=[members])
    knife = _product(dk_list, "200.00", sku="KNIFE")
    PriceListEntryFactory(price_list=member_list, product=knife, amount=Decimal("180.00"))
    spoon = _product(dk_list, "40.00", sku="SPOON")
    CampaignFactory(code="SPOON-10", percent=Decimal(10), targets=[{"product": spoon}])
    coupon = CouponCodeFactory(code="KNIFE20", max_uses=None)
    coupon.campaign.percent = Decimal(20)
    coupon.campaign.save()
    CampaignTarget.objects.create(campaign=coupon.campaign, product=knife)
    customer = CustomerFactory()
    join_group(customer, members)

    guest = basket_price(lines=[("KNIFE", 1), ("SPOON", 2)], channel=web, at=AT)
    assert [line.total for line in guest.lines] == [Decimal("200.00"), Decimal("72.00")]
    assert guest.total == Decimal("272.00") and guest.currency == "DKK"
    assert guest.lines[1].discounts[0].campaign_code == "SPOON-10"

    member = basket_price(
        lines=[("KNIFE", 1), ("SPOON", 2)],
        channel=web,
        customer=customer,
        coupon_codes=["knife20"],
        at=AT,
    )
    assert member.lines[0].unit_price == Decimal("180.00")
    assert member.lines[0].price_list_code == "MEMBER"
    assert member.lines[0].total == Decimal("144.00")
    assert member.lines[0].discounts[0].coupon_code == "KNIFE20"
    assert [(c.code, c.applied) for c in member.coupons] == [("KNIFE20", True)]


def test_basket_price_errors_name_the_line_or_coupon(web, dk_list):
    _product(dk_list, "1.00", sku="A")
    ProductFactory(sku="NO-PRICE")
    with pytest.raises(UnknownProductError):
        basket_price(lines=[("B", 1)], channel=web, at=AT)
    with pytest.raises(CouponNotFoundError) as caught:
        basket_price(lines=[("A", 1)], channel=web, coupon_codes=["NOPE"], at=AT)
    assert caught.value.field == "coupons.0"
    with pytest.raises(NoPriceError) as caught:
        basket_price(lines=[("A", 1), ("NO-PRICE", 1)], channel=web, at=AT)
    assert caught.value.field == "lines.1"


def test_basket_price_same_answer_in_webshop_and_pos_when_rules_are_channel_agnostic(web, dk_list):
    pos = ChannelFactory(code="POS-DK", kind="pos")
    store = StoreFactory()
    _product(dk_list, "30.00", sku="A")
    _product(dk_list, "20.00", sku="B")
    CampaignFactory(
        code="MULTI",
        kind=Campaign.Kind.MULTIBUY,
        percent=None,
        buy_quantity=3,
        pay_quantity=2,
        targets=[{"product": ProductFactory._meta.model.objects.get(sku="A")}],
    )
    lines = [("A", 3), ("B", 1)]
    online = basket_price(lines=lines, channel=web, at=AT)
    in_store = basket_price(lines=lines, channel=pos, store=store, at=AT)
    assert online == in_store
    assert online.total == Decimal("80.00")


def _basket_queries(lines, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        basket_price(lines=lines, at=AT, **kwargs)
    return len(queries)


def test_basket_price_query_budget_does_not_grow_with_campaigns(web, dk_list):
    store = StoreFactory()
    products = [_product(dk_list, "10.00", gtin=False) for _ in range(20)]
    customer = CustomerFactory()
    join_group(customer, CustomerGroupFactory(code="MEMBERS"))
    CouponCodeFactory(code="WELCOME", max_uses=None, max_uses_per_customer=1)
    lines = [(p.sku, 2) for p in products]
    kwargs = {"channel": web, "store": store, "customer": customer, "coupon_codes": ["WELCOME"]}

    def campaigns(start, n):
        made = Campaign.objects.bulk_create(
            Campaign(
                code=f"C{start + i}",
                name=f"C{i}",
                kind=Campaign.Kind.PERCENT_OFF,
                status=Campaign.Status.ACTIVE,
                percent=Decimal(1 + i % 5),
                stacking=Campaign.Stacking.COMPOUND,
                valid_from=AT - timedelta(days=1),
            )
            for i in range(n)
        )
        CampaignTarget.objects.bulk_create(
            CampaignTarget(
                campaign=c,
                product=products[i % 40] if i % 40 < 20 else None,
                brand=None if i % 40 < 20 else products[0].brand,
            )
            for i, c in enumerate(made)
        )

    campaigns(0, 10)
    small = _basket_queries(lines, **kwargs)
    campaigns(10, 290)
    large = _basket_queries(lines, **kwargs)
    assert small == large <= 8


# ---- listing prices --------------------------------------------------------------------------


def test_prices_lookup_price_ordinary_price_lowest_30d_and_campaigns(web, dk_list):
    members = CustomerGroupFactory(code="MEMBERS")
    member_list = PriceListFactory(code="MEMBER", priority=10, customer_groups=[members])
    knife = ProductFactory(sku="KNIFE", gtin=False)
    for amount, start, changed in (
        ("150.00", AT - timedelta(days=60), AT - timedelta(days=60)),
        ("120.00", AT - timedelta(days=60), AT - timedelta(days=20)),
    ):
        price_entry_set(
            price_list=dk_list,
            product=knife,
            amount=Decimal(amount),
            valid_from=start,
            source=PriceChange.Source.ADMIN,
            at=changed,
        )
    PriceListEntryFactory(price_list=member_list, product=knife, amount=Decimal("110.00"))
    spoon = _product(dk_list, "40.00", sku="SPOON", gtin=False)
    _product(PriceListFactory(code="SE", currency="SEK"), "1.00", sku="SWEDISH", gtin=False)
    CampaignFactory(code="KNIFE-10", percent=Decimal(10), targets=[{"product": knife}])
    CampaignFactory(
        code="MULTI",
        kind="multibuy",
        percent=None,
        price=Decimal(50),
        currency="DKK",
        buy_quantity=2,
        targets=[{"product": spoon}],
    )

    guest = prices_lookup(skus=["SPOON", "KNIFE", "SWEDISH", "KNIFE"], channel=web, at=AT)
    assert guest == [
        ProductPrice(
            sku="SPOON",
            currency="DKK",
            price=Decimal("40.00"),
            ordinary_price=Decimal("40.00"),
            price_list_code="DK",
            lowest_price_30d=Decimal("40.00"),
            campaign_codes=(),
        ),
        ProductPrice(
            sku="KNIFE",
            currency="DKK",
            price=Decimal("108.00"),
            ordinary_price=Decimal("120.00"),
            price_list_code="DK",
            lowest_price_30d=Decimal("120.00"),
            campaign_codes=("KNIFE-10",),
        ),
    ]
    customer = CustomerFactory()
    join_group(customer, members)
    (member,) = prices_lookup(skus=["KNIFE"], channel=web, customer=customer, at=AT)
    assert (member.price, member.ordinary_price, member.price_list_code) == (
        Decimal("99.00"),
        Decimal("110.00"),
        "MEMBER",
    )
    # The Omnibus price is the public one, whoever asks.
    assert member.lowest_price_30d == Decimal("120.00")


def test_prices_lookup_query_count_is_constant(web, dk_list):
    products = [_product(dk_list, "10.00", gtin=False) for _ in range(40)]
    for product in products[:20]:
        CampaignFactory(targets=[{"product": product}])
    customer = CustomerFactory()

    def count(skus):
        with CaptureQueriesContext(connection) as queries:
            prices_lookup(skus=skus, channel=web, customer=customer, at=AT)
        return len(queries)

    few = count([p.sku for p in products[:3]])
    many = count([p.sku for p in products])
    assert few == many <= 9


def test_prices_lookup_errors(web, dk_list):
    _product(dk_list, "1.00", sku="A", gtin=False)
    _product(dk_list, "1.00", sku="OLD", gtin=False, is_active=False)
    with pytest.raises(UnknownProductError) as caught:
        prices_lookup(skus=["A", "NOPE"], channel=web)
    assert caught.value.field == "skus.1"
    with pytest.raises(InactiveProductError) as caught:
        prices_lookup(skus=["OLD"], channel=web)
    assert caught.value.field == "skus.0"
    with pytest.raises(TooManySkusError):
        prices_lookup(skus=["A"] * 501, channel=web)


# ---- offers ----------------------------------------------------------------------------------


def test_campaigns_for_channel_lists_active_campaigns_in_force_for_it(web):
    pos = ChannelFactory(code="POS-DK", kind="pos")
    CampaignFactory(code="ALL", priority=1)
    CampaignFactory(code="WEB", channels=[web])
    CampaignFactory(code="BOTH", channels=[web, pos], priority=5)
    CampaignFactory(code="POS", channels=[pos])
    CampaignFactory(code="SEK", currency="SEK", amount=Decimal(5), kind="amount_off")
    CampaignFactory(code="DRAFT", status=Campaign.Status.DRAFT)
    CampaignFactory(code="LATER", valid_from=AT + timedelta(days=1))
    CampaignFactory(code="OVER", valid_to=AT)
    codes = list(campaigns_for_channel(channel=web, at=AT).values_list("code", flat=True))
    assert codes == ["BOTH", "ALL", "WEB"]
