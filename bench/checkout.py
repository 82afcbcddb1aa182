"""Benchmark: 10-line click-and-collect checkouts paid by gift card + card, 8 threads, 1 store.

Usage::

    .venv/bin/python bench/checkout.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/checkout.py --quick          # 3 s run, smaller exhaustion run
    .venv/bin/python bench/checkout.py --threads 8 --lines 10 --skus 200 --seconds 10

Needs PostgreSQL (the point is row-lock contention on stock rows and gift
cards).  On the server the URL names it drops and creates the database
``bench_checkout``, migrates it and builds one click-and-collect store, a
webshop with a price list, ``--skus`` SKUs with plenty of stock, one
customer per thread and a few shared gift cards (the helpers of
``bench/reservations.py`` set Django up).  Then:

1. **queries per order**: one ``order_place`` each of 1, 5, 10 and 20 lines
   under ``CaptureQueriesContext``, the statements grouped by kind side by
   side; a kind whose count grows with the lines is a per-line query;
2. **throughput**: ``--threads`` threads place ``--lines``-line orders
   (random SKUs, 1-2 units; 10 % off everything and 3 for 2 on 50 SKUs) with
   a 50.00 gift-card tender (four cards shared
   by all threads) and an external payment for the rest, for ``--seconds``;
   orders/s and the p50/p99 latency of ``order_place``;
3. **exhaustion**: the threads keep ordering 10 of 20 scarce SKUs (30 units
   each); half of them pay from one small gift card that runs dry.  Stock
   and balance refuse orders; nothing may be oversold or overdrawn.

Afterwards it checks the whole database: stock rows against their ledger and
active reservations (``inventory.invariant.stock_drift``), 0 <= reserved <=
on hand, reserved = the order lines placed, gift-card balances and holds
against their ledger (``stored_value_book_check``), held <= balance, held =
the gift-card tenders of the orders.  Customer notifications are queued to
the outbox as in production, and published to an in-memory broker nobody
consumes (``REDIS_URL`` is ignored), so no e-mail is sent.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script this folder comes first on sys.path, where bench/pricing.py would shadow
# the pricing app; the repository root must come first instead.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

from bench.reservations import django_setup  # noqa: E402

DATABASE = "bench_checkout"
STOCK = 1_000_000
CARD_BALANCE = Decimal("10000000.00")
SHARED_CARDS = 4
CARD_TENDER = Decimal("50.00")
SCARCE_SKUS = 20
SCARCE_STOCK = 30
SMALL_CARD_BALANCE = Decimal("1000.00")  # 20 tenders of 50.00
BASKET_SIZES = (1, 5, 10, 20)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server URL (default DATABASE_URL); only its host, port, user are used",
    )
    parser.add_argument("--threads", type=int, default=8, help="checkout threads")
    parser.add_argument("--skus", type=int, default=200, help="SKUs the orders draw from")
    parser.add_argument("--lines", type=int, default=10, help="lines per order")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the run")
    parser.add_argument(
        "--attempts", type=int, default=40, help="orders each thread tries in the exhaustion run"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a 3 s run and 15 exhaustion attempts per thread"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.attempts = 3.0, 15
    if args.lines > args.skus or args.lines > SCARCE_SKUS:
        parser.error(f"--lines must be at most --skus and {SCARCE_SKUS}")
    return args


def bench_url(server_url: str | None) -> str:
    parts = urlsplit(server_url or "")
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("bench/checkout.py needs PostgreSQL: pass --postgres or set DATABASE_URL")
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def database_recreate(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


# --- the world ---------------------------------------------------------------------------


class World:
    """What the checkouts need: channel, store, SKUs (plenty and scarce), customers, cards."""

    def __init__(self, *, skus: int, threads: int):
        from datetime import UTC, date, datetime

        from inventory.services import stock_receive
        from loyalty.services.stored_value import stored_value_issue
        from pricing.models import Campaign, CampaignTarget, PriceList, PriceListEntry
        from retail.gtin import gtin14, gtin_with_check_digit
        from retail.models import (
            Category,
            Channel,
            Customer,
            OpeningHours,
            Product,
            ProductGtin,
            Store,
            VatClass,
            VatRate,
        )

        since = datetime(2020, 1, 1, tzinfo=UTC)
        self.channel = Channel.objects.create(
            code="WEB-DK", name="Webshop DK", kind="webshop", country="DK", currency="DKK",
            language="da",
        )  # fmt: skip
        vat = VatClass.objects.create(code="STANDARD", name="Standard")
        VatRate.objects.create(
            country="DK", vat_class=vat, rate=Decimal(25), valid_from=date(2020, 1, 1)
        )
        self.store = Store.objects.create(
            code="BENCH1", name="Bench store", country="DK", time_zone="Europe/Copenhagen",
            street="Benchvej 1", postal_code="1000", city="København", latitude=55.68,
            longitude=12.57, click_and_collect=True,
        )  # fmt: skip
        OpeningHours.objects.bulk_create(
            OpeningHours(store=self.store, weekday=day, opens_at="10:00", closes_at="18:00")
            for day in range(7)
        )
        category = Category.objects.add_root({"code": "BENCH", "name": "Bench"})
        prices = PriceList.objects.create(code="DK-PUBLIC", name="Public DK", currency="DKK")
        prices.channels.set([self.channel])
        # Campaigns, so the engine allocates discounts: 10 % off everything, 3 for 2 on 50 SKUs.
        ten = Campaign.objects.create(
            code="BENCH-10",
            name="10 % off",
            kind="percent_off",
            status="active",
            valid_from=since,
            percent=Decimal(10),
        )
        CampaignTarget.objects.create(campaign=ten, category=category)
        multibuy = Campaign.objects.create(
            code="BENCH-3FOR2", name="3 for 2", kind="multibuy", status="active",
            valid_from=since, buy_quantity=3, pay_quantity=2, priority=1,
        )  # fmt: skip
        rng = random.Random("checkout")
        names = [f"BENCH-{n:04d}" for n in range(skus)]
        names += [f"SCARCE-{n:02d}" for n in range(SCARCE_SKUS)]
        products = Product.objects.bulk_create(
            Product(sku=sku, name=f"Item {sku}", category=category, vat_class=vat) for sku in names
        )
        CampaignTarget.objects.bulk_create(
            CampaignTarget(campaign=multibuy, product=p) for p in products[:50]
        )
        ProductGtin.objects.bulk_create(
            ProductGtin(
                product=p,
                gtin=(g := gtin_with_check_digit(f"{2_000_000_000 + n:012d}")),
                gtin14=gtin14(g),
                is_primary=True,
            )
            for n, p in enumerate(products)
        )
        PriceListEntry.objects.bulk_create(
            PriceListEntry(
                price_list=prices,
                product=p,
                amount=Decimal(rng.randrange(60, 600)) - Decimal("0.05"),
                valid_from=since,
            )
            for p in products
        )
        for product in products:
            stock = SCARCE_STOCK if product.sku.startswith("SCARCE") else STOCK
            stock_receive(
                location=self.store,
                product=product,
                quantity=stock,
                source_key=f"bench:{product.sku}",
            )
        self.skus = names[:skus]
        self.scarce = names[skus:]
        self.customers = Customer.objects.bulk_create(
            Customer(first_name="Bench", last_name=f"Shopper {n}", email=f"shopper{n}@example.dk",
                     language="da")
            for n in range(threads)
        )  # fmt: skip

        def card(n: int, amount: Decimal) -> str:
            return stored_value_issue(
                kind="gift_card", amount=amount, currency="DKK", source_key=f"bench:card:{n}",
                at=since,
            )[1]  # fmt: skip

        self.cards = [card(n, CARD_BALANCE) for n in range(SHARED_CARDS)]
        self.small_card = card(SHARED_CARDS, SMALL_CARD_BALANCE)


def checkout(world: World, *, customer, lines, card: str, reference: str):
    """One click-and-collect order: a 50.00 gift-card tender and a card payment for the rest."""
    from orders.services.place import order_place
    from orders.services.tenders import TenderRequest

    return order_place(
        channel=world.channel,
        customer=customer,
        lines=lines,
        fulfilment="click_collect",
        collect_store=world.store,
        tenders=[
            TenderRequest(kind="gift_card", amount=CARD_TENDER, code=card),
            TenderRequest(kind="external", external_reference=reference, provider="card"),
        ],
    )


# --- 1. queries per order ----------------------------------------------------------------

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|%s")


def statement_kind(sql: str) -> str:
    """A short label of one statement: its verb and table, literals dropped."""
    sql = _LITERALS.sub("?", " ".join(sql.split()))
    verb = sql.split(" ", 1)[0].upper()
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return verb.lower()
    if verb == "WITH":
        tables = re.findall(r'(?:UPDATE|INSERT INTO)\s+"?(\w+)"?', sql)
        tables = tables or re.findall(r'FROM\s+"?([a-z]\w+)"?', sql)[:1]
        return "with " + "+".join(dict.fromkeys(tables))
    table = re.search(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', sql)
    label = f"{verb.lower()} {table.group(1) if table else ''}"
    if verb == "SELECT" and " FOR UPDATE" in sql:
        label += " for update"
    return label


def queries_per_order(world: World) -> dict[int, Counter]:
    """Statement kinds of one order_place per basket size (after one warm-up order)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random("queries")
    customer = world.customers[0]
    checkout(
        world, customer=customer, lines=[(world.skus[0], 1)], card=world.cards[0], reference="warm"
    )
    counts = {}
    for size in BASKET_SIZES:
        lines = [(sku, rng.randint(1, 2)) for sku in rng.sample(world.skus, size)]
        with CaptureQueriesContext(connection) as queries:
            checkout(
                world, customer=customer, lines=lines, card=world.cards[0], reference=f"q{size}"
            )
        counts[size] = Counter(statement_kind(q["sql"]) for q in queries.captured_queries)
    return counts


# --- 2. and 3. threads -------------------------------------------------------------------


def threads_run(work, *, threads: int) -> tuple[list, float]:
    """Run ``work(index)`` in ``threads`` threads released together; return results, seconds."""
    from django.db import connection

    barrier = threading.Barrier(threads + 1)
    results: list = [None] * threads

    def run(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(f"{len(failed)} thread(s) failed: {failed[0]!r}") from failed[0]
    return results, elapsed


def throughput_run(world: World, *, threads: int, lines: int, seconds: float) -> dict:
    def work(index: int) -> list[float]:
        rng = random.Random(f"checkout:{index}")
        latencies = []
        stop_at = time.perf_counter() + seconds
        while time.perf_counter() < stop_at:
            basket = [(sku, rng.randint(1, 2)) for sku in rng.sample(world.skus, lines)]
            started = time.perf_counter()
            checkout(
                world,
                customer=world.customers[index],
                lines=basket,
                card=world.cards[index % len(world.cards)],
                reference=f"run:{index}:{len(latencies)}",
            )
            latencies.append(time.perf_counter() - started)
        return latencies

    results, elapsed = threads_run(work, threads=threads)
    latencies = sorted(t for per_thread in results for t in per_thread)
    return {
        "orders": len(latencies),
        "seconds": elapsed,
        "orders_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


def exhaustion_run(world: World, *, threads: int, lines: int, attempts: int) -> Counter:
    """Order scarce SKUs until stock and the small card refuse; count outcomes by kind."""
    from inventory.errors import InsufficientStockError
    from loyalty.errors import InsufficientBalanceError

    def work(index: int) -> Counter:
        rng = random.Random(f"exhaust:{index}")
        card = world.small_card if index % 2 else world.cards[0]
        outcome = Counter()
        for attempt in range(attempts):
            basket = [(sku, 1) for sku in rng.sample(world.scarce, lines)]
            try:
                checkout(
                    world,
                    customer=world.customers[index],
                    lines=basket,
                    card=card,
                    reference=f"exhaust:{index}:{attempt}",
                )
                outcome["placed"] += 1
            except InsufficientStockError:
                outcome["refused: stock"] += 1
            except InsufficientBalanceError:
                outcome["refused: gift card balance"] += 1
        return outcome

    results, _ = threads_run(work, threads=threads)
    return sum(results, Counter())


# --- proof -------------------------------------------------------------------------------


def invariant_problems(world: World) -> tuple[list[str], dict]:
    """Problems found (empty when none) and a few figures for the report."""
    from django.db.models import Sum

    from inventory.invariant import stock_drift
    from inventory.models import Reservation, StockLevel
    from loyalty.models import StoredValueAccount
    from loyalty.services.stored_value import stored_value_book_check
    from orders.models import Order, OrderLine, Tender

    problems = [str(d) for d in stock_drift()]
    problems += [f"stored value drift: {row}" for row in stored_value_book_check()]
    ordered = dict(
        OrderLine.objects.values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    held = dict(
        Reservation.objects.filter(status="active")
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    for level in StockLevel.objects.filter(location=world.store).select_related("product"):
        sku = level.product.sku
        if not 0 <= level.reserved <= level.on_hand:
            problems.append(f"{sku}: reserved {level.reserved} outside 0..{level.on_hand}")
        if level.reserved != held.get(level.product_id, 0):
            problems.append(
                f"{sku}: reserved {level.reserved} != reservations {held.get(level.product_id)}"
            )
        if level.reserved != ordered.get(level.product_id, 0):
            problems.append(
                f"{sku}: reserved {level.reserved} != ordered {ordered.get(level.product_id)}"
            )
    tendered = dict(
        Tender.objects.filter(kind="gift_card")
        .values("stored_value_account_id")
        .annotate(total=Sum("amount"))
        .values_list("stored_value_account_id", "total")
    )
    small = None
    for account in StoredValueAccount.objects.filter(kind="gift_card"):
        if not 0 <= account.held <= account.balance:
            problems.append(f"card {account.code[-4:]}: held {account.held} of {account.balance}")
        if account.held != tendered.get(account.pk, 0):
            tender = tendered.get(account.pk)
            problems.append(f"card {account.code[-4:]}: held {account.held} != tendered {tender}")
        if account.code == world.small_card:
            small = account
    orders = Order.objects.count()
    with_lines = Order.objects.filter(lines__isnull=False).distinct().count()
    if with_lines != orders or Reservation.objects.values("reference").distinct().count() != orders:
        problems.append("an order without lines or reservations, or reservations without an order")
    scarce = StockLevel.objects.filter(location=world.store, product__sku__in=world.scarce)
    figures = {
        "orders": orders,
        "scarce_reserved": scarce.aggregate(units=Sum("reserved"))["units"],
        "scarce_stock": SCARCE_STOCK * len(world.scarce),
        "small_card_held": small.held if small else None,
        "discounted": Order.objects.filter(discount_amount__gt=0).count(),
    }
    return problems, figures


def report(
    args, counts: dict[int, Counter], run: dict, exhaust: Counter, problems, figures
) -> bool:
    print()
    print(
        f"Checkout: {args.lines}-line click-and-collect orders, gift card {CARD_TENDER} + card, "
        f"{args.threads} threads, {args.skus} SKUs, 1 store (PostgreSQL)"
    )
    header = f"{'orders':>7} {'seconds':>8} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    print(
        f"{run['orders']:>7,} {run['seconds']:>8.1f} {run['orders_s']:>9.1f} "
        f"{run['p50_ms']:>8.1f} {run['p99_ms']:>8.1f}"
    )
    print()
    print("SQL statements per order_place, by basket size")
    kinds = sorted(set().union(*counts.values()), key=lambda k: (-counts[BASKET_SIZES[-1]][k], k))
    header = f"{'statement':<50}" + "".join(
        f"{f'{n} line' + ('s' if n > 1 else ''):>10}" for n in BASKET_SIZES
    )
    print(header)
    print("-" * len(header))
    growing = []
    for kind in kinds:
        row = [counts[n][kind] for n in BASKET_SIZES]
        mark = "  <- per line" if row[-1] > row[0] else ""
        if mark:
            growing.append(kind)
        print(f"{kind[:50]:<50}" + "".join(f"{c:>10}" for c in row) + mark)
    totals = [sum(counts[n].values()) for n in BASKET_SIZES]
    print(f"{'total':<50}" + "".join(f"{c:>10}" for c in totals))
    print()
    outcome = ", ".join(f"{kind} {n}" for kind, n in sorted(exhaust.items()))
    print(f"{figures['discounted']:,} of {figures['orders']:,} orders got a campaign discount.")
    print(
        f"Exhaustion: {args.threads} threads x {args.attempts} orders of {args.lines} scarce SKUs: "
        f"{outcome}; {figures['scarce_reserved']} of {figures['scarce_stock']} scarce units "
        f"reserved; small card held {figures['small_card_held']} of {SMALL_CARD_BALANCE}"
    )
    checks = [
        (
            "queries per order do not grow with lines"
            + (f" (growing: {', '.join(growing)})" if growing else f" ({totals[0]} each)"),
            not growing,
        ),
        (
            f"no oversell, no overdraw over {figures['orders']:,} orders: stock = ledger, "
            "0 <= reserved <= on hand, reserved = reservations = ordered units, gift cards = "
            "ledger, held <= balance, held = gift-card tenders",
            not problems,
        ),
        ("the exhaustion run refused orders on stock and on balance",
         exhaust["refused: stock"] > 0 and exhaust["refused: gift card balance"] > 0),
    ]  # fmt: skip
    for text, ok in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}")
    for problem in problems[:20]:
        print(f"         {problem}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end: {load} on {os.cpu_count()} CPUs")
    return all(ok for _, ok in checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = bench_url(args.postgres)
    database_recreate(url)
    # Notifications go to the outbox and an in-memory broker, as queued in production.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["EMAIL_URL"] = "memorymail://"
    django_setup(url)
    logging.getLogger("kombu").setLevel(logging.ERROR)  # the in-memory broker has no host
    world = World(skus=args.skus, threads=args.threads)
    print(
        f"database {DATABASE}: 1 store, {args.skus} SKUs of {STOCK:,} units and "
        f"{SCARCE_SKUS} of {SCARCE_STOCK}; {args.threads} threads for {args.seconds:g} s"
    )
    counts = queries_per_order(world)
    run = throughput_run(world, threads=args.threads, lines=args.lines, seconds=args.seconds)
    exhaust = exhaustion_run(world, threads=args.threads, lines=args.lines, attempts=args.attempts)
    problems, figures = invariant_problems(world)
    return 0 if report(args, counts, run, exhaust, problems, figures) else 1


if __name__ == "__main__":
    sys.exit(main())
