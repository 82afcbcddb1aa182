"""Benchmark: availability of 50 SKUs across 200 stores with 10M stock rows on PostgreSQL.

Usage::

    .venv/bin/python bench/availability.py                  # DATABASE_URL's server, or local
    .venv/bin/python bench/availability.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/availability.py --rebuild --iterations 500

Builds (once; ``--rebuild`` starts over) its own database ``bench_availability``
beside the one the URL names: 200 stores, 50,000 products in a 10 x 10
category tree and one stock row per store and product (10,000,000 rows, some
empty, some reserved), inserted with one ``generate_series`` statement per
table with the stock table's indexes and foreign keys dropped meanwhile and
rebuilt after.  Rows go in store by store, the order a chain's stock
arrives in, so one product's 200 rows lie on 200 different pages.  A webshop
channel is served by all 200 stores (``ChannelLocation``), with a default
buffer, category, store and product overrides.  No ledger rows: availability
reads stock rows only.

Then it times, for SKU sets drawn at random from the whole catalogue:

- ``availability_for_channel`` (the selector) for 50 SKUs summed over the
  200 serving stores: 10,000 stock rows per call (the issue's target,
  p99 <= 20 ms), and the same through the HTTP API
  (``GET /api/v1/inventory/availability/channel/``) with Django's test
  client and an API key;
- one SKU across the 200 stores, nearest first (selector and API);
- 50 SKUs at one store (selector);
- the selector's own SQL statements alone, replayed through the same
  connection (the floor: database and driver time without Django's ORM).

Prints p50/p95/p99/max per case, the queries per call, and PASS/FAIL
against the target.  The database is kept for the next run.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

DATABASE = "bench_availability"
STORES = 200
PRODUCTS = 50_000
SKUS = 50
TARGET_P99_MS = 20.0
CHANNEL = "WEB-BENCH"
BUSY_LOAD = 1.5


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="any database URL on the server")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the data again")
    parser.add_argument("--iterations", type=int, default=300, help="timed runs per case")
    parser.add_argument("--warmup", type=int, default=30, help="untimed runs per case")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def _bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def database_create(url: str, *, rebuild: bool) -> None:
    """Create ``bench_availability`` on the server of ``url`` (drop it first with ``rebuild``)."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and rebuild:
            conn.execute(f"DROP DATABASE {DATABASE} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DATABASE}")


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "retail.settings_test"
    os.environ["DATABASE_URL"] = _bench_url(url)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- data -------------------------------------------------------------------------------------

CATALOGUE_SQL = """
INSERT INTO retail_vatclass (code, name) VALUES ('STANDARD', 'Standard rate');
INSERT INTO retail_category (path, depth, numchild, code, name)
SELECT lpad(d::text, 4, '0'), 1, 10, 'D' || d, 'Department ' || d FROM generate_series(1, 10) d;
INSERT INTO retail_category (path, depth, numchild, code, name)
SELECT lpad(d::text, 4, '0') || lpad(c::text, 4, '0'), 2, 0, 'D' || d || '-C' || c,
       'Category ' || d || '.' || c
FROM generate_series(1, 10) d, generate_series(1, 10) c;
INSERT INTO retail_product (sku, name, unit_cost_currency, is_active, attributes, created_at,
                            updated_at, category_id, vat_class_id)
SELECT 'B-' || lpad(n::text, 6, '0'), 'Bench product ' || n, 'DKK', true, '{{}}', now(), now(),
       (SELECT id FROM retail_category
        WHERE code = 'D' || (1 + n % 10) || '-C' || (1 + n / 10 % 10)),
       (SELECT id FROM retail_vatclass WHERE code = 'STANDARD')
FROM generate_series(1, {products}) n;
-- Stores spread over southern Scandinavia, six in seven with click-and-collect.
INSERT INTO retail_store (code, name, kind, country, time_zone, street, postal_code, city, phone,
                          email, latitude, longitude, click_and_collect, ship_from_store, is_active)
SELECT 'B-S' || lpad(s::text, 4, '0'), 'Bench store ' || s, 'store', 'DK', 'Europe/Copenhagen',
       'Benchgade ' || s, '1000', 'Bench', '', '',
       round((54.8 + (s * 7919 % 1000) / 1000.0 * 5.0)::numeric, 6),
       round((8.2 + (s * 104729 % 1000) / 1000.0 * 10.0)::numeric, 6),
       s % 7 <> 0, s % 3 = 0, true
FROM generate_series(1, {stores}) s;
INSERT INTO retail_channel (code, name, kind, country, currency, language, is_active)
VALUES ('WEB-BENCH', 'Webshop bench', 'webshop', 'DK', 'DKK', 'da', true);
INSERT INTO inventory_channellocation (channel_id, location_id)
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), id FROM retail_store;
INSERT INTO inventory_safetybuffer (channel_id, store_id, category_id, product_id, quantity)
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), NULL::bigint, NULL::bigint,
       NULL::bigint, 2
UNION ALL
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), NULL, id, NULL, 3
FROM retail_category WHERE depth = 1 AND code IN ('D1', 'D2')
UNION ALL
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), NULL, id, NULL, 1
FROM retail_category WHERE code IN ('D1-C1', 'D2-C2', 'D3-C3')
UNION ALL
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), id, NULL, NULL, 0
FROM retail_store WHERE id % 10 = 0
UNION ALL
SELECT (SELECT id FROM retail_channel WHERE code = 'WEB-BENCH'), NULL, NULL, id, 5
FROM retail_product WHERE id % 100 = 0;
"""

# One store's row per product, with deterministic pseudo-random figures: about 10% empty,
# 15% low, a fifth of the rows a quarter reserved.  Run once per store, in store order.
STOCK_SQL = """
INSERT INTO inventory_stocklevel (location_id, product_id, on_hand, reserved, updated_at)
SELECT %(store)s, id, on_hand,
       CASE WHEN (%(store)s * 31 + id * 17) %% 5 = 0 THEN on_hand / 4 ELSE 0 END, now()
FROM (
    SELECT id, CASE WHEN h < 10 THEN 0 WHEN h < 25 THEN 1 + h %% 3 ELSE 4 + h %% 37 END AS on_hand
    FROM (
        SELECT id, ((%(store)s * 7919 + id * 104729) %% 100)::int AS h FROM retail_product
    ) AS hashed
) AS figures
ORDER BY id
"""


def _stock_table_extras(cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The stock table's secondary indexes and its unique/foreign-key constraints, as DDL."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'inventory_stocklevel'::regclass AND contype IN ('u', 'f')"""
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inventory_stocklevel'
           AND indexname NOT IN (SELECT conname FROM pg_constraint
                                 WHERE conrelid = 'inventory_stocklevel'::regclass)"""
    )
    return constraints, cursor.fetchall()


def data_build(log) -> None:
    """Fill the bench database unless it already holds the full data set."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM retail_store")
        stores = cursor.fetchone()[0]
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'inventory_stocklevel'"
        )
        rows = cursor.fetchone()[0]
    if stores == STORES and rows >= STORES * PRODUCTS * 0.99:
        log(f"data: reusing {DATABASE} ({rows:,} stock rows); --rebuild to start over")
        return
    if stores:
        raise SystemExit(f"{DATABASE} holds partial data: run again with --rebuild")
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Check foreign keys now, so the stock table's can be dropped in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(CATALOGUE_SQL.format(products=PRODUCTS, stores=STORES))
        log(f"data: catalogue, stores, channel and buffers in {time.perf_counter() - t0:.1f} s")
        constraints, indexes = _stock_table_extras(cursor)
        for name, _ddl in constraints:
            cursor.execute(f'ALTER TABLE inventory_stocklevel DROP CONSTRAINT "{name}"')
        for name, _ddl in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET maintenance_work_mem = '512MB'")
        t1 = time.perf_counter()
        # Store by store, the order a chain's stock arrives in: one product's rows end up on
        # as many pages as there are stores (no flattering clustering by product).
        cursor.execute("SELECT id FROM retail_store ORDER BY id")
        for (store_id,) in cursor.fetchall():
            cursor.execute(STOCK_SQL, {"store": store_id})
        log(f"data: {STORES * PRODUCTS:,} stock rows in {time.perf_counter() - t1:.1f} s")
        t1 = time.perf_counter()
        for _name, ddl in indexes:
            cursor.execute(ddl)
        for name, ddl in constraints:
            cursor.execute(f'ALTER TABLE inventory_stocklevel ADD CONSTRAINT "{name}" {ddl}')
        log(f"data: indexes and constraints rebuilt in {time.perf_counter() - t1:.1f} s")
    with connection.cursor() as cursor:
        t1 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        log(f"data: VACUUM ANALYZE in {time.perf_counter() - t1:.1f} s")
    log(f"data: built in {time.perf_counter() - t0:.0f} s")


# --- measuring --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(func, inputs: list, *, warmup: int) -> tuple[list[float], float]:
    """Wall milliseconds per timed call, and this process's CPU milliseconds per call."""
    for item in inputs[:warmup]:
        func(item)
    times = []
    cpu = time.process_time()
    for item in inputs[warmup:]:
        t0 = time.perf_counter()
        func(item)
        times.append((time.perf_counter() - t0) * 1000)
    return times, (time.process_time() - cpu) * 1000 / max(1, len(times))


def queries_of(func, item) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func(item)
    return len(captured.captured_queries)


def run(args: argparse.Namespace, log) -> list[dict]:
    from django.test import Client

    from inventory.models import ChannelLocation, StockLevel
    from inventory.selectors import (
        availability_across_stores,
        availability_at_store,
        availability_for_channel,
    )
    from retail.models import ApiClient, Channel, Product, Store
    from retail.services.api_clients import api_client_create, api_key_issue

    channel = Channel.objects.get(code=CHANNEL)
    client_row = ApiClient.objects.filter(name="bench").first() or api_client_create(
        name="bench", channel=channel, store=None
    )
    _, key = api_key_issue(client=client_row)
    http = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    serving = ChannelLocation.objects.filter(channel=channel).count()

    rng = random.Random(args.seed)
    total = args.warmup + args.iterations
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    id_sets = [rng.sample(product_ids, SKUS) for _ in range(total)]
    by_id = Product.objects.select_related("category").in_bulk(
        {pk for ids in id_sets for pk in ids}
    )
    product_sets = [[by_id[pk] for pk in ids] for ids in id_sets]
    sku_sets = [",".join(p.sku for p in products) for products in product_sets]
    singles = [products[0] for products in product_sets]
    stores = list(Store.objects.order_by("pk"))
    home = [rng.choice(stores) for _ in range(total)]
    near = (55.68, 12.57)

    def captured(products) -> list[str]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            availability_for_channel(channel=channel, products=products)
        return [query["sql"] for query in queries.captured_queries]

    def database_only(statements):
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    def rows_of(products) -> int:
        serving = ChannelLocation.objects.filter(channel=channel).values("location_id")
        ids = [p.pk for p in products]
        return StockLevel.objects.filter(product_id__in=ids, location_id__in=serving).count()

    def api_channel(skus):
        response = http.get("/api/v1/inventory/availability/channel/", {"sku": skus})
        assert response.status_code == 200, response.content

    def api_stores(product):
        params = {"sku": product.sku, "lat": near[0], "lon": near[1]}
        response = http.get("/api/v1/inventory/availability/stores/", params)
        assert response.status_code == 200, response.content

    rows_read = rows_of(product_sets[0])
    # The harness's own inputs (thousands of loaded products) are not a server's heap: keep
    # them out of the cyclic collector's full passes, as a pre-forked worker would.
    gc.collect()
    gc.freeze()
    cases = [
        (
            f"channel: {SKUS} SKUs x {serving} stores, selector",
            lambda ps: availability_for_channel(channel=channel, products=ps),
            product_sets,
            rows_read,
            True,
        ),
        (
            f"channel: {SKUS} SKUs x {serving} stores, HTTP API",
            api_channel,
            sku_sets,
            rows_read,
            True,
        ),
        (
            "  its SQL alone (database and driver time)",
            database_only,
            [captured(products) for products in product_sets],
            rows_read,
            False,
        ),
        (
            f"one SKU across {len(stores)} stores, nearest, selector",
            lambda p: availability_across_stores(product=p, channel=channel, near=near),
            singles,
            len(stores),
            False,
        ),
        (
            f"one SKU across {len(stores)} stores, HTTP API",
            api_stores,
            singles,
            len(stores),
            False,
        ),
        (
            f"{SKUS} SKUs at one store, selector",
            lambda pair: availability_at_store(store=pair[0], products=pair[1], channel=channel),
            list(zip(home, product_sets, strict=True)),
            SKUS,
            False,
        ),
    ]
    results = []
    for name, func, inputs, rows, targeted in cases:
        queries = queries_of(func, inputs[0])
        load_before = os.getloadavg()[0]
        times, cpu = timed(func, inputs, warmup=args.warmup)
        results.append(
            {
                "case": name,
                "rows": rows,
                "queries": queries,
                "p50": statistics.median(times),
                "p95": percentile(times, 95),
                "p99": percentile(times, 99),
                "max": max(times),
                "cpu": cpu,
                "load": max(load_before, os.getloadavg()[0]),
                "targeted": targeted,
            }
        )
        log(f"measured: {name}")
    return results


def environment() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('inventory_stocklevel'))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM inventory_stocklevel")
        rows = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    lines = [
        f"PostgreSQL {version}, shared_buffers {shared}; database {DATABASE}",
        f"inventory_stocklevel: {rows:,} rows, {size} with indexes",
        f"{os.cpu_count()} CPUs, load average {load:.2f}; Python {sys.version.split()[0]}",
    ]
    if load > BUSY_LOAD:
        lines.append(f"NOTE: load above {BUSY_LOAD}: other processes competed for the CPUs.")
    return lines


def report(results: list[dict], args: argparse.Namespace) -> str:
    columns = ("p50", "p95", "p99", "max", "cpu")
    header = f"{'case':<50} {'rows':>6} {'q':>2}" + "".join(f" {c:>6}" for c in columns)
    header += "  load  target"
    lines = [header, "-" * len(header)]
    for r in results:
        verdict = ""
        if r["targeted"]:
            ok = r["p99"] <= TARGET_P99_MS
            verdict = f"p99 <= {TARGET_P99_MS:.0f} ms {'PASS' if ok else 'FAIL'}"
        figures = "".join(f" {r[c]:>6.2f}" for c in columns)
        lines.append(
            f"{r['case']:<50} {r['rows']:>6,} {r['queries']:>2}{figures}  {r['load']:>4.1f}  "
            f"{verdict}"
        )
    lines.append(
        f"(milliseconds of wall time per call, and cpu = this process's CPU time per call; "
        f"{args.iterations} timed calls per case after {args.warmup} warm-up calls, SKUs drawn "
        f"at random from {PRODUCTS:,}; q = queries per call; load = 1-minute load average)"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    url = (
        args.postgres
        or os.environ.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/availability.py needs PostgreSQL: pass --postgres URL")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    database_create(url, rebuild=args.rebuild)
    django_setup(url)
    data_build(log)
    results = run(args, log)
    print("\n".join(environment()))
    print()
    print(report(results, args))
    failed = [r for r in results if r["targeted"] and r["p99"] > TARGET_P99_MS]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
