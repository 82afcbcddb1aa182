"""Benchmark: reserving one hot SKU at 16 clients, against pgbench's ceiling and a naive version.

Usage::

    .venv/bin/python bench/reservations.py                     # DATABASE_URL's server
    .venv/bin/python bench/reservations.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/reservations.py --seconds 5 --rounds 1 --threads 16

Needs PostgreSQL (it is about row-lock contention) and ``pgbench`` (on PATH or
under ``/usr/lib/postgresql/*/bin``).  On the server the URL names it drops
and creates the database ``bench_reservations``, migrates it and builds one
store with hot SKUs of ten million units each.  Then, in ``--rounds`` rounds
(the order rotating, so load elsewhere on the machine favours no one):

1. the ceiling: ``pgbench -n -c 16 -j 2 -T <seconds>`` running
   ``stock_reserve``'s conditional UPDATE (``reserved + 1 WHERE on_hand -
   reserved >= 1``) on one row, one statement per transaction (its own SKU,
   reset afterwards);
2. ours: ``stock_reserve`` of one unit, 16 threads, the hot SKU (on
   PostgreSQL one statement: the UPDATE with the reservation INSERT chained);
3. ours, basket: ``stock_reserve`` of the hot SKU plus one other item per
   thread, the transaction path every multi-line basket takes (for
   information, no target);
4. naive: ``select_for_update()`` + a Python check + ``save()`` + the
   reservation row, 16 threads, the hot SKU.

It prints ops/s (median of the rounds), ours against the ceiling (target
>= 50 %) and against the naive version (target >= 3x), both as medians of
the per-round ratios, then proves zero oversell: an exhaustion run (16
threads until a SKU of 2,000 units is gone: exactly 2,000 reserved) and the
whole-database invariant (on hand = movements, reserved = active
reservations, reserved <= on hand).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

DATABASE = "bench_reservations"
HOT_STOCK = 10_000_000
EXHAUST_STOCK = 2_000
TARGET_OF_CEILING = 0.50
TARGET_OVER_NAIVE = 3.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server URL (default DATABASE_URL); only its host, port, user are used",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each run")
    parser.add_argument("--threads", type=int, default=16, help="clients and threads")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of all three runs (medians are reported)"
    )
    return parser.parse_args(argv)


def bench_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("bench/reservations.py needs PostgreSQL: pass --postgres or set DATABASE_URL")
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def database_recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "retail.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def world_build(threads: int):
    """One store; SKUs for pgbench, the hot one, the exhaustion run, one other per thread."""
    from inventory.services import stock_receive
    from retail.models import Category, Product, Store, VatClass

    category = Category.objects.add_root({"code": "BENCH", "name": "Bench"})
    vat = VatClass.objects.create(code="STANDARD", name="Standard")
    store = Store.objects.create(
        code="BENCH1",
        name="Bench store",
        country="DK",
        time_zone="Europe/Copenhagen",
        street="Benchvej 1",
        postal_code="1000",
        city="København",
        latitude=55.68,
        longitude=12.57,
    )
    products = {}
    stocks = [("pgbench", HOT_STOCK), ("hot", HOT_STOCK), ("exhaust", EXHAUST_STOCK)]
    stocks += [(f"other{n}", HOT_STOCK) for n in range(threads)]
    for name, stock in stocks:
        product = Product.objects.create(
            sku=f"BENCH-{name.upper()}", name=name, category=category, vat_class=vat
        )
        stock_receive(location=store, product=product, quantity=stock, source_key=f"bench:{name}")
        products[name] = product
    return store, products


# --- the three contenders ------------------------------------------------------------


def pgbench_binary() -> str:
    found = shutil.which("pgbench") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None
    )
    if not found:
        sys.exit("pgbench not found: install postgresql-client (or postgresql-contrib)")
    return found


def reserve_update_sql(store, product) -> str:
    """``stock_reserve``'s conditional UPDATE for one unit of ``product``, values filled in."""
    from django.db import connection
    from django.utils import timezone

    from inventory.services.reserve import _RESERVE_SQL

    params = {
        "quantity": 1,
        "at": timezone.now(),
        "location": store.pk,
        "product": product.pk,
        "buffer": 0,  # a till's reservation: no channel buffer
    }
    return " ".join(connection.ops.compose_sql(_RESERVE_SQL, params).split()) + ";\n"


def ceiling_run(url: str, store, product, *, clients: int, seconds: float) -> dict:
    """pgbench running stock_reserve's conditional UPDATE on one row, one per transaction."""
    from inventory.models import StockLevel

    statement = reserve_update_sql(store, product)
    parts = urlsplit(url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(statement)
    try:
        command = [
            pgbench_binary(),
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(round(seconds)),
            "-f",
            script.name,
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            DATABASE,
        ]
        out = subprocess.run(  # noqa: S603 - our own argv, no shell
            command, env=env, capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    done = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
    # pgbench's row has no reservation rows behind it; put it back so the invariant holds.
    StockLevel.objects.filter(location=store, product=product).update(reserved=0)
    return {"ops": done, "seconds": done / tps, "ops_s": tps, "command": " ".join(command)}


def ours_reserve(store, lines, reference: str) -> None:
    from inventory.services import stock_reserve

    stock_reserve(location=store, lines=lines, reference_kind="order", reference=reference)


def naive_reserve(store, lines, reference: str) -> None:
    """What one writes first: lock the row, check in Python, save the model, add the hold."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from inventory.errors import InsufficientStockError
    from inventory.models import Reservation, StockLevel

    ((product, _),) = lines
    now = timezone.now()
    with transaction.atomic():
        level = StockLevel.objects.select_for_update().get(location=store, product=product)
        if level.on_hand - level.reserved < 1:
            raise InsufficientStockError()
        level.reserved += 1
        level.save()
        Reservation.objects.create(
            location=store,
            product=product,
            quantity=1,
            reference_kind="order",
            reference=reference,
            created_at=now,
            expires_at=now + timedelta(minutes=30),
        )


def threads_run(
    reserve: Callable[[object, list, str], None],
    store,
    basket: Callable[[int], list],
    *,
    name: str,
    threads: int,
    seconds: float | None,
) -> dict:
    """Call ``reserve(store, basket(thread), reference)`` from ``threads`` threads at once.

    For ``seconds``; with ``seconds`` None each thread runs until its stock is gone.
    """
    from django.db import connection

    from inventory.errors import InsufficientStockError

    barrier = threading.Barrier(threads + 1)
    counts = [0] * threads
    refused = [0] * threads
    failures: list[BaseException] = []
    stop_at = [0.0]

    def work(index: int) -> None:
        try:
            lines = basket(index)
            connection.ensure_connection()
            barrier.wait()
            n = 0
            while seconds is None or time.perf_counter() < stop_at[0]:
                n += 1
                try:
                    reserve(store, lines, f"{name}:{index}:{n}")
                    counts[index] += 1
                except InsufficientStockError:
                    refused[index] += 1
                    if seconds is None:
                        return
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    stop_at[0] = time.perf_counter() + (seconds or 0)
    started = time.perf_counter()
    barrier.wait()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{name}: {len(failures)} thread(s) failed: {failures[0]!r}")
    done = sum(counts)
    return {"ops": done, "refused": sum(refused), "seconds": elapsed, "ops_s": done / elapsed}


# --- proof --------------------------------------------------------------------------


def oversell_check(store, exhaust: dict) -> list[str]:
    """Problems found (empty when none): oversell, drift, exhaustion not exact."""
    from django.db.models import Sum

    from inventory.invariant import stock_drift
    from inventory.models import Reservation, StockLevel

    problems = [str(d) for d in stock_drift()]
    for level in StockLevel.objects.filter(location=store):
        if not 0 <= level.reserved <= level.on_hand:
            problems.append(f"{level}: reserved outside 0..on hand")
        held = Reservation.objects.filter(
            location=store, product_id=level.product_id, status="active"
        ).aggregate(units=Sum("quantity"))["units"]
        if level.reserved != (held or 0):
            problems.append(f"{level}: reserved {level.reserved} != active holds {held}")
    if exhaust["ops"] != EXHAUST_STOCK:
        problems.append(f"exhaustion reserved {exhaust['ops']} of {EXHAUST_STOCK} units")
    return problems


def _median(values: list[float]) -> float:
    return statistics.median(values)


LABELS = {
    "ceiling": "pgbench: one conditional UPDATE (ceiling)",
    "ours": "ours: stock_reserve, 1 line",
    "basket": "ours: stock_reserve, hot + 1 other line",
    "naive": "naive: select_for_update + save()",
}


def report(rounds: list[dict], exhaust: dict, problems: list[str], threads: int) -> bool:
    """Print the table (medians over rounds, ratios paired per round) and the checks."""
    of_ceiling = statistics.median(r["ours"]["ops_s"] / r["ceiling"]["ops_s"] for r in rounds)
    over_naive = statistics.median(r["ours"]["ops_s"] / r["naive"]["ops_s"] for r in rounds)
    print()
    print(f"Reserving 1 unit of one hot SKU, {threads} clients, {len(rounds)} round(s)")
    header = f"{'implementation':<42} {'ops/s':>7} {'vs ceiling':>10}  per round"
    print(header)
    print("-" * (len(header) + 12))
    ceiling = statistics.median(r["ceiling"]["ops_s"] for r in rounds)
    for name, label in LABELS.items():
        rates = [r[name]["ops_s"] for r in rounds]
        each = " ".join(f"{rate:,.0f}" for rate in rates)
        median = statistics.median(rates)
        print(f"{label:<42} {median:>7,.0f} {median / ceiling:>10.0%}  {each}")
    print()
    checks = [
        (
            f"ours / ceiling = {of_ceiling:.0%} (target >= {TARGET_OF_CEILING:.0%})",
            of_ceiling >= TARGET_OF_CEILING,
        ),
        (
            f"ours / naive = {over_naive:.1f}x (target >= {TARGET_OVER_NAIVE:.0f}x)",
            over_naive >= TARGET_OVER_NAIVE,
        ),
        (
            f"zero oversell: exhaustion reserved exactly {exhaust['ops']:,} of "
            f"{EXHAUST_STOCK:,} ({exhaust['refused']} refused); "
            "on hand >= reserved = active reservations; ledger invariant",
            not problems,
        ),
    ]
    for text, ok in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}")
    for problem in problems[:20]:
        print(f"         {problem}")
    print("  (ratios: medians of the per-round ratios; a round runs all four back to back)")
    print(f"\nceiling command: {rounds[0]['ceiling']['command']}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end: {load} on {os.cpu_count()} CPUs")
    return all(ok for _, ok in checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.postgres:
        sys.exit("bench/reservations.py needs PostgreSQL: pass --postgres or set DATABASE_URL")
    url = bench_url(args.postgres)
    database_recreate(url)
    django_setup(url)
    store, products = world_build(args.threads)
    print(
        f"database {DATABASE}: 1 store, hot SKUs of {HOT_STOCK:,} units; "
        f"{args.rounds} round(s) of {args.seconds:g} s runs, {args.threads} clients"
    )
    hot = products["hot"]

    def threaded(reserve, name, basket):
        return lambda: threads_run(
            reserve, store, basket, name=name, threads=args.threads, seconds=args.seconds
        )

    contenders = [
        (
            "ceiling",
            lambda: ceiling_run(
                url, store, products["pgbench"], clients=args.threads, seconds=args.seconds
            ),
        ),
        ("ours", threaded(ours_reserve, "ours", lambda n: [(hot, 1)])),
        (
            "basket",
            threaded(ours_reserve, "basket", lambda n: [(hot, 1), (products[f"other{n}"], 1)]),
        ),
        ("naive", threaded(naive_reserve, "naive", lambda n: [(hot, 1)])),
    ]
    rounds = []
    for number in range(args.rounds):
        result = {}
        shift = number % len(contenders)
        for name, run in contenders[shift:] + contenders[:shift]:
            result[name] = run()
            print(f"  round {number + 1}: {name:<7} {result[name]['ops_s']:>8,.0f} ops/s")
        rounds.append(result)
    exhaust = threads_run(
        ours_reserve,
        store,
        lambda n: [(products["exhaust"], 1)],
        name="exhaust",
        threads=args.threads,
        seconds=None,
    )
    problems = oversell_check(store, exhaust)
    return 0 if report(rounds, exhaust, problems, args.threads) else 1


if __name__ == "__main__":
    sys.exit(main())
