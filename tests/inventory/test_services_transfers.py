"""Transfers: shipped units leave the source at once and arrive once, when received."""

from datetime import timedelta

import pytest

from inventory.errors import (
    InsufficientStockError,
    InvalidStockQuantityError,
    InvalidTransferError,
    TransferNotInTransitError,
)
from inventory.models import StockLevel, StockMovement, Transfer
from inventory.services import stock_transfer_receive, stock_transfer_ship
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.inventory.factories import NOW, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


@pytest.fixture
def goods():
    """A warehouse with 10 shirts and 4 socks, and a store that has neither."""
    warehouse = StoreFactory(code="WH1", kind="warehouse", click_and_collect=False)
    _, shirt = stocked(location=warehouse, on_hand=10)
    _, socks = stocked(location=warehouse, on_hand=4)
    return warehouse, StoreFactory(code="CPH1"), shirt, socks


def test_stock_transfer_ship_moves_stock_out_of_the_source(goods):
    warehouse, store, shirt, socks = goods
    user = UserFactory()
    transfer = stock_transfer_ship(
        source=warehouse,
        destination=store,
        lines=[(shirt, 4), (socks, 1), (shirt, 2)],
        reference="replenishment 12",
        actor=user,
        at=NOW,
    )
    assert transfer.status == "in_transit"
    assert transfer.number.startswith("TR-20260302-")
    assert sorted(transfer.lines.values_list("product_id", "quantity")) == sorted(
        [(shirt.pk, 6), (socks.pk, 1)]
    )
    out = StockMovement.objects.filter(kind="transfer_out").order_by("product_id")
    assert {(m.product_id, m.quantity, m.on_hand_after, m.actor_id) for m in out} == {
        (shirt.pk, -6, 4, user.pk),
        (socks.pk, -1, 3, user.pk),
    }
    assert {m.source_key for m in out} == {
        f"transfer:{transfer.number}:out:{shirt.pk}",
        f"transfer:{transfer.number}:out:{socks.pk}",
    }
    assert level(warehouse, shirt).on_hand == 4
    assert not StockLevel.objects.filter(location=store).exists()


def test_stock_transfer_ship_is_all_or_nothing_and_never_takes_reserved_units(goods):
    warehouse, store, shirt, socks = goods
    reserve(warehouse, socks, 2)
    with pytest.raises(InsufficientStockError) as error:
        stock_transfer_ship(source=warehouse, destination=store, lines=[(shirt, 1), (socks, 3)])
    assert error.value.extra["lines"] == [
        {"product_id": socks.pk, "sku": socks.sku, "requested": 3, "available": 2}
    ]
    assert not Transfer.objects.exists()
    assert level(warehouse, shirt).on_hand == 10


def test_stock_transfer_ship_needs_two_locations_and_known_stock(goods):
    warehouse, store, shirt, _ = goods
    with pytest.raises(InvalidTransferError):
        stock_transfer_ship(source=warehouse, destination=warehouse, lines=[(shirt, 1)])
    with pytest.raises(InsufficientStockError):
        stock_transfer_ship(source=store, destination=warehouse, lines=[(shirt, 1)])
    with pytest.raises(InvalidStockQuantityError):
        stock_transfer_ship(source=warehouse, destination=store, lines=[(shirt, 0)])


def test_stock_transfer_receive_puts_stock_on_hand_at_the_destination(goods):
    warehouse, store, shirt, socks = goods
    transfer = stock_transfer_ship(
        source=warehouse, destination=store, lines=[(shirt, 6), (socks, 1)], at=NOW
    )
    at = NOW + timedelta(days=1)
    received = stock_transfer_receive(transfer=transfer, at=at)
    assert (received.status, received.received_at) == ("received", at)
    assert sorted(received.lines.values_list("product_id", "received_quantity")) == sorted(
        [(shirt.pk, 6), (socks.pk, 1)]
    )
    assert (level(store, shirt).on_hand, level(store, socks).on_hand) == (6, 1)
    moved_in = StockMovement.objects.get(kind="transfer_in", product=shirt)
    assert (moved_in.on_hand_after, moved_in.source_document) == (6, transfer.number)
    assert moved_in.reason == "from WH1"


def test_stock_transfer_receive_with_a_shortfall_records_it(goods):
    warehouse, store, shirt, socks = goods
    transfer = stock_transfer_ship(
        source=warehouse, destination=store, lines=[(shirt, 6), (socks, 2)]
    )
    stock_transfer_receive(transfer=transfer, received={shirt.pk: 5, socks.pk: 0})
    assert level(store, shirt).on_hand == 5
    assert not StockLevel.objects.filter(location=store, product=socks).exists()
    assert dict(transfer.lines.values_list("product_id", "received_quantity")) == {
        shirt.pk: 5,
        socks.pk: 0,
    }
    assert StockMovement.objects.get(kind="transfer_in").reason == (
        "from WH1; received 5 of 6 shipped"
    )


def test_stock_transfer_receive_twice_is_refused_and_changes_nothing(goods):
    warehouse, store, shirt, _ = goods
    transfer = stock_transfer_ship(source=warehouse, destination=store, lines=[(shirt, 3)])
    stock_transfer_receive(transfer=transfer)
    with pytest.raises(TransferNotInTransitError) as error:
        stock_transfer_receive(transfer=transfer)
    assert error.value.extra["number"] == transfer.number
    assert level(store, shirt).on_hand == 3
    assert StockMovement.objects.filter(kind="transfer_in").count() == 1


def test_stock_transfer_receive_rejects_bad_quantities_and_strangers(goods):
    warehouse, store, shirt, _ = goods
    transfer = stock_transfer_ship(source=warehouse, destination=store, lines=[(shirt, 3)])
    for received in ({shirt.pk: 4}, {shirt.pk: -1}, {ProductFactory().pk: 1}):
        with pytest.raises(InvalidStockQuantityError):
            stock_transfer_receive(transfer=transfer, received=received)
    transfer.refresh_from_db()
    assert transfer.status == "in_transit"
    assert not StockMovement.objects.filter(kind="transfer_in").exists()
