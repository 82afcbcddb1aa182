"""Reservations: all or nothing, never oversold, and each ends in exactly one final state."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from inventory.errors import (
    InsufficientStockError,
    InvalidReservationExpiryError,
    InvalidStockQuantityError,
    ReservationNotActiveError,
    ReservationNotFoundError,
)
from inventory.models import Reservation, StockMovement
from inventory.services import (
    reservation_consume,
    reservation_extend,
    reservation_release,
    stock_reserve,
)
from inventory.services.reserve import RESERVATION_COLUMNS
from tests.factories import ChannelFactory, CustomerFactory, ProductFactory, UserFactory
from tests.inventory.factories import NOW, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


# --- stock_reserve ---------------------------------------------------------------


def test_stock_reserve_holds_every_line_and_records_who_and_until_when():
    store, shirt = stocked(on_hand=5)
    _, socks = stocked(location=store, on_hand=5)
    channel, customer, user = ChannelFactory(), CustomerFactory(), UserFactory()

    reservations = stock_reserve(
        location=store,
        lines=[(socks, 2), (shirt, 1)],
        reference_kind="order",
        reference="order:1",
        channel=channel,
        customer=customer,
        actor=user,
        ttl=timedelta(minutes=10),
        at=NOW,
    )

    assert [(r.product, r.quantity) for r in reservations] == sorted(
        [(shirt, 1), (socks, 2)], key=lambda line: line[0].pk
    )
    first = Reservation.objects.get(pk=reservations[0].pk)
    assert (first.status, first.reference, first.reference_kind) == ("active", "order:1", "order")
    assert (first.channel, first.customer, first.actor) == (channel, customer, user)
    assert (first.created_at, first.expires_at) == (NOW, NOW + timedelta(minutes=10))
    assert (level(store, shirt).reserved, level(store, socks).reserved) == (1, 2)
    assert level(store, shirt).on_hand == 5
    assert not StockMovement.objects.exclude(kind="receipt").exists()


def test_stock_reserve_ttl_defaults_to_the_setting(settings):
    store, product = stocked(on_hand=5)
    default = settings.INVENTORY_RESERVATION_TTL  # retail/settings.py's
    settings.INVENTORY_RESERVATION_TTL = timedelta(minutes=45)
    assert reserve(store, product).expires_at == NOW + timedelta(minutes=45)
    settings.INVENTORY_RESERVATION_TTL = 120  # seconds work too
    assert reserve(store, product).expires_at == NOW + timedelta(seconds=120)
    settings.INVENTORY_RESERVATION_TTL = default
    assert reserve(store, product).expires_at == NOW + timedelta(minutes=30)


def test_stock_reserve_sums_lines_of_one_sku_before_checking():
    store, product = stocked(on_hand=5)
    (reservation,) = stock_reserve(
        location=store,
        lines=[(product, 2), (product, 3)],
        reference_kind="order",
        reference="order:2",
    )
    assert reservation.quantity == 5
    assert level(store, product).reserved == 5


def test_stock_reserve_two_lines_of_one_sku_beyond_stock_is_rejected_whole():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)
    with pytest.raises(InsufficientStockError) as error:
        stock_reserve(
            location=store,
            lines=[(other, 1), (product, 3), (product, 3)],
            reference_kind="order",
            reference="order:3",
        )
    assert error.value.extra["lines"] == [
        {"product_id": product.pk, "sku": product.sku, "requested": 6, "available": 5}
    ]
    assert not Reservation.objects.exists()
    assert level(store, product).reserved == level(store, other).reserved == 0


def test_stock_reserve_names_every_short_line_and_writes_nothing():
    store, plenty = stocked(on_hand=10)
    _, few = stocked(location=store, on_hand=1)
    _, none = stocked(location=store, on_hand=0)
    _, held = stocked(location=store, on_hand=3)
    reserve(store, held, 2)
    lines = [(plenty, 2), (few, 2), (none, 1), (held, 2)]

    with pytest.raises(InsufficientStockError) as error:
        stock_reserve(location=store, lines=lines, reference_kind="order", reference="order:4")

    assert error.value.code == "insufficient_stock"
    assert error.value.status == 409
    short = {
        line["sku"]: (line["requested"], line["available"]) for line in error.value.extra["lines"]
    }
    assert short == {few.sku: (2, 1), none.sku: (1, 0), held.sku: (2, 1)}
    assert few.sku in error.value.message
    assert Reservation.objects.filter(reference="order:4").count() == 0
    assert level(store, plenty).reserved == 0


def test_stock_reserve_takes_exactly_the_last_units_and_no_more():
    store, product = stocked(on_hand=3)
    reserve(store, product, 3)
    with pytest.raises(InsufficientStockError):
        reserve(store, product, 1)
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (3, 3)


@pytest.mark.parametrize("lines", [[], [("p", 0)], [("p", -2)]])
def test_stock_reserve_rejects_empty_baskets_and_bad_quantities(lines):
    store, product = stocked(on_hand=3)
    lines = [(product, q) for _, q in lines]
    with pytest.raises(InvalidStockQuantityError):
        stock_reserve(location=store, lines=lines, reference_kind="order", reference="x")


def test_stock_reserve_rejects_a_ttl_that_is_not_positive():
    store, product = stocked(on_hand=3)
    with pytest.raises(InvalidReservationExpiryError):
        reserve(store, product, ttl=timedelta(0))


def test_stock_reserve_keeps_the_channel_buffer_from_a_webshop_but_not_from_a_till():
    from inventory.errors import InsufficientStockError
    from inventory.models import SafetyBuffer

    store, product = stocked(on_hand=7)
    webshop = ChannelFactory(kind="webshop")
    till = ChannelFactory(kind="pos")
    SafetyBuffer.objects.create(channel=webshop, quantity=5)
    SafetyBuffer.objects.create(channel=till, quantity=5)
    with pytest.raises(InsufficientStockError) as caught:
        reserve(store, product, 3, channel=webshop)
    assert caught.value.extra["lines"][0]["available"] == 2
    assert reserve(store, product, 2, channel=webshop).quantity == 2
    assert reserve(store, product, 5, channel=till).quantity == 5  # into the buffer


def test_stock_reserve_query_budget(django_assert_max_num_queries):
    store, first = stocked(on_hand=5)
    others = [stocked(location=store, on_hand=5)[1] for _ in range(2)]
    lines = [(first, 1), *[(p, 1) for p in others]]
    # savepoint, one INSERT of the reservations, one UPDATE per line, release
    with django_assert_max_num_queries(2 + 1 + len(lines)):
        stock_reserve(location=store, lines=lines, reference_kind="order", reference="order:q")
    # One product on PostgreSQL: the UPDATE with the INSERT chained on, one statement.
    with django_assert_max_num_queries(1 if connection.vendor == "postgresql" else 4):
        reserve(store, first, 1)


def test_stock_reserve_one_statement_path_writes_every_reservation_column():
    columns = {field.column for field in Reservation._meta.concrete_fields if not field.primary_key}
    assert set(RESERVATION_COLUMNS) == columns


def test_stock_reserve_returns_saved_reservations_on_either_path():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)
    single = reserve(store, product, 2, reference="order:single", customer=CustomerFactory())
    double = stock_reserve(
        location=store, lines=[(product, 1), (other, 1)], reference_kind="order", reference="o:2"
    )
    for reservation in [single, *double]:
        assert not reservation._state.adding
        assert Reservation.objects.get(pk=reservation.pk).quantity == reservation.quantity
    stored = Reservation.objects.get(pk=single.pk)
    assert (stored.status, stored.closed_at, stored.close_reason) == ("active", None, "")
    assert stored.customer_id == single.customer_id


# --- release -------------------------------------------------------------------------


def test_reservation_release_frees_units_once():
    store, product = stocked(on_hand=5)
    reservation = reserve(store, product, 2, reference="order:5")
    assert reservation_release(reference="order:5", at=NOW) == 1
    reservation.refresh_from_db()
    assert (reservation.status, reservation.closed_at, reservation.close_reason) == (
        "released",
        NOW,
        "released",
    )
    assert level(store, product).reserved == 0
    assert reservation_release(reference="order:5") == 0
    assert reservation_release(reservations=[reservation]) == 0


def test_reservation_release_by_objects_and_with_a_reason():
    store, product = stocked(on_hand=5)
    one, two = reserve(store, product, 1), reserve(store, product, 2)
    assert reservation_release(reservations=[two], reason="order cancelled") == 1
    assert Reservation.objects.get(pk=two.pk).close_reason == "order cancelled"
    assert Reservation.objects.get(pk=one.pk).status == "active"
    assert level(store, product).reserved == 1


def test_reservation_release_unknown_reference_is_not_found():
    with pytest.raises(ReservationNotFoundError):
        reservation_release(reference="order:nope")
    with pytest.raises(TypeError):
        reservation_release()


# --- extend ------------------------------------------------------------------------


def test_reservation_extend_moves_the_expiry_of_every_active_line():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)
    stock_reserve(
        location=store,
        lines=[(product, 1), (other, 1)],
        reference_kind="customer",
        reference="cust:1",
        at=NOW,
    )
    later = NOW + timedelta(hours=2)
    extended = reservation_extend(reference="cust:1", expires_at=later, at=NOW)
    assert len(extended) == 2
    assert set(Reservation.objects.values_list("expires_at", flat=True)) == {later}


def test_reservation_extend_errors():
    store, product = stocked(on_hand=5)
    reserve(store, product, reference="order:6")
    with pytest.raises(InvalidReservationExpiryError):
        reservation_extend(reference="order:6", expires_at=NOW, at=NOW)
    with pytest.raises(ReservationNotFoundError):
        reservation_extend(reference="order:none", expires_at=NOW + timedelta(1), at=NOW)
    reservation_release(reference="order:6")
    with pytest.raises(ReservationNotActiveError):
        reservation_extend(reference="order:6", expires_at=NOW + timedelta(1), at=NOW)


# --- consume -----------------------------------------------------------------------


def test_reservation_consume_hands_over_reserved_units():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=2)
    user = UserFactory()
    reservations = stock_reserve(
        location=store,
        lines=[(product, 2), (other, 2)],
        reference_kind="order",
        reference="order:7",
        at=NOW,
    )
    at = NOW + timedelta(minutes=3)

    movements = reservation_consume(reference="order:7", source_key="pickup:7", actor=user, at=at)

    assert sorted((m.product_id, m.kind, m.quantity, m.on_hand_after) for m in movements) == sorted(
        [
            (product.pk, "reservation_consumed", -2, 3),
            (other.pk, "reservation_consumed", -2, 0),
        ]
    )
    assert {m.source_key for m in movements} == {f"pickup:7:{r.pk}" for r in reservations}
    assert {(m.actor, m.source_document, m.created_at) for m in movements} == {
        (user, "order:7", at)
    }
    assert set(Reservation.objects.values_list("status", flat=True)) == {"consumed"}
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (3, 0)


def test_reservation_consume_is_idempotent_on_source_key():
    store, product = stocked(on_hand=5)
    reserve(store, product, 2, reference="order:8")
    first = reservation_consume(reference="order:8", source_key="pickup:8")
    again = reservation_consume(reference="order:8", source_key="pickup:8")
    assert [m.pk for m in again] == [m.pk for m in first]
    assert level(store, product).on_hand == 3
    with pytest.raises(ReservationNotActiveError):
        reservation_consume(reference="order:8", source_key="pickup:other")


def test_reservation_consume_skips_lines_released_meanwhile():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)
    one, two = stock_reserve(
        location=store,
        lines=[(product, 1), (other, 1)],
        reference_kind="order",
        reference="order:9",
    )
    reservation_release(reservations=[one])
    (movement,) = reservation_consume(reference="order:9", source_key="pickup:9")
    assert movement.product_id == two.product_id


def test_reservation_consume_of_released_or_unknown_reference_fails():
    store, product = stocked(on_hand=5)
    reserve(store, product, reference="order:10")
    reservation_release(reference="order:10")
    with pytest.raises(ReservationNotActiveError):
        reservation_consume(reference="order:10", source_key="pickup:10")
    with pytest.raises(ReservationNotFoundError):
        reservation_consume(reference="order:none", source_key="pickup:none")
    assert level(store, product).on_hand == 5


def test_reservation_consume_of_an_overdue_but_unswept_reservation_works():
    store, product = stocked(on_hand=5)
    reserve(store, product, reference="order:11", ttl=timedelta(minutes=1), at=NOW)
    late = NOW + timedelta(minutes=10)
    assert len(reservation_consume(reference="order:11", source_key="p:11", at=late)) == 1


def test_reservation_final_states_are_enforced_by_the_database():
    store, product = stocked(on_hand=5)
    reservation = reserve(store, product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).update(status="expired")


def test_reserve_consume_cycle_keeps_reserved_below_on_hand():
    store, product = stocked(on_hand=3)
    for n in range(3):
        reserve(store, product, 1, reference=f"order:cycle{n}")
    for n in range(3):
        reservation_consume(reference=f"order:cycle{n}", source_key=f"pickup:cycle{n}")
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (0, 0)
    with pytest.raises(InsufficientStockError):
        reserve(store, ProductFactory(), 1)
