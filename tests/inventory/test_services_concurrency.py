"""Stock services under real concurrency: real threads, real PostgreSQL, committed data.

Each thread (``tests.concurrency``) opens its own connection before the
start line, so the calls really race, and closes it at the end.  Every
test ends with the stock invariant (on hand = sum of movements, reserved =
sum of active reservations).
"""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from inventory.errors import InsufficientStockError, ReservationNotActiveError
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services import (
    reservation_consume,
    reservation_release,
    reservations_expire,
    stock_record_sale,
    stock_reserve,
)
from tests.concurrency import run_concurrently
from tests.factories import StoreFactory
from tests.inventory.factories import NOW, level, reserve, stocked
from tests.inventory.invariant import assert_stock_invariant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# PostgreSQL allows 100 connections and other suites share the server, so
# 200 simultaneous attempts come from 40 threads of 5 attempts each.
THREADS = 40
ATTEMPTS_PER_THREAD = 5


@pytest.fixture(autouse=True)
def _invariant_after_each_test():
    yield
    assert_stock_invariant()


def outcomes(results: list[object]) -> list[object]:
    """Flatten per-thread result lists; fail on any exception a thread died of."""
    died = [r for r in results if isinstance(r, BaseException)]
    assert not died, f"threads failed: {died!r}"
    return [outcome for per_thread in results for outcome in per_thread]


def test_200_concurrent_reservations_of_one_on_stock_50_exactly_50_succeed():
    store, product = stocked(on_hand=50)

    def attempts(thread_no: int):
        def work():
            got = []
            for attempt in range(ATTEMPTS_PER_THREAD):
                try:
                    reserve(store, product, 1, reference=f"order:{thread_no}-{attempt}")
                    got.append("reserved")
                except InsufficientStockError as exc:
                    got.append(exc.extra["lines"])
            return got

        return work

    done = outcomes(run_concurrently([attempts(n) for n in range(THREADS)]))

    assert len(done) == 200
    assert done.count("reserved") == 50
    refused = [o for o in done if o != "reserved"]
    assert len(refused) == 150
    assert all(
        lines == [{"product_id": product.pk, "sku": product.sku, "requested": 1, "available": 0}]
        for lines in refused
    )
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (50, 50)
    assert Reservation.objects.filter(status="active").count() == 50


def test_baskets_reserved_in_random_order_never_deadlock():
    store = StoreFactory()
    skus = [stocked(location=store, on_hand=20)[1] for _ in range(20)]

    def shopper(thread_no: int):
        rng = random.Random(thread_no)

        def work():
            got = []
            for basket_no in range(3):
                lines = [(rng.choice(skus), rng.randint(1, 2)) for _ in range(10)]
                reference = f"order:{thread_no}-{basket_no}"
                try:
                    stock_reserve(
                        location=store, lines=lines, reference_kind="order", reference=reference
                    )
                    got.append((reference, {p.pk for p, _ in lines}))
                except InsufficientStockError:
                    got.append((reference, set()))
            return got

        return work

    # A deadlock would be an exception.
    done = outcomes(run_concurrently([shopper(n) for n in range(16)]))

    assert len(done) == 48
    assert any(products for _, products in done), "some baskets should fit"
    assert any(not products for _, products in done), "some baskets should be refused"
    for reference, products in done:  # all or nothing per basket
        held = set(
            Reservation.objects.filter(reference=reference).values_list("product", flat=True)
        )
        assert held == products
    for row in StockLevel.objects.filter(location=store):
        assert 0 <= row.reserved <= row.on_hand == 20


def test_two_lines_of_one_sku_beyond_stock_are_rejected_whole_under_contention():
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)

    def basket(thread_no: int):
        def work():
            try:
                stock_reserve(
                    location=store,
                    lines=[(other, 1), (product, 3), (product, 3)],
                    reference_kind="order",
                    reference=f"order:{thread_no}",
                )
            except InsufficientStockError as exc:
                return [exc.extra["lines"][0]["requested"]]
            return ["reserved"]

        return work

    assert outcomes(run_concurrently([basket(n) for n in range(8)])) == [6] * 8
    assert not Reservation.objects.exists()
    assert level(store, product).reserved == level(store, other).reserved == 0


def test_expiry_sweepers_racing_consume_and_release_end_each_reservation_once():
    store = StoreFactory()
    products = [stocked(location=store, on_hand=200)[1] for _ in range(3)]
    rng = random.Random(7)
    count = 90
    for n in range(count):  # reservation n is due n seconds after NOW
        reserve(
            store,
            products[n % 3],
            rng.randint(1, 3),
            reference=f"order:{n}",
            at=NOW - timedelta(minutes=1),
            ttl=timedelta(minutes=1, seconds=n),
        )
    references = [f"order:{n}" for n in range(count)]

    def sweeper():
        # Each pass sees a few more reservations due, so the sweeps overlap the others.
        return [
            reservations_expire(at=NOW + timedelta(seconds=second), batch_size=4)
            for second in range(0, count + 1, 2)
        ]

    def consumer(name: str):
        def work():
            order = random.Random(name).sample(references, len(references))
            consumed = []
            for reference in order:
                try:
                    reservation_consume(
                        reference=reference, source_key=f"pickup:{name}:{reference}"
                    )
                    consumed.append(reference)
                except ReservationNotActiveError:
                    pass
            return consumed

        return work

    def releaser():
        order = random.Random("release").sample(references, len(references))
        return [reference for reference in order if reservation_release(reference=reference)]

    results = run_concurrently([sweeper, sweeper, consumer("a"), consumer("b"), releaser])
    assert not [r for r in results if isinstance(r, BaseException)], results
    sweeps_a, sweeps_b, consumed_a, consumed_b, released = results
    leftover = reservations_expire(at=NOW + timedelta(days=1))

    statuses = Counter(Reservation.objects.values_list("status", flat=True))
    assert statuses["active"] == 0
    consumed = consumed_a + consumed_b
    assert len(consumed) == len(set(consumed)), "a reservation was consumed twice"
    assert statuses["consumed"] == len(consumed)
    assert statuses["released"] == len(released)
    assert statuses["expired"] == sum(sweeps_a) + sum(sweeps_b) + leftover
    assert sum(statuses.values()) == count
    assert min(statuses["consumed"], statuses["released"], statuses["expired"]) > 0, statuses
    assert StockMovement.objects.filter(kind="reservation_consumed").count() == len(consumed)
    for product in products:
        handed_over = (
            Reservation.objects.filter(product=product, status="consumed").aggregate(
                units=Sum("quantity")
            )["units"]
            or 0
        )
        row = level(store, product)
        assert (row.on_hand, row.reserved) == (200 - handed_over, 0)


def test_pos_sales_racing_reservations_are_all_recorded_and_keep_the_constraints():
    store, product = stocked(on_hand=60)

    def shopper(thread_no: int):
        def work():
            got = []
            for attempt in range(10):
                try:
                    reserve(
                        store, product, 1 + attempt % 3, reference=f"order:{thread_no}-{attempt}"
                    )
                    got.append("reserved")
                except InsufficientStockError:
                    got.append("short")
            return got

        return work

    def till(till_no: int):
        def work():
            return [
                stock_record_sale(
                    location=store,
                    product=product,
                    quantity=2,
                    receipt_id=f"T{till_no}-{n}",
                    line_no=1,
                    actor_label=f"pos:till-{till_no}",
                ).quantity
                for n in range(10)
            ]

        return work

    done = outcomes(run_concurrently([shopper(n) for n in range(8)] + [till(n) for n in range(4)]))

    assert set(done) <= {"reserved", "short", -2}
    assert StockMovement.objects.filter(kind="sale").count() == 40  # never refused
    row = level(store, product)
    assert 0 <= row.reserved <= row.on_hand
    corrections = StockMovement.objects.filter(kind="count_correction")
    # 80 units sold from 60 on record: the excess came back as corrections to zero.
    assert row.on_hand == 60 - 80 + (corrections.aggregate(units=Sum("quantity"))["units"] or 0)
    assert corrections.exists()


def test_concurrent_resends_post_a_receipt_line_and_a_pickup_once():
    store, product = stocked(on_hand=10)
    reserve(store, product, 2, reference="order:pickup")

    def resend_sale():
        return stock_record_sale(
            location=store, product=product, quantity=1, receipt_id="R1", line_no=1
        ).pk

    def resend_pickup():
        return tuple(
            m.pk for m in reservation_consume(reference="order:pickup", source_key="pickup:1")
        )

    results = run_concurrently([resend_sale] * 6 + [resend_pickup] * 6)
    assert not [r for r in results if isinstance(r, BaseException)]
    assert len(set(results[:6])) == 1
    assert len(set(results[6:])) == 1
    row = level(store, product)
    assert (row.on_hand, row.reserved) == (7, 0)
    assert StockMovement.objects.exclude(kind="receipt").count() == 2


def test_stock_reserve_basket_statements_do_not_grow_with_its_lines():
    store = StoreFactory()
    skus = [stocked(location=store, on_hand=5)[1] for _ in range(10)]

    def statements(lines, reference):
        with CaptureQueriesContext(connection) as queries:
            stock_reserve(location=store, lines=lines, reference_kind="order", reference=reference)
        return len(queries)

    two = statements([(p, 1) for p in skus[:2]], "order:two")
    ten = statements([(p, 2) for p in reversed(skus)], "order:ten")
    with (
        CaptureQueriesContext(connection) as refused,
        pytest.raises(InsufficientStockError) as error,
    ):
        stock_reserve(
            location=store,
            lines=[(p, 4) for p in skus],
            reference_kind="order",
            reference="order:short",
        )

    assert ten == two == 1
    assert len(refused) == 1  # the shortage is named without another query
    assert [line["available"] for line in error.value.extra["lines"]] == [2] * 2 + [3] * 8
    assert Reservation.objects.filter(reference="order:short").count() == 0
    assert sorted(StockLevel.objects.values_list("reserved", flat=True)) == [2] * 8 + [3] * 2


def test_200_concurrent_two_line_baskets_on_stock_50_exactly_50_succeed_whole():
    store, hot = stocked(on_hand=50)
    others = [stocked(location=store, on_hand=1000)[1] for _ in range(THREADS)]

    def attempts(thread_no: int):
        def work():
            got = []
            for attempt in range(ATTEMPTS_PER_THREAD):
                reference = f"order:{thread_no}-{attempt}"
                lines = [(others[thread_no], 1), (hot, 1)]
                if attempt % 2:
                    lines.reverse()
                try:
                    stock_reserve(
                        location=store, lines=lines, reference_kind="order", reference=reference
                    )
                    got.append(reference)
                except InsufficientStockError as exc:
                    assert [line["sku"] for line in exc.extra["lines"]] == [hot.sku]
                    got.append(None)
            return got

        return work

    done = outcomes(run_concurrently([attempts(n) for n in range(THREADS)]))

    reserved = [reference for reference in done if reference]
    assert len(done) == 200 and len(reserved) == 50
    assert (level(store, hot).on_hand, level(store, hot).reserved) == (50, 50)
    held = Counter(Reservation.objects.filter(status="active").values_list("reference", flat=True))
    assert held == Counter({reference: 2 for reference in reserved})  # both lines or neither
    assert sum(level(store, p).reserved for p in others) == 50
