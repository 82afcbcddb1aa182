"""Apply one chunk of a feed with set-based SQL on PostgreSQL.

Per chunk, in the chunk's transaction: COPY the rows (binary for snapshots)
into a temporary staging table, insert the stock rows that are missing,
lock the stock rows the chunk changes in (location, product) order (the
services' lock order, so a reservation waits at most one short chunk and
never deadlocks with us), release reservations where a count or a sale
leaves fewer units than are reserved, then one INSERT ... SELECT of the
movements and one UPDATE ... FROM of the stock rows.  A handful of
statements per chunk, whatever its size.  Snapshot counts that match the
record are neither locked nor written, so a replayed snapshot locks nothing.

``apply_orm`` is the reference: both paths write the same rows.
"""

from __future__ import annotations

from django.db import connection

from inventory.models import StockLevel
from inventory.services.levels import release_to_fit
from inventory.sync.apply_orm import FLOOR_REASON
from inventory.sync.feed import FLOOR_SUFFIX, ApplyContext, Chunk, Kind

STAGE_CREATE = """
    DROP TABLE IF EXISTS pg_temp.inventory_feed_stage;
    CREATE TEMP TABLE inventory_feed_stage (
        ordinal bigint, line bigint, location_id bigint, product_id bigint, quantity bigint,
        kind varchar(24), source_key varchar(200), occurred_at timestamptz,
        run_sum bigint, low bigint, low_before bigint, level_id bigint, reserved bigint
    ) ON COMMIT DROP
"""
COPY_SNAPSHOT = (
    "COPY inventory_feed_stage (ordinal, line, location_id, product_id, quantity)"
    " FROM STDIN (FORMAT BINARY)"
)
COPY_DELTA = (
    "COPY inventory_feed_stage (ordinal, line, location_id, product_id, quantity, kind,"
    " source_key, occurred_at) FROM STDIN"
)
# Rows the chunk will change but that do not exist yet start at zero (no movement needed).
LEVELS_CREATE = """
    INSERT INTO inventory_stocklevel (location_id, product_id, on_hand, reserved, updated_at)
    SELECT DISTINCT s.location_id, s.product_id, 0, 0, %(at)s
    FROM inventory_feed_stage s
    WHERE s.quantity <> 0 AND NOT EXISTS (
        SELECT 1 FROM inventory_stocklevel l
        WHERE l.location_id = s.location_id AND l.product_id = s.product_id)
    ORDER BY 1, 2
    ON CONFLICT (location_id, product_id) DO NOTHING
"""
LEVELS_LOCK = """
    SELECT count(*) FROM (
        SELECT 1 FROM inventory_stocklevel l
        WHERE (l.location_id, l.product_id) IN (
            SELECT location_id, product_id FROM inventory_feed_stage)
        ORDER BY l.location_id, l.product_id
        FOR NO KEY UPDATE OF l
    ) locked
"""
# Lock, in lock order, the stock rows whose count differs from the record, and note them
# (and what they hold reserved) on the staging rows.  Counts that match are neither locked
# nor written: a replay locks nothing.  A row that matched and is sold meanwhile keeps that
# sale (the count is older than the sale); the others are compared again under the lock.
SNAPSHOT_LOCK = """
    UPDATE inventory_feed_stage s SET level_id = locked.id, reserved = locked.reserved
    FROM (
        SELECT l.id, l.location_id, l.product_id, l.reserved
        FROM inventory_stocklevel l
        JOIN inventory_feed_stage f
          ON f.location_id = l.location_id AND f.product_id = l.product_id
        WHERE l.on_hand <> f.quantity
        ORDER BY l.location_id, l.product_id
        FOR NO KEY UPDATE OF l
    ) locked
    WHERE s.location_id = locked.location_id AND s.product_id = locked.product_id
"""
SNAPSHOT_SHORT = """
    SELECT s.level_id, s.quantity
    FROM inventory_feed_stage s
    WHERE s.reserved > s.quantity AND NOT EXISTS (
        SELECT 1 FROM inventory_stockmovement m WHERE m.source_key = %(prefix)s || s.line)
"""
# One statement: the movements, then the stock of exactly the items whose movement was
# inserted (RETURNING), so stock and ledger cannot part, even on a rerun.
SNAPSHOT_APPLY = """
    WITH moved AS (
        INSERT INTO inventory_stockmovement (
        location_id, product_id, kind, quantity, on_hand_after, reason, actor_id, actor_label,
        source_document, source_key, created_at)
        SELECT s.location_id, s.product_id, 'count_correction', s.quantity - l.on_hand,
               s.quantity, 'counted ' || s.quantity || ', on record ' || l.on_hand,
               %(actor)s, %(label)s, %(document)s, %(prefix)s || s.line, %(at)s
        FROM inventory_feed_stage s
        JOIN inventory_stocklevel l ON l.id = s.level_id
        WHERE s.quantity <> l.on_hand
        ORDER BY s.ordinal
        ON CONFLICT (source_key) DO NOTHING
        RETURNING location_id, product_id, on_hand_after
    )
    UPDATE inventory_stocklevel l SET on_hand = moved.on_hand_after, updated_at = %(at)s
    FROM moved
    WHERE l.location_id = moved.location_id AND l.product_id = moved.product_id
"""
# Lines already posted: this feed's rerun, or the sender's line_id sent in an earlier feed.
DELTA_DEDUPE = """
    DELETE FROM inventory_feed_stage s USING inventory_stockmovement m
    WHERE m.source_key = s.source_key
"""
# Row by row, as stock_record_sale would post them: on hand after each row, never below
# zero.  With S the running sum from on hand and M = min(0, lowest S so far), the on hand
# after a row is S - M, and a row that would go below zero is followed by a correction of
# M_before - M.  Window functions give all of it in one pass.
DELTA_STEPS = """
    UPDATE inventory_feed_stage s SET run_sum = w.run_sum, low = w.low, low_before = w.low_before
    FROM (
        SELECT ordinal, run_sum, low,
               COALESCE(lag(low) OVER (PARTITION BY location_id, product_id ORDER BY ordinal),
                        0) AS low_before
        FROM (
            SELECT ordinal, location_id, product_id, run_sum,
                   LEAST(0, min(run_sum) OVER (
                       PARTITION BY location_id, product_id ORDER BY ordinal)) AS low
            FROM (
                SELECT s.ordinal, s.location_id, s.product_id,
                       l.on_hand + sum(s.quantity) OVER (
                           PARTITION BY s.location_id, s.product_id ORDER BY s.ordinal
                       ) AS run_sum
                FROM inventory_feed_stage s
                JOIN inventory_stocklevel l
                  ON l.location_id = s.location_id AND l.product_id = s.product_id
            ) sums
        ) lows
    ) w
    WHERE s.ordinal = w.ordinal
"""
DELTA_COUNT = """
    SELECT count(*), count(*) FILTER (WHERE low < low_before) FROM inventory_feed_stage
"""
# Reserved must fit the lowest on hand the rows pass through (what row-by-row sales do).
DELTA_SHORT = """
    SELECT l.id, min(s.run_sum - s.low)
    FROM inventory_feed_stage s
    JOIN inventory_stocklevel l ON l.location_id = s.location_id AND l.product_id = s.product_id
    GROUP BY l.id, l.reserved
    HAVING l.reserved > min(s.run_sum - s.low)
"""
DELTA_MOVEMENTS = """
    INSERT INTO inventory_stockmovement (
        location_id, product_id, kind, quantity, on_hand_after, reason, actor_id, actor_label,
        source_document, source_key, created_at)
    SELECT location_id, product_id, kind, quantity, on_hand_after, reason,
           %(actor)s, %(label)s, %(document)s, source_key, created_at
    FROM (
        SELECT ordinal, 0 AS step, location_id, product_id, kind, quantity,
               run_sum - low_before AS on_hand_after, 'stock feed ' || kind AS reason,
               source_key, occurred_at AS created_at
        FROM inventory_feed_stage
        UNION ALL
        SELECT ordinal, 1, location_id, product_id, 'count_correction', low_before - low, 0,
               %(floor)s, source_key || %(suffix)s, %(at)s
        FROM inventory_feed_stage
        WHERE low < low_before
    ) rows
    ORDER BY ordinal, step
    ON CONFLICT (source_key) DO NOTHING
"""
DELTA_LEVELS = """
    UPDATE inventory_stocklevel l SET on_hand = s.final, updated_at = %(at)s
    FROM (
        SELECT DISTINCT ON (location_id, product_id) location_id, product_id,
               run_sum - low AS final
        FROM inventory_feed_stage
        ORDER BY location_id, product_id, ordinal DESC
    ) s
    WHERE l.location_id = s.location_id AND l.product_id = s.product_id
"""


class ChunkRetry(Exception):
    """The chunk met a state it cannot apply now (another writer raced it); run it again."""


def chunk_apply_sql(chunk: Chunk, ctx: ApplyContext) -> int:
    """Post the chunk's movements and move its stock; return the rows that changed stock.

    Call inside the chunk's transaction, on PostgreSQL.  Rows whose source
    key is already in the ledger change nothing (a rerun).  Raises
    ChunkRetry when a concurrent writer posted one of the chunk's lines.
    """
    delta = ctx.kind == Kind.DELTA
    params = {
        "actor": ctx.actor_id,
        "label": ctx.actor_label,
        "document": ctx.source_document,
        "prefix": ctx.key_prefix,
        "at": ctx.at,
        "floor": FLOOR_REASON,
        "suffix": FLOOR_SUFFIX,
    }
    with connection.cursor() as cursor:
        cursor.execute(STAGE_CREATE)
        if delta:
            rows = ((*r[:6], ctx.row_key(r), r.occurred_at or ctx.at) for r in chunk.rows)
        else:
            rows = chunk.columns()
        with cursor.copy(COPY_DELTA if delta else COPY_SNAPSHOT) as copy:
            if not delta:
                copy.set_types(["int8"] * 5)  # binary: the server parses no text
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE inventory_feed_stage")
        cursor.execute(LEVELS_CREATE, params)
        if not delta:
            cursor.execute(SNAPSHOT_LOCK)
            if not cursor.rowcount:
                return 0
            _release(cursor, SNAPSHOT_SHORT, params, ctx)
            cursor.execute(SNAPSHOT_APPLY, params)
            return cursor.rowcount
        cursor.execute(LEVELS_LOCK)
        cursor.execute(DELTA_DEDUPE)
        cursor.execute(DELTA_STEPS)
        cursor.execute(DELTA_COUNT)
        rows, corrections = cursor.fetchone()
        if not rows:
            return 0
        _release(cursor, DELTA_SHORT, params, ctx)
        cursor.execute(DELTA_MOVEMENTS, params)
        if cursor.rowcount != rows + corrections:
            raise ChunkRetry("a line of this chunk was posted meanwhile")
        cursor.execute(DELTA_LEVELS, params)
        return rows


def _release(cursor, sql: str, params: dict, ctx: ApplyContext) -> None:
    """Release reservations where the new on hand is below reserved (rare: row by row)."""
    cursor.execute(sql, params)
    targets = dict(cursor.fetchall())
    if not targets:
        return
    for level in StockLevel.objects.filter(pk__in=targets).order_by("location_id", "product_id"):
        release_to_fit(level, on_hand=targets[level.pk], at=ctx.at, reason=ctx.release_reason)
