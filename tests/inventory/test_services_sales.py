"""POS sales and returns: physical truth, recorded once per receipt line, never refused."""

from datetime import timedelta

import pytest

from inventory.errors import InvalidStockQuantityError, StockSourceKeyReusedError
from inventory.models import Reservation, StockMovement
from inventory.services import stock_record_return, stock_record_sale
from inventory.services.sales import COUNT_NEEDED
from tests.factories import ProductFactory, StoreFactory
from tests.inventory.factories import NOW, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


def sale(store, product, quantity, receipt="R1", line_no=1, **kw):
    return stock_record_sale(
        location=store,
        product=product,
        quantity=quantity,
        receipt_id=receipt,
        line_no=line_no,
        **kw,
    )


def test_stock_record_sale_takes_units_off_hand():
    store, product = stocked(on_hand=10)
    movement = sale(store, product, 3, actor_label="pos:till-2", at=NOW)
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("sale", -3, 7)
    assert (movement.source_key, movement.source_document) == (f"sale:{store.pk}:R1:1", "R1")
    assert movement.actor_label == "pos:till-2"
    assert level(store, product).on_hand == 7


def test_stock_record_sale_is_idempotent_per_receipt_line():
    store, product = stocked(on_hand=10)
    first = sale(store, product, 3, receipt="R9", line_no=1)
    again = sale(store, product, 3, receipt="R9", line_no=1)
    second_line = sale(store, product, 3, receipt="R9", line_no=2)
    other_store = sale(stocked(on_hand=5, product=product)[0], product, 3, receipt="R9", line_no=1)
    assert again.pk == first.pk
    assert len({first.pk, second_line.pk, other_store.pk}) == 3
    assert level(store, product).on_hand == 4


def test_stock_record_sale_resent_with_other_content_is_refused():
    store, product = stocked(on_hand=10)
    sale(store, product, 3, receipt="R9")
    with pytest.raises(StockSourceKeyReusedError):
        sale(store, product, 2, receipt="R9")
    with pytest.raises(StockSourceKeyReusedError):
        sale(store, ProductFactory(), 3, receipt="R9")


def test_stock_record_sale_of_reserved_units_releases_newest_reservations():
    store, product = stocked(on_hand=5)
    old = reserve(store, product, 2, at=NOW)
    new = reserve(store, product, 2, at=NOW + timedelta(minutes=1))
    movement = sale(store, product, 2, at=NOW + timedelta(minutes=2))
    assert movement.reason == "released 1 reservation(s)"
    assert Reservation.objects.get(pk=old.pk).status == "active"
    released = Reservation.objects.get(pk=new.pk)
    assert (released.status, released.close_reason) == (
        "released",
        "sold at the POS; too few units left",
    )
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (3, 2)


def test_stock_record_sale_beyond_records_is_recorded_corrected_and_flagged():
    store, product = stocked(on_hand=2)
    reserve(store, product, 1)
    movement = sale(store, product, 5, receipt="R7")
    assert (movement.quantity, movement.on_hand_after) == (-5, -3)
    correction = StockMovement.objects.get(kind="count_correction")
    assert (correction.quantity, correction.on_hand_after, correction.reason) == (
        3,
        0,
        COUNT_NEEDED,
    )
    assert correction.source_key == f"sale:{store.pk}:R7:1:correction"
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (0, 0)
    assert not Reservation.objects.filter(status="active").exists()
    assert sale(store, product, 5, receipt="R7").pk == movement.pk


def test_stock_record_sale_of_an_item_never_stocked_is_recorded():
    store, product = StoreFactory(), ProductFactory()
    sale(store, product, 1)
    assert StockMovement.objects.filter(location=store).count() == 2
    assert level(store, product).on_hand == 0


def test_stock_record_sale_rejects_a_bad_quantity():
    store, product = stocked(on_hand=2)
    with pytest.raises(InvalidStockQuantityError):
        sale(store, product, 0)


def test_stock_record_return_puts_units_back_once():
    store, product = stocked(on_hand=2)
    movement = stock_record_return(
        location=store, product=product, quantity=1, receipt_id="R5", line_no=3, reason="unused"
    )
    again = stock_record_return(
        location=store, product=product, quantity=1, receipt_id="R5", line_no=3
    )
    assert again.pk == movement.pk
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("return", 1, 3)
    assert level(store, product).on_hand == 3


def test_stock_record_sale_query_budget(django_assert_max_num_queries):
    store, product = stocked(on_hand=5)
    # savepoint, lock the row, look for the receipt line, insert the movement, update, release
    with django_assert_max_num_queries(6):
        sale(store, product, 1, receipt="R-budget")
