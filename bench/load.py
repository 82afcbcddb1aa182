"""Load with invariants: a realistic mix against gunicorn on PostgreSQL, then the books checked.

Usage::

    .venv/bin/python bench/load.py --seconds 60 --users 20
    .venv/bin/python bench/load.py --quick                  # 15 s mix, 5 s per yardstick

Needs PostgreSQL and Redis: ``DATABASE_URL`` names the server (the script drops and
creates the database ``bench_load`` there), ``REDIS_URL`` the broker and cache (its
queues are emptied first).  It migrates, runs ``seed_demo`` (``--stores``,
``--products``, ``--customers``), sells ``--gift-cards`` gift cards over the API, and
starts the production layout of ``tests/runtime/stack.py``: gunicorn
(``--web-workers`` processes, production settings with ``/bench/ping/`` added:
``bench/api_settings.py``) and a
Celery worker that sends the orders' notifications to files.  Then locust, headless,
in its own process (``bench/load_users.py``):

1. **the mix** for ``--seconds`` with ``--users`` users and no think time: listing-page
   price lookups (24 SKUs), availability lookups (5 SKUs at Copenhagen), basket pricing
   (5 and 20 lines), reservations (half released again) and click-and-collect orders on
   ``--hot`` hot SKUs, POS receipts at the Copenhagen till, gift-card redemptions, and
   the trivial JSON view; requests/s, p50/p95/p99 and errors per operation, and the
   refusals (409 out of stock or balance) the API is right to give;
2. **the yardstick**: the same users on ``/bench/ping/`` only (the trivial API-key
   authenticated DRF view of ``bench/api.py``), then on 5-line baskets only, each for
   ``--compare-seconds``; basket-5 throughput / trivial throughput (target >= 0.3).

Afterwards, from the database: no stock row oversold (0 <= reserved <= on hand), on
hand = the sum of movements and reserved = the active reservations (``stock_check``),
every points and stored-value balance = the sum of its entries (``points_check``,
``stored_value_check``), and every order the run placed consistent (total = its lines,
tenders pay the total, its stock reserved while it is open).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.runtime.stack import (  # noqa: E402
    BIN,
    PROXY_HEADERS,
    Stack,
    database_drop,
    sql_connect,
    with_database,
)

USERS = {"mix": "MixUser", "ping": "PingUser", "basket5": "Basket5User"}
OPERATIONS = [
    "listing prices",
    "availability",
    "basket 5 lines",
    "basket 20 lines",
    "reservation",
    "reservation release",
    "order place",
    "pos receipt",
    "gift card redeem",
    "trivial json",
]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--compare-seconds", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--stores", type=int, default=4)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--gift-cards", type=int, default=20)
    parser.add_argument("--hot", type=int, default=3, help="hot SKUs for reservations, orders")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the bench_load database")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.compare_seconds = 15, 5
    return args


def _data(stack: Stack, args, workdir: Path) -> Path:
    """Pick what the users send from the seeded database; sell the gift cards over the API."""
    db = sql_connect(stack.database_url)
    store = "DK-CPH01"
    priced = db.execute(
        """
        SELECT DISTINCT ON (p.sku) p.sku, e.amount FROM pricing_pricelistentry e
        JOIN pricing_pricelist l ON l.id = e.price_list_id
        JOIN retail_product p ON p.id = e.product_id
        WHERE l.code = 'PUBLIC-DK' AND p.is_active AND e.valid_from <= now()
        AND (e.valid_to IS NULL OR e.valid_to > now())
        ORDER BY p.sku, e.valid_from DESC
        """
    ).fetchall()
    prices = {sku: str(price) for sku, price in priced}
    hot = [
        sku
        for (sku,) in db.execute(
            """
            SELECT p.sku FROM inventory_stocklevel s
            JOIN retail_store st ON st.id = s.location_id
            JOIN retail_product p ON p.id = s.product_id
            WHERE st.code = %s AND p.sku = ANY(%s) AND s.on_hand - s.reserved > 0
            ORDER BY s.on_hand - s.reserved DESC, p.sku LIMIT %s
            """,
            [store, list(prices), args.hot],
        )
    ]
    customers = [
        str(public_id)
        for (public_id,) in db.execute(
            "SELECT public_id FROM retail_customer WHERE market = 'DK' ORDER BY id LIMIT 100"
        )
    ]
    db.close()
    web = {**PROXY_HEADERS, "Authorization": f"Api-Key {stack.keys['Webshop DK']}"}
    cards = []
    for _ in range(args.gift_cards):
        sold = requests.post(
            f"{stack.base_url}/api/v1/loyalty/gift-cards/",
            json={"amount": "2000.00", "currency": "DKK"},
            headers={**web, "Idempotency-Key": uuid.uuid4().hex},
            timeout=30,
        )
        sold.raise_for_status()
        cards.append(sold.json()["code"])
    data = {
        "keys": {"web": stack.keys["Webshop DK"], "pos": stack.keys["POS DK-CPH01 till 1"]},
        "store": store,
        "currency": "DKK",
        "skus": sorted(prices),
        "prices": prices,
        "hot_skus": hot,
        "customers": customers,
        "gift_cards": cards,
    }
    path = workdir / "load-data.json"
    path.write_text(json.dumps(data))
    return path


def _locust(stack: Stack, data: Path, mix: str, users: int, seconds: int, workdir: Path):
    """Run locust headless with ``mix``; return its stats rows by name and the failures."""
    prefix = workdir / f"locust-{mix}"
    env = {**os.environ, "BENCH_LOAD_DATA": str(data)}
    subprocess.run(  # noqa: S603  (our own locust with our own arguments)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load_users.py"),
            "--headless",
            f"--users={users}",
            f"--spawn-rate={users}",
            f"--run-time={seconds}s",
            f"--host={stack.base_url}",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
            "--stop-timeout=10",
            USERS[mix],
        ],
        env=env,
        check=False,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[(row["Type"], row["Name"])] = row
    failures = []
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    return rows, failures


def _figure(row: dict) -> dict:
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def _report(rows: dict, seconds: int) -> dict:
    figures = {}
    print(
        f"\n{'operation':<22} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'requests':>9} {'errors':>7} {'refused':>8}"
    )
    for name in OPERATIONS:
        found = [row for (kind, n), row in rows.items() if n == name and kind != "REFUSED"]
        if not found:
            continue
        figure = _figure(found[0])
        refused = rows.get(("REFUSED", name))
        figure["refused"] = int(refused["Request Count"]) if refused else 0
        figures[name] = figure
        print(
            f"{name:<22} {figure['rps']:>8.1f} {figure['p50']:>7.0f} {figure['p95']:>7.0f} "
            f"{figure['p99']:>7.0f} {figure['requests']:>9,} {figure['errors']:>7,} "
            f"{figure['refused']:>8,}"
        )
    total = rows.get(("", "Aggregated"))
    if total:
        figures["all"] = _figure(total)
        print(
            f"{'all':<22} {figures['all']['rps']:>8.1f} {figures['all']['p50']:>7.0f} "
            f"{figures['all']['p95']:>7.0f} {figures['all']['p99']:>7.0f} "
            f"{figures['all']['requests']:>9,} {figures['all']['errors']:>7,}"
        )
    return figures


def _invariants(stack: Stack, run_started: str) -> dict[str, object]:
    """Check the books from the database; return each check's problems (empty: holds)."""
    db = sql_connect(stack.database_url)
    problems: dict[str, object] = {}
    problems["stock oversold (reserved > on hand or negative)"] = db.execute(
        "SELECT id, on_hand, reserved FROM inventory_stocklevel "
        "WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand"
    ).fetchall()
    problems["order total != its lines"] = db.execute(
        """
        SELECT o.number FROM orders_order o
        WHERE o.placed_at >= %s AND o.total_amount <> (
            SELECT coalesce(sum(l.total_amount), 0) FROM orders_orderline l
            WHERE l.order_id = o.id AND l.status <> 'removed')
        """,
        [run_started],
    ).fetchall()
    problems["order tenders != its total"] = db.execute(
        """
        SELECT o.number FROM orders_order o
        WHERE o.placed_at >= %s AND o.total_amount <> (
            SELECT coalesce(sum(t.amount), 0) FROM orders_tender t WHERE t.order_id = o.id)
        """,
        [run_started],
    ).fetchall()
    problems["open order's stock not reserved"] = db.execute(
        """
        SELECT o.number FROM orders_order o
        WHERE o.placed_at >= %s AND o.status = 'new' AND o.fulfilment = 'click_collect'
        AND (SELECT coalesce(sum(l.quantity), 0) FROM orders_orderline l
             WHERE l.order_id = o.id AND l.status = 'open')
        <> (SELECT coalesce(sum(r.quantity), 0) FROM inventory_reservation r
            WHERE r.reference = 'order:' || o.number AND r.status = 'active')
        """,
        [run_started],
    ).fetchall()
    counts = dict(
        db.execute(
            "SELECT kind, count(*) FROM orders_order WHERE placed_at >= %s GROUP BY kind",
            [run_started],
        ).fetchall()
    )
    db.close()
    for command in ("stock_check", "points_check", "stored_value_check"):
        try:
            stack.manage(command)
            problems[command] = []
        except RuntimeError as failed:
            problems[command] = str(failed)[-2000:]
    print("\nInvariants (after the run, from the database):")
    for check, found in problems.items():
        print(f"  {'ok  ' if not found else 'FAIL'} {check}" + (f": {found}" if found else ""))
    print(f"  orders and receipts written by the run: {counts}")
    return problems


def main() -> int:
    args = _args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench_load database is made there).")
    redis_url = os.environ.get("REDIS_URL") or sys.exit("Set REDIS_URL.")
    import redis

    redis.Redis.from_url(redis_url).delete(
        "notifications", "stock_feeds", "imports", "sweeps", "default", "celery"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    stack = Stack(
        database_url=with_database(server, "bench_load"),
        redis_url=redis_url,
        workdir=workdir,
        # Production settings plus /bench/ping/, the trivial authenticated DRF view.
        extra_env={
            "DJANGO_SETTINGS_MODULE": "bench.api_settings",
            "API_CLIENT_RATE": "10000000/min",
        },
    )
    started = time.monotonic()
    stack.prepare(
        seed_args=(
            "--stores", str(args.stores),
            "--products", str(args.products),
            "--customers", str(args.customers),
        )
    )  # fmt: skip
    stack.start_web(workers=args.web_workers)
    stack.start_worker(concurrency=1)
    stack.wait_ready()
    data = _data(stack, args, workdir)
    print(f"Stack ready in {time.monotonic() - started:.0f} s (logs in {workdir}).")
    db = sql_connect(stack.database_url)
    (run_started,) = db.execute("SELECT now()").fetchone()
    db.close()
    try:
        print(f"\n== the mix: {args.users} users, {args.seconds} s")
        rows, failures = _locust(stack, data, "mix", args.users, args.seconds, workdir)
        figures = {"mix": _report(rows, args.seconds)}
        for failure in failures[:10]:
            print(
                f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} "
                f"x{failure['Occurrences']}"
            )
        print(f"\n== the yardstick: {args.users} users, {args.compare_seconds} s each")
        ping, _ = _locust(stack, data, "ping", args.users, args.compare_seconds, workdir)
        basket, _ = _locust(stack, data, "basket5", args.users, args.compare_seconds, workdir)
        figures["ping"] = _report(ping, args.compare_seconds)
        figures["basket5"] = _report(basket, args.compare_seconds)
        ratio = figures["basket5"]["basket 5 lines"]["rps"] / figures["ping"]["trivial json"]["rps"]
        figures["ratio"] = ratio
        print(f"\nbasket-5 throughput / trivial JSON throughput = {ratio:.2f} (target >= 0.3)")
        problems = _invariants(stack, run_started)
    finally:
        codes = stack.stop()
        print(f"\nStopped: {codes}; tracebacks in logs: {sorted(stack.tracebacks()) or 'none'}")
        if not args.keep:
            database_drop(stack.database_url)
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "args": vars(args)}, default=str))
    errors = sum(f["errors"] for f in figures["mix"].values() if isinstance(f, dict))
    failed = any(problems.values()) or errors > 0 or any(c != 0 for c in codes.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
