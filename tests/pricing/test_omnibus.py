"""Omnibus: the lowest price of the last 30 days, from entries and their edit history."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pricing.models import PriceChange, PriceListEntry
from pricing.services.omnibus import PriceSegment, lowest_price_30d, price_timeline
from pricing.services.prices import price_entry_delete, price_entry_set
from tests.factories import ProductFactory
from tests.pricing.factories import CustomerGroupFactory, PriceListEntryFactory, PriceListFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def dk():
    return PriceListFactory(code="DK")


@pytest.fixture
def product():
    return ProductFactory(gtin=False)


def _set(price_list, product, amount, valid_from, valid_to=None, at=None):
    """Set a price as HQ would have at ``at`` (default: the day the price starts)."""
    return price_entry_set(
        price_list=price_list,
        product=product,
        amount=Decimal(amount),
        valid_from=valid_from,
        valid_to=valid_to,
        source=PriceChange.Source.ADMIN,
        at=at or valid_from,
    )


def _lowest(product, price_list, at=AT):
    return lowest_price_30d(
        product_ids=[product.pk], price_list_codes=[price_list.code], at=at
    ).get((product.pk, price_list.code))


def test_lowest_price_30d_a_price_cut_10_days_ago_is_the_lowest(dk, product):
    _set(dk, product, "100.00", AT - 90 * DAY, valid_to=AT - 10 * DAY)
    _set(dk, product, "79.00", AT - 10 * DAY)
    assert _lowest(product, dk) == Decimal("79.00")


def test_lowest_price_30d_a_price_rise_keeps_the_old_lower_price(dk, product):
    _set(dk, product, "79.00", AT - 90 * DAY, valid_to=AT - 10 * DAY)
    _set(dk, product, "100.00", AT - 10 * DAY)
    assert _lowest(product, dk) == Decimal("79.00")
    # 31 days after the rise the old price has left the window.
    assert _lowest(product, dk, at=AT + 21 * DAY) == Decimal("100.00")


def test_lowest_price_30d_a_temporary_price_40_days_ago_does_not_count(dk, product):
    _set(dk, product, "100.00", AT - 90 * DAY, valid_to=AT - 40 * DAY)
    _set(dk, product, "49.00", AT - 40 * DAY, valid_to=AT - 35 * DAY)
    _set(dk, product, "100.00", AT - 35 * DAY)
    assert _lowest(product, dk) == Decimal("100.00")


def test_lowest_price_30d_an_edit_counts_the_old_amount_until_the_edit(dk, product):
    _set(dk, product, "70.00", AT - 60 * DAY)
    # Edited 5 days ago: the row now says 100.00, but 70.00 was the price until then.
    _set(dk, product, "100.00", AT - 60 * DAY, at=AT - 5 * DAY)
    assert PriceListEntry.objects.get().amount == Decimal("100.00")
    assert _lowest(product, dk) == Decimal("70.00")
    # Edited 40 days ago: only the new amount was in force in the window.
    other = ProductFactory(gtin=False)
    _set(dk, other, "70.00", AT - 60 * DAY)
    _set(dk, other, "100.00", AT - 60 * DAY, at=AT - 40 * DAY)
    assert _lowest(other, dk) == Decimal("100.00")


def test_lowest_price_30d_a_shortened_period_counts_until_it_was_shortened(dk, product):
    cheap = _set(dk, product, "50.00", AT - 60 * DAY)
    # 3 days ago HQ ended it retroactively as of 20 days ago and entered a new price.
    _set(dk, product, "50.00", AT - 60 * DAY, valid_to=AT - 20 * DAY, at=AT - 3 * DAY)
    _set(dk, product, "90.00", AT - 20 * DAY, at=AT - 3 * DAY)
    assert _lowest(product, dk) == Decimal("50.00")
    assert _lowest(product, dk, at=AT + 28 * DAY) == Decimal("90.00")
    assert cheap.pk


def test_lowest_price_30d_a_deleted_entry_counted_while_it_existed(dk, product):
    entry = _set(dk, product, "40.00", AT - 60 * DAY)
    price_entry_delete(entry=entry, source=PriceChange.Source.ADMIN, at=AT - 2 * DAY)
    assert _lowest(product, dk) == Decimal("40.00")
    assert _lowest(product, dk, at=AT + 29 * DAY) is None


def test_lowest_price_30d_a_scheduled_price_counts_only_from_its_start(dk, product):
    _set(dk, product, "100.00", AT - 60 * DAY, valid_to=AT + DAY, at=AT - 60 * DAY)
    _set(dk, product, "10.00", AT + DAY, at=AT - 60 * DAY)
    assert _lowest(product, dk) == Decimal("100.00")
    assert _lowest(product, dk, at=AT + DAY) == Decimal("10.00")


def test_lowest_price_30d_entries_without_history_count_as_always_known(dk, product):
    PriceListEntryFactory(price_list=dk, product=product, amount=Decimal("30.00"), valid_from=AT)
    PriceListEntryFactory(
        price_list=dk,
        product=product,
        amount=Decimal("35.00"),
        valid_from=AT - 100 * DAY,
        valid_to=AT,
    )
    assert _lowest(product, dk) == Decimal("30.00")
    assert _lowest(product, dk, at=AT - DAY) == Decimal("35.00")


def test_lowest_price_30d_only_public_lists_count(dk, product):
    members = PriceListFactory(code="MEMBER", customer_groups=[CustomerGroupFactory(code="M")])
    _set(members, product, "1.00", AT - 60 * DAY)
    _set(dk, product, "100.00", AT - 60 * DAY)
    lowest = lowest_price_30d(product_ids=[product.pk], price_list_codes=["DK", "MEMBER"], at=AT)
    assert lowest == {(product.pk, "DK"): Decimal("100.00")}


def test_lowest_price_30d_many_products_in_two_queries(dk, django_assert_max_num_queries):
    products = [ProductFactory(gtin=False) for _ in range(30)]
    for index, product in enumerate(products):
        _set(dk, product, f"{100 + index}.00", AT - 60 * DAY)
        _set(dk, product, f"{50 + index}.00", AT - 60 * DAY, at=AT - 10 * DAY)
    with django_assert_max_num_queries(2):
        lowest = lowest_price_30d(
            product_ids=[p.pk for p in products], price_list_codes=["DK"], at=AT
        )
    assert lowest == {(p.pk, "DK"): Decimal(f"{50 + i}.00") for i, p in enumerate(products)}


def test_price_timeline_segments_for_the_chart(dk, product):
    _set(dk, product, "100.00", AT - 60 * DAY, valid_to=AT - 20 * DAY)
    _set(dk, product, "100.00", AT - 20 * DAY, valid_to=AT - 10 * DAY)
    _set(dk, product, "80.00", AT - 10 * DAY, valid_to=AT - 5 * DAY)
    _set(dk, product, "90.00", AT - 3 * DAY)
    timeline = price_timeline(product=product, price_list=dk, start=AT - 30 * DAY, end=AT)
    assert timeline == [
        PriceSegment(AT - 30 * DAY, AT - 10 * DAY, Decimal("100.00")),
        PriceSegment(AT - 10 * DAY, AT - 5 * DAY, Decimal("80.00")),
        PriceSegment(AT - 3 * DAY, AT, Decimal("90.00")),
    ]
