"""What the database and model validation refuse, whatever the code does."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from retail.models import OpeningHours, Product, ProductGtin, SpecialOpeningHours, Store, VatRate
from tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    VatClassFactory,
)

pytestmark = pytest.mark.django_db


def _integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_product_duplicate_sku_is_refused():
    product = ProductFactory(sku="SKU-1")
    _integrity(
        lambda: Product.objects.create(
            sku="SKU-1", name="Dup", category=product.category, vat_class=product.vat_class
        )
    )


def test_product_negative_cost_is_refused_by_database():
    product = ProductFactory()
    _integrity(lambda: Product.objects.filter(pk=product.pk).update(unit_cost_amount=Decimal("-1")))


@pytest.mark.parametrize("gtin", ["5701234567890", "570123456789", "ABC1234567890", "12345"])
def test_gtin_bad_check_digit_or_shape_fails_validation(gtin):
    product = ProductFactory(gtin=False)
    with pytest.raises(ValidationError) as info:
        ProductGtin(product=product, gtin=gtin).full_clean()
    assert "gtin" in info.value.message_dict


@pytest.mark.parametrize("gtin", ["96385074", "036000291452", "5701234567899", "15701234567896"])
def test_gtin_valid_lengths_are_accepted_and_normalised(gtin):
    product = ProductFactory(gtin=False)
    row = ProductGtin(product=product, gtin=gtin)
    row.full_clean()
    row.save()
    assert row.gtin14 == gtin.zfill(14)


def test_gtin_same_item_as_upc_and_ean_is_one_barcode():
    product = ProductFactory(gtin="036000291452")
    with pytest.raises(ValidationError):
        ProductGtin(product=product, gtin="0036000291452").full_clean()
    _integrity(lambda: ProductGtin.objects.create(product=product, gtin="0036000291452"))


def test_gtin_only_digits_reach_the_database():
    product = ProductFactory(gtin=False)
    _integrity(
        lambda: ProductGtin.objects.bulk_create(
            [ProductGtin(product=product, gtin="x", gtin14="ABCDEFGHIJKLMN")]
        )
    )


def test_gtin_one_primary_per_product():
    product = ProductFactory(gtin="5701234567899")
    _integrity(
        lambda: ProductGtin.objects.create(product=product, gtin="96385074", is_primary=True)
    )


def test_vat_rate_valid_to_before_valid_from_is_refused():
    vat = VatClassFactory()
    bad = VatRate(
        country="DK",
        vat_class=vat,
        rate=Decimal("25"),
        valid_from=date(2026, 5, 1),
        valid_to=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as info:
        bad.full_clean()
    assert "'Valid to' must be after 'valid from'." in str(info.value)
    _integrity(bad.save)


def test_vat_rate_overlapping_periods_fail_validation():
    vat = VatClassFactory(code="FOOD")
    VatRate.objects.create(
        country="SE",
        vat_class=vat,
        rate=Decimal("12"),
        valid_from=date(2020, 1, 1),
        valid_to=date(2026, 4, 1),
    )
    VatRate.objects.create(
        country="SE", vat_class=vat, rate=Decimal("6"), valid_from=date(2026, 4, 1)
    )
    overlapping = VatRate(
        country="SE",
        vat_class=vat,
        rate=Decimal("25"),
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 6, 1),
    )
    with pytest.raises(ValidationError) as info:
        overlapping.full_clean()
    assert "overlaps" in str(info.value)
    # Another country, or the same class after the gap closes, is fine.
    VatRate(
        country="NO", vat_class=vat, rate=Decimal("15"), valid_from=date(2025, 1, 1)
    ).full_clean()


@pytest.mark.postgres
def test_vat_rate_overlap_is_impossible_in_postgresql():
    vat = VatClassFactory()
    VatRate.objects.create(
        country="DK", vat_class=vat, rate=Decimal("25"), valid_from=date(2020, 1, 1)
    )
    _integrity(
        lambda: VatRate.objects.create(
            country="DK", vat_class=vat, rate=Decimal("20"), valid_from=date(2024, 1, 1)
        )
    )


def test_vat_rate_percent_range():
    vat = VatClassFactory()
    _integrity(
        lambda: VatRate.objects.create(
            country="DK", vat_class=vat, rate=Decimal("100"), valid_from=date(2020, 1, 1)
        )
    )


def test_store_warehouse_cannot_offer_click_and_collect():
    _integrity(lambda: StoreFactory(code="WH1", kind=Store.Kind.WAREHOUSE, click_and_collect=True))


def test_store_coordinates_must_be_on_earth():
    _integrity(lambda: StoreFactory(code="X1", latitude=Decimal("91")))


def test_store_time_zone_must_exist():
    store = StoreFactory.build(code="TZ1", time_zone="Europe/Atlantis")
    with pytest.raises(ValidationError) as info:
        store.full_clean()
    assert "time_zone" in info.value.message_dict


def test_opening_hours_close_after_open():
    store = StoreFactory()
    _integrity(
        lambda: OpeningHours.objects.create(
            store=store, weekday=0, opens_at=time(18), closes_at=time(9)
        )
    )
    _integrity(
        lambda: OpeningHours.objects.create(
            store=store, weekday=7, opens_at=time(9), closes_at=time(18)
        )
    )


def test_special_hours_closed_day_has_no_times():
    store = StoreFactory()
    SpecialOpeningHours.objects.create(store=store, date=date(2026, 12, 24), is_closed=True)
    _integrity(
        lambda: SpecialOpeningHours.objects.create(
            store=store, date=date(2026, 12, 31), is_closed=True, opens_at=time(9)
        )
    )
    _integrity(
        lambda: SpecialOpeningHours.objects.create(
            store=store, date=date(2026, 12, 30), is_closed=False
        )
    )


def test_customer_email_is_unique_whatever_the_case():
    CustomerFactory(email="Anna@Example.dk")
    _integrity(lambda: CustomerFactory(email="anna@example.dk"))
    CustomerFactory(email="")
    CustomerFactory(email="")  # many customers without e-mail are fine


def test_customer_consent_needs_a_timestamp():
    _integrity(
        lambda: CustomerFactory(email_marketing_consent=True, email_marketing_consent_at=None)
    )


def test_category_tree_descendants():
    root = CategoryFactory(code="FOOD")
    coffee = CategoryFactory(code="COFFEE", parent=root)
    beans = CategoryFactory(code="BEANS", parent=coffee)
    assert list(type(root).objects.get_descendants(root)) == [coffee, beans]
