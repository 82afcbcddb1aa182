"""Benchmark: a 1M-row stock snapshot through ``stock_feed_apply``, and the same work in psql.

Usage::

    .venv/bin/python bench/stock_sync.py
    .venv/bin/python bench/stock_sync.py --postgres postgres://postgres@127.0.0.1:5432 --keep

Builds its own world in the database ``bench_stock_sync`` (dropped and created
again; kept afterwards with ``--keep``): 200 stores x 5,000 products, one stock
row each (1,000,000) with an opening receipt in the ledger, and a snapshot
file ``bench/out/stock_sync_feed.csv`` in which 90 % of the counts differ.

Then, each time from the same freshly loaded stock and ledger:

1. **psql**: the set-based work alone, as raw SQL through ``psql``: ``\\copy``
   the file into a staging table, one INSERT ... SELECT of the count
   corrections, one UPDATE ... FROM of the stock rows, in one transaction.
2. **ours**: ``stock_feed_submit`` (the file is stored) and ``stock_feed_apply``
   (the whole feed checked, then applied in chunks of 10,000, each its own
   transaction: COPY, missing rows, row locks in order, movements, stock,
   progress) -- what the Celery task runs.

Both must end in the same stock and the same number of movements.  Then the
replay: the same feed id again (the run comes back, nothing runs), and the
same file under a new feed id, which must change no row (checked with a hash
over every stock row, ``updated_at`` included, and the ledger's size).

Targets (issue 4): ours <= 60 s, and at least 50 % of psql's throughput.
Nothing is written outside ``bench_stock_sync`` and ``bench/out/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

DATABASE = "bench_stock_sync"
MAX_SECONDS = 60.0
MIN_RATIO = 0.5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="server URL without a database name; the database is bench_stock_sync",
    )
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per side, alternating; the best counts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


def recreate_database(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"{server}/{DATABASE}"


def drop_database(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "retail.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.MEDIA_ROOT = str(OUT / "media")
    call_command("migrate", verbosity=0)


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def build_world(stores: int, products: int, feed: Path) -> None:
    """Stores, products, 1 stock row per pair with its opening receipt, and the feed file."""
    from decimal import Decimal

    from django.db import connection

    from retail.models import Category, Product, Store, VatClass

    vat = VatClass.objects.create(code="STANDARD", name="Standard")
    category = Category.objects.add_root({"code": "ALL", "name": "All"})
    Store.objects.bulk_create(
        Store(
            code=f"S{n:04d}",
            name=f"Store {n}",
            country="DK",
            time_zone="Europe/Copenhagen",
            street="Street 1",
            postal_code="1000",
            city="City",
            latitude=Decimal("55.6"),
            longitude=Decimal("12.5"),
        )
        for n in range(stores)
    )
    Product.objects.bulk_create(
        (
            Product(sku=f"SKU-{n:06d}", name=f"Product {n}", category=category, vat_class=vat)
            for n in range(products)
        ),
        batch_size=5_000,
    )
    # Pseudo-random but repeatable: on hand 0-50 from a hash of the pair.
    sql(
        """
        INSERT INTO inventory_stocklevel (location_id, product_id, on_hand, reserved, updated_at)
        SELECT s.id, p.id, abs(hashtext(s.id || ':' || p.id)) % 51, 0, now()
        FROM retail_store s CROSS JOIN retail_product p
        ORDER BY s.id, p.id
        """
    )
    sql(
        """
        INSERT INTO inventory_stockmovement (location_id, product_id, kind, quantity,
            on_hand_after, reason, actor_label, source_document, source_key, created_at)
        SELECT location_id, product_id, 'receipt', on_hand, on_hand, 'opening stock', 'bench',
               '', 'opening:' || location_id || ':' || product_id, now()
        FROM inventory_stocklevel WHERE on_hand > 0 ORDER BY id
        """
    )
    sql("CREATE TABLE bench_levels AS SELECT * FROM inventory_stocklevel")
    sql("CREATE TABLE bench_movements AS SELECT * FROM inventory_stockmovement")
    # The nightly export: 9 in 10 counts differ from the record, sorted as an ERP writes them.
    with connection.cursor() as cursor, feed.open("wb") as out:
        copy_sql = """
            COPY (
                SELECT s.code AS store, p.sku, CASE
                    WHEN abs(hashtext('feed:' || l.id)) % 10 = 0 THEN l.on_hand
                    ELSE (l.on_hand + 1 + abs(hashtext('count:' || l.id)) % 20) % 51
                END AS quantity
                FROM inventory_stocklevel l
                JOIN retail_store s ON s.id = l.location_id
                JOIN retail_product p ON p.id = l.product_id
                ORDER BY s.code, p.sku
            ) TO STDOUT WITH (FORMAT csv, HEADER true)
        """
        with cursor.copy(copy_sql) as copy:
            for data in copy:
                out.write(data)


def reset() -> None:
    """Put back the stock and ledger as built, freshly loaded, so each side starts alike."""
    from django.db import connection

    sql("TRUNCATE inventory_stockmovement, inventory_stocklevel")
    sql("DELETE FROM inventory_stockfeedrun")
    sql("INSERT INTO inventory_stocklevel SELECT * FROM bench_levels ORDER BY id")
    sql("INSERT INTO inventory_stockmovement SELECT * FROM bench_movements ORDER BY id")
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        sql("VACUUM ANALYZE inventory_stocklevel, inventory_stockmovement")
        sql("CHECKPOINT")
    finally:
        connection.set_autocommit(autocommit)


def stock_fingerprint() -> tuple[int, int, str]:
    """(sum of on hand, movements, md5 over every stock row including updated_at)."""
    ((on_hand, digest),) = sql(
        """
        SELECT sum(on_hand), md5(string_agg(
            id || ':' || on_hand || ':' || reserved || ':' || updated_at, ',' ORDER BY id))
        FROM inventory_stocklevel
        """
    )
    ((movements,),) = sql("SELECT count(*) FROM inventory_stockmovement")
    return int(on_hand), int(movements), digest


def stock_values() -> str:
    """md5 over (location, product, on hand, reserved): the stock, whoever wrote it and when."""
    ((digest,),) = sql(
        """
        SELECT md5(string_agg(location_id || ':' || product_id || ':' || on_hand || ':' || reserved,
                              ',' ORDER BY location_id, product_id))
        FROM inventory_stocklevel
        """
    )
    return digest


PSQL_SCRIPT = """\\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE stage (store text, sku text, quantity integer) ON COMMIT DROP;
\\copy stage FROM '{feed}' WITH (FORMAT csv, HEADER true)
INSERT INTO inventory_stockmovement (location_id, product_id, kind, quantity, on_hand_after,
    reason, actor_id, actor_label, source_document, source_key, created_at)
SELECT l.location_id, l.product_id, 'count_correction', st.quantity - l.on_hand, st.quantity,
       'counted ' || st.quantity || ', on record ' || l.on_hand, NULL, 'feed:psql', 'psql',
       'psql:' || st.store || ':' || st.sku, now()
FROM stage st
JOIN retail_store s ON s.code = st.store
JOIN retail_product p ON p.sku = st.sku
JOIN inventory_stocklevel l ON l.location_id = s.id AND l.product_id = p.id
WHERE st.quantity <> l.on_hand;
UPDATE inventory_stocklevel l SET on_hand = st.quantity, updated_at = now()
FROM stage st
JOIN retail_store s ON s.code = st.store
JOIN retail_product p ON p.sku = st.sku
WHERE l.location_id = s.id AND l.product_id = p.id AND l.on_hand <> st.quantity;
COMMIT;
"""


def run_psql(url: str, feed: Path) -> float:
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("psql is not installed (apt-get install postgresql-client)")
    script = OUT / "stock_sync_psql.sql"
    script.write_text(PSQL_SCRIPT.format(feed=feed))
    started = time.perf_counter()
    subprocess.run([psql, "-X", "-q", "-d", url, "-f", str(script)], check=True)  # noqa: S603
    return time.perf_counter() - started


def run_ours(feed: Path, chunk_size: int, feed_id: str):
    from django.core.files import File

    from inventory.sync import stock_feed_apply, stock_feed_submit
    from inventory.tasks import apply_stock_feed

    started = time.perf_counter()
    with feed.open("rb") as handle, mock.patch.object(apply_stock_feed, "delay"):
        # Queued for nobody: the benchmark runs what the task would, in this process.
        run = stock_feed_submit(
            kind="snapshot", source="erp", feed_id=feed_id, file=File(handle, name=feed.name)
        )
    submitted = time.perf_counter()
    run = stock_feed_apply(run=run, chunk_size=chunk_size)
    return run, submitted - started, time.perf_counter() - submitted


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(exist_ok=True)
    url = recreate_database(args.postgres)
    django_setup(url)
    feed = OUT / "stock_sync_feed.csv"
    rows = args.stores * args.products
    print(f"Building {args.stores} stores x {args.products} products = {rows:,} stock rows ...")
    started = time.perf_counter()
    build_world(args.stores, args.products, feed)
    print(f"  built in {time.perf_counter() - started:.0f} s; feed {feed.stat().st_size:,} bytes")
    try:
        return report(args, url, feed, rows)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(OUT / "media", ignore_errors=True)
        if not args.keep:
            drop_database(args.postgres)


def report(args, url: str, feed: Path, rows: int) -> int:
    initial = stock_fingerprint()
    psql_times, ours_times = [], []
    for attempt in range(1, args.repeat + 1):
        reset()
        psql_times.append(run_psql(url, feed))
        psql_result = stock_values(), stock_fingerprint()[1]
        reset()
        run, submit_seconds, apply_seconds = run_ours(feed, args.chunk_size, f"erp-{attempt}")
        ours_times.append((submit_seconds + apply_seconds, submit_seconds, apply_seconds))
        ours_result = stock_values(), stock_fingerprint()[1]
        print(f"  run {attempt}: psql {psql_times[-1]:.1f} s, ours {ours_times[-1][0]:.1f} s")
    psql_seconds = min(psql_times)
    ours_seconds, submit_seconds, apply_seconds = min(ours_times)
    psql_changed = psql_result[1] - initial[1]

    before_replay = stock_fingerprint()
    again, _, _ = run_ours(feed, args.chunk_size, run.feed_id)
    same_id_ok = again.pk == run.pk and stock_fingerprint() == before_replay
    replay, _, replay_seconds = run_ours(feed, args.chunk_size, "erp-nightly-resent")
    replay_ok = replay.rows_changed == 0 and stock_fingerprint() == before_replay

    ratio = psql_seconds / ours_seconds
    same = ours_result == psql_result
    checks = [
        ("ours applies 1M rows with movements in <= 60 s", ours_seconds <= MAX_SECONDS),
        ("ours >= 50 % of psql's throughput", ratio >= MIN_RATIO),
        ("ours and psql end in the same stock and ledger size", same),
        (
            "run succeeded, every row read, changes = psql's",
            run.status == "succeeded"
            and run.rows_read == rows
            and run.rows_changed == psql_changed,
        ),
        ("replay of the feed id returns the run, changes nothing", same_id_ok),
        ("same file under a new feed id changes no row", replay_ok),
    ]
    print()
    print(f"{'':34} {'rows':>10} {'changed':>10} {'seconds':>8} {'rows/s':>10}")
    print(
        f"{'psql: COPY + INSERT + UPDATE':34} {rows:>10,} {psql_changed:>10,} "
        f"{psql_seconds:>8.1f} {rows / psql_seconds:>10,.0f}"
    )
    print(
        f"{'ours: submit + stock_feed_apply':34} {rows:>10,} {run.rows_changed:>10,} "
        f"{ours_seconds:>8.1f} {rows / ours_seconds:>10,.0f}"
    )
    print(f"{'  of which submit (store the file)':34} {'':>10} {'':>10} {submit_seconds:>8.1f}")
    print(f"{'  of which check + apply (chunks)':34} {'':>10} {'':>10} {apply_seconds:>8.1f}")
    print(
        f"{'ours: replay under a new feed id':34} {rows:>10,} {replay.rows_changed:>10,} "
        f"{replay_seconds:>8.1f} {rows / replay_seconds:>10,.0f}"
    )
    print()
    print(
        f"throughput ours / psql: {ratio:.0%}   (chunk size {args.chunk_size:,}; "
        f"best of {args.repeat} alternating runs per side)"
    )
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
