"""A 50,000-row snapshot applied while shoppers reserve: real threads, real PostgreSQL.

The sync locks only its current chunk's stock rows, in (location, product)
order, for one short transaction each; reservations wait at most that long,
never time out or deadlock, and the invariant holds afterwards.
"""

import random
import threading
import time
from datetime import UTC, datetime
from functools import partial

import pytest

from inventory.errors import InsufficientStockError
from inventory.models import Reservation, StockFeedRun, StockLevel, StockMovement
from inventory.services import reservation_release, stock_reserve
from inventory.sync import stock_feed_apply
from retail.models import Product
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, StoreFactory
from tests.inventory.sync_support import (
    ledger_holds,  # noqa: F401 (fixture)
    media,  # noqa: F401 (fixture)
    submit,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media", "ledger_holds"),
]

STORES, PRODUCTS = 50, 1_000  # 50,000 stock rows, all in the snapshot
SHOPPERS = 8
AT = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)


def build_chain(rng: random.Random):
    """50 stores x 1,000 products, 20 on hand each, with the receipts that put them there."""
    first = ProductFactory(sku="P-00000")
    products = [
        first,
        *Product.objects.bulk_create(
            Product(
                sku=f"P-{n:05d}", name=f"P {n}", category=first.category, vat_class=first.vat_class
            )
            for n in range(1, PRODUCTS)
        ),
    ]
    stores = [StoreFactory(code=f"S{n:03d}") for n in range(STORES)]
    StockLevel.objects.bulk_create(
        StockLevel(location=s, product=p, on_hand=20) for s in stores for p in products
    )
    StockMovement.objects.bulk_create(
        StockMovement(
            location=s,
            product=p,
            kind="receipt",
            quantity=20,
            on_hand_after=20,
            source_key=f"opening:{s.pk}:{p.pk}",
            created_at=AT,
        )
        for s in stores
        for p in products
    )
    counts = {
        (s.code, p.sku): rng.choice([0, 3, 8, 15, 19, 25, 40]) for s in stores for p in products
    }
    return stores, products, counts


def test_reservations_keep_working_while_a_50k_row_snapshot_is_applied():
    rng = random.Random(7)
    stores, products, counts = build_chain(rng)
    # The shoppers' items lie all over the snapshot, so chunks and reservations meet.
    hot = [(rng.choice(stores), rng.choice(products)) for _ in range(300)]
    text = "store,sku,quantity\n" + "".join(f"{s},{p},{n}\n" for (s, p), n in counts.items())
    run = submit(text, feed_id="erp-nightly")

    syncing = threading.Event()
    syncing.set()
    results: list[list] = [[] for _ in range(SHOPPERS)]

    def shopper(index: int) -> None:
        own = random.Random(index)
        try:
            while syncing.is_set():
                store, product = own.choice(hot)
                started = time.monotonic()
                try:
                    (held,) = stock_reserve(
                        location=store,
                        lines=[(product, own.randint(1, 3))],
                        reference_kind="order",
                        reference=f"o-{index}-{len(results[index])}",
                    )
                    outcome = "reserved"
                    if own.random() < 0.3:
                        reservation_release(reservations=[held])
                except InsufficientStockError:
                    outcome = "short"
                results[index].append((outcome, time.monotonic() - started))
        except BaseException as exc:
            results[index].append((exc, 0.0))

    def sync():
        try:
            started = time.monotonic()
            return stock_feed_apply(run=run, chunk_size=2_000), time.monotonic() - started
        finally:
            syncing.clear()

    synced, *_ = run_concurrently([sync, *(partial(shopper, i) for i in range(SHOPPERS))])
    if isinstance(synced, Exception):
        raise synced
    finished, took = synced

    outcomes = [o for per_thread in results for o in per_thread]
    failures = [o for o, _ in outcomes if not isinstance(o, str)]
    assert not failures, f"shoppers failed: {failures[:3]!r}"
    reserved = sum(1 for o, _ in outcomes if o == "reserved")
    assert reserved > 50, f"only {reserved} reservations while a {took:.1f}s sync ran"
    slowest = max(seconds for _, seconds in outcomes)
    print(f"\nsync {took:.1f}s; {len(outcomes)} reservation calls, slowest {slowest * 1000:.0f} ms")

    assert finished.status == StockFeedRun.Status.SUCCEEDED
    assert (finished.rows_read, finished.rows_total) == (STORES * PRODUCTS,) * 2
    got = {
        (code, sku): on_hand
        for code, sku, on_hand in StockLevel.objects.values_list(
            "location__code", "product__sku", "on_hand"
        )
    }
    assert got == counts  # the count is the truth, whatever was reserved meanwhile
    changed = sum(1 for n in counts.values() if n != 20)
    assert finished.rows_changed == changed
    assert StockMovement.objects.filter(source_document="erp-nightly").count() == changed
    assert Reservation.objects.filter(status="active").exists()
