"""Reservations past their time: the sweep frees exactly what is due, in batches, and
leaves consumed, released and extended ones alone."""

from datetime import timedelta

import pytest

from inventory.models import Reservation
from inventory.services import (
    reservation_consume,
    reservation_extend,
    reservation_release,
    reservations_expire,
)
from tests.inventory.factories import NOW, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


def test_reservations_expire_frees_only_what_is_due():
    store, product = stocked(on_hand=10)
    due = reserve(store, product, 2, ttl=timedelta(minutes=5), at=NOW)
    exact = reserve(store, product, 1, ttl=timedelta(minutes=10), at=NOW)
    later = reserve(store, product, 3, ttl=timedelta(minutes=30), at=NOW)
    at = NOW + timedelta(minutes=10)

    assert reservations_expire(at=at) == 2

    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "expired", exact.pk: "expired", later.pk: "active"}
    expired = Reservation.objects.get(pk=due.pk)
    assert (expired.closed_at, expired.close_reason) == (at, "expired")
    assert level(store, product).reserved == 3
    assert reservations_expire(at=at) == 0


def test_reservations_expire_in_batches_across_items_and_stores():
    reservations = []
    for _ in range(3):
        store, product = stocked(on_hand=10)
        reservations += [reserve(store, product, 1, ttl=timedelta(minutes=1)) for _ in range(4)]
    assert reservations_expire(at=NOW + timedelta(hours=1), batch_size=5) == 12
    assert set(Reservation.objects.values_list("status", flat=True)) == {"expired"}


def test_reservations_expire_leaves_consumed_released_and_extended_alone():
    store, product = stocked(on_hand=10)
    consumed = reserve(store, product, reference="order:c", ttl=timedelta(minutes=1))
    released = reserve(store, product, reference="order:r", ttl=timedelta(minutes=1))
    extended = reserve(store, product, reference="order:e", ttl=timedelta(minutes=1))
    reservation_consume(reference="order:c", source_key="pickup:c")
    reservation_release(reference="order:r")
    reservation_extend(reference="order:e", expires_at=NOW + timedelta(days=1), at=NOW)

    assert reservations_expire(at=NOW + timedelta(hours=1)) == 0
    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert statuses == {consumed.pk: "consumed", released.pk: "released", extended.pk: "active"}
