"""Reservations made and refused for lack of stock are counted and timed."""

import pytest
from django.db import transaction
from prometheus_client import REGISTRY

from inventory.errors import InsufficientStockError, InvalidStockQuantityError
from tests.inventory.factories import reserve, stocked

pytestmark = pytest.mark.django_db


def counts() -> tuple[float, float, float]:
    def value(name, labels=None):
        return REGISTRY.get_sample_value(name, labels or {}) or 0.0

    return (
        value("retail_reservations_total", {"outcome": "made"}),
        value("retail_reservations_total", {"outcome": "refused"}),
        value("retail_reservation_seconds_count"),
    )


def test_stock_reserve_counts_made_and_refused_and_times_both(django_capture_on_commit_callbacks):
    store, product = stocked(on_hand=2)
    made, refused, timed = counts()
    with django_capture_on_commit_callbacks(execute=True):
        reserve(store, product, 2)
    with pytest.raises(InsufficientStockError):
        reserve(store, product, 1)
    assert counts() == (made + 1, refused + 1, timed + 2)


def test_stock_reserve_rolled_back_with_its_caller_is_not_counted_as_made(
    django_capture_on_commit_callbacks,
):
    store, product = stocked(on_hand=2)
    made, _, _ = counts()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reserve(store, product, 1)
        raise RuntimeError("the order failed after its reservation")
    assert counts()[0] == made


def test_stock_reserve_bad_input_is_neither_made_nor_refused():
    store, product = stocked(on_hand=2)
    made, refused, timed = counts()
    with pytest.raises(InvalidStockQuantityError):
        reserve(store, product, 0)
    assert counts() == (made, refused, timed + 1)
