"""Receipts, adjustments and counts: each posts one movement and moves on hand by it."""

from datetime import timedelta

import pytest

from inventory.errors import (
    InsufficientStockError,
    InvalidStockQuantityError,
    StockReasonRequiredError,
    StockSourceKeyReusedError,
)
from inventory.models import Reservation, StockMovement
from inventory.services import stock_adjust, stock_count, stock_receive
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.inventory.factories import NOW, key, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


def test_stock_receive_creates_the_row_and_posts_a_receipt():
    store, product, user = StoreFactory(), ProductFactory(), UserFactory()
    movement = stock_receive(
        location=store,
        product=product,
        quantity=12,
        source_key="asn:1:1",
        source_document="ASN-1",
        actor=user,
        reason="weekly delivery",
        at=NOW,
    )
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("receipt", 12, 12)
    assert (movement.actor, movement.source_document, movement.created_at) == (user, "ASN-1", NOW)
    row = level(store, product)
    assert (row.on_hand, row.reserved, row.updated_at) == (12, 0, NOW)


def test_stock_receive_adds_to_existing_stock_and_records_running_balance():
    store, product = stocked(on_hand=5)
    movement = stock_receive(location=store, product=product, quantity=3, source_key=key())
    assert movement.on_hand_after == 8
    assert level(store, product).on_hand == 8


def test_stock_receive_is_idempotent_on_source_key():
    store, product = stocked(on_hand=0)
    first = stock_receive(location=store, product=product, quantity=4, source_key="asn:9:1")
    again = stock_receive(location=store, product=product, quantity=4, source_key="asn:9:1")
    assert again.pk == first.pk
    assert level(store, product).on_hand == 4
    assert StockMovement.objects.count() == 1


def test_stock_receive_same_key_for_something_else_is_refused():
    store, product = stocked(on_hand=0)
    stock_receive(location=store, product=product, quantity=4, source_key="asn:9:1")
    with pytest.raises(StockSourceKeyReusedError) as error:
        stock_receive(location=store, product=product, quantity=5, source_key="asn:9:1")
    assert error.value.code == "source_key_reused"
    with pytest.raises(StockSourceKeyReusedError):
        stock_receive(location=store, product=ProductFactory(), quantity=4, source_key="asn:9:1")
    assert level(store, product).on_hand == 4


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True, "3"])
def test_stock_receive_rejects_a_quantity_that_is_not_a_positive_whole_number(quantity):
    with pytest.raises(InvalidStockQuantityError) as error:
        stock_receive(
            location=StoreFactory(), product=ProductFactory(), quantity=quantity, source_key=key()
        )
    assert error.value.field == "quantity"
    assert not StockMovement.objects.exists()


def test_stock_adjust_both_ways_with_reason_and_actor_label():
    store, product = stocked(on_hand=10)
    down = stock_adjust(
        location=store,
        product=product,
        quantity=-3,
        reason="damaged",
        source_key=key(),
        actor_label="erp",
    )
    up = stock_adjust(location=store, product=product, quantity=1, reason="found", source_key=key())
    assert (down.kind, down.quantity, down.on_hand_after, down.actor_label) == (
        "adjustment",
        -3,
        7,
        "erp",
    )
    assert (up.quantity, up.on_hand_after, up.reason) == (1, 8, "found")
    assert level(store, product).on_hand == 8


def test_stock_adjust_may_not_take_on_hand_below_reserved():
    store, product = stocked(on_hand=5)
    reserve(store, product, 3)
    with pytest.raises(InsufficientStockError) as error:
        stock_adjust(location=store, product=product, quantity=-3, reason="lost", source_key=key())
    assert error.value.extra["lines"] == [
        {"product_id": product.pk, "sku": product.sku, "requested": 3, "available": 2}
    ]
    stock_adjust(location=store, product=product, quantity=-2, reason="lost", source_key=key())
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (3, 3)


def test_stock_adjust_down_on_an_item_never_stocked_is_insufficient():
    store, product = StoreFactory(), ProductFactory()
    with pytest.raises(InsufficientStockError):
        stock_adjust(location=store, product=product, quantity=-1, reason="x", source_key=key())
    assert not StockMovement.objects.exists()


def test_stock_adjust_needs_a_reason_and_a_nonzero_quantity():
    store, product = stocked(on_hand=5)
    with pytest.raises(StockReasonRequiredError):
        stock_adjust(location=store, product=product, quantity=1, reason=" ", source_key=key())
    with pytest.raises(InvalidStockQuantityError):
        stock_adjust(location=store, product=product, quantity=0, reason="x", source_key=key())


def test_stock_adjust_is_idempotent_on_source_key():
    store, product = stocked(on_hand=5)
    first = stock_adjust(location=store, product=product, quantity=-1, reason="x", source_key="a1")
    again = stock_adjust(location=store, product=product, quantity=-1, reason="x", source_key="a1")
    assert first.pk == again.pk
    assert level(store, product).on_hand == 4


def test_stock_count_posts_the_difference():
    store, product = stocked(on_hand=10)
    movement = stock_count(location=store, product=product, counted=7, source_key="count:1")
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("count_correction", -3, 7)
    assert movement.reason == "counted 7, on record 10"
    up = stock_count(location=store, product=product, counted=9, source_key="count:2")
    assert (up.quantity, up.on_hand_after) == (2, 9)
    assert level(store, product).on_hand == 9


def test_stock_count_that_matches_writes_nothing():
    store, product = stocked(on_hand=10)
    assert stock_count(location=store, product=product, counted=10, source_key=key()) is None
    assert StockMovement.objects.filter(kind="count_correction").count() == 0


def test_stock_count_of_an_item_never_stocked_creates_it():
    store, product = StoreFactory(), ProductFactory()
    movement = stock_count(location=store, product=product, counted=4, source_key=key())
    assert movement.quantity == 4
    assert level(store, product).on_hand == 4


def test_stock_count_is_idempotent_even_after_later_changes():
    store, product = stocked(on_hand=10)
    first = stock_count(location=store, product=product, counted=8, source_key="count:7")
    stock_receive(location=store, product=product, quantity=5, source_key=key())
    again = stock_count(location=store, product=product, counted=8, source_key="count:7")
    assert again.pk == first.pk
    assert level(store, product).on_hand == 13


def test_stock_count_below_reserved_releases_newest_reservations_until_they_fit():
    store, product = stocked(on_hand=10)
    oldest = reserve(store, product, 3, at=NOW)
    middle = reserve(store, product, 3, at=NOW + timedelta(minutes=1))
    newest = reserve(store, product, 2, at=NOW + timedelta(minutes=2))
    at = NOW + timedelta(minutes=5)

    movement = stock_count(location=store, product=product, counted=4, source_key=key(), at=at)

    assert movement.quantity == -6
    assert movement.reason == "counted 4, on record 10; released 2 reservation(s)"
    statuses = {
        r.pk: (r.status, r.closed_at)
        for r in Reservation.objects.filter(pk__in=[oldest.pk, middle.pk, newest.pk])
    }
    assert statuses == {
        oldest.pk: ("active", None),
        middle.pk: ("released", at),
        newest.pk: ("released", at),
    }
    assert Reservation.objects.get(pk=newest.pk).close_reason.startswith("stock count")
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (4, 3)


def test_stock_count_of_zero_releases_every_reservation():
    store, product = stocked(on_hand=5)
    reserve(store, product, 2)
    reserve(store, product, 3)
    stock_count(location=store, product=product, counted=0, source_key=key())
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (0, 0)
    assert not Reservation.objects.filter(status="active").exists()


def test_stock_count_rejects_a_negative_count():
    store, product = stocked(on_hand=5)
    with pytest.raises(InvalidStockQuantityError) as error:
        stock_count(location=store, product=product, counted=-1, source_key=key())
    assert error.value.field == "counted"
