"""Apply one chunk of a feed through the ORM: the portable path (SQLite, ``make run``).

It is the reference for ``apply_sql``: both write the same movements (kind,
quantity, on hand after, reason, source key, time) and the same stock, and a
test on PostgreSQL holds them to it.  Call inside the chunk's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q

from inventory.models import StockLevel, StockMovement
from inventory.services.levels import levels_lock, release_to_fit
from inventory.services.sales import COUNT_NEEDED
from inventory.sync.feed import FLOOR_SUFFIX, ApplyContext, Chunk, FeedRow, Kind, MovementKind

LOOKUP = 2_000  # keys per query (SQLite's parameter limit)
FLOOR_REASON = COUNT_NEEDED  # the reason stock_record_sale gives its correction to zero


def count_reason(counted: int, on_record: int) -> str:
    return f"counted {counted}, on record {on_record}"


def delta_reason(movement_kind: str) -> str:
    return f"stock feed {movement_kind}"


def _pairs_q(pairs: Iterable[tuple[int, int]]) -> Q:
    by_location: dict[int, list[int]] = defaultdict(list)
    for location_id, product_id in pairs:
        by_location[location_id].append(product_id)
    condition = Q(pk__in=[])
    for location_id, product_ids in by_location.items():
        condition |= Q(location_id=location_id, product_id__in=product_ids)
    return condition


def _posted(keys: Sequence[str]) -> set[str]:
    posted: set[str] = set()
    for start in range(0, len(keys), LOOKUP):
        batch = keys[start : start + LOOKUP]
        posted.update(
            StockMovement.objects.filter(source_key__in=batch).values_list("source_key", flat=True)
        )
    return posted


def _levels(chunk: Chunk, ctx: ApplyContext) -> dict[tuple[int, int], StockLevel]:
    """Create the missing stock rows the chunk will change, then lock all of its rows."""
    needed = sorted({(r.location_id, r.product_id) for r in chunk.rows if r.quantity != 0})
    present = set(
        StockLevel.objects.filter(_pairs_q(needed)).values_list("location_id", "product_id")
    )
    StockLevel.objects.bulk_create(
        [
            StockLevel(location_id=loc, product_id=prod, updated_at=ctx.at)
            for loc, prod in needed
            if (loc, prod) not in present
        ],
        ignore_conflicts=True,
    )
    return levels_lock(chunk.pairs())


def _movement(ctx: ApplyContext, row: FeedRow, **fields) -> StockMovement:
    return StockMovement(
        location_id=row.location_id,
        product_id=row.product_id,
        actor_id=ctx.actor_id,
        actor_label=ctx.actor_label,
        source_document=ctx.source_document,
        **fields,
    )


def chunk_apply_orm(chunk: Chunk, ctx: ApplyContext) -> int:
    """Post the chunk's movements and move its stock; return the rows that changed stock.

    Rows whose source key is already in the ledger are skipped (a rerun).
    Locks the chunk's stock rows in (location, product) order, then, where a
    count or a sale leaves fewer units than are reserved, the reservations
    ``release_to_fit`` releases (newest first).
    """
    levels = _levels(chunk, ctx)
    keys = [ctx.row_key(row) for row in chunk.rows]
    posted = _posted(keys)
    fresh = [(row, key) for row, key in zip(chunk.rows, keys, strict=True) if key not in posted]
    if ctx.kind == Kind.SNAPSHOT:
        movements, changed = _snapshot(fresh, levels, ctx)
    else:
        movements, changed = _delta(fresh, levels, ctx)
    StockMovement.objects.bulk_create(movements, batch_size=LOOKUP)
    for level in changed:
        level.updated_at = ctx.at
    StockLevel.objects.bulk_update(changed, ["on_hand", "updated_at"], batch_size=LOOKUP)
    return sum(1 for m in movements if not m.source_key.endswith(FLOOR_SUFFIX))


def _snapshot(fresh, levels, ctx: ApplyContext):
    movements, changed = [], []
    for row, key in fresh:
        level = levels.get((row.location_id, row.product_id))
        if level is None or level.on_hand == row.quantity:
            continue  # no stock row and counted zero, or the count matches
        if level.reserved > row.quantity:
            release_to_fit(level, on_hand=row.quantity, at=ctx.at, reason=ctx.release_reason)
        movements.append(
            _movement(
                ctx,
                row,
                kind=MovementKind.COUNT_CORRECTION,
                quantity=row.quantity - level.on_hand,
                on_hand_after=row.quantity,
                reason=count_reason(row.quantity, level.on_hand),
                source_key=key,
                created_at=ctx.at,
            )
        )
        level.on_hand = row.quantity
        changed.append(level)
    return movements, changed


def _delta(fresh, levels, ctx: ApplyContext):
    """Row by row, as ``stock_record_sale`` posts: a row that would take on hand below zero
    is followed by a correction back to zero; reserved must fit the lowest on hand reached."""
    movements, changed = [], []
    after: dict[tuple[int, int], int] = {}
    lowest: dict[tuple[int, int], int] = {}
    for row, key in fresh:  # in file order
        pair = (row.location_id, row.product_id)
        raw = after.get(pair, levels[pair].on_hand) + row.quantity
        movements.append(
            _movement(
                ctx,
                row,
                kind=row.movement_kind,
                quantity=row.quantity,
                on_hand_after=raw,
                reason=delta_reason(row.movement_kind),
                source_key=key,
                created_at=row.occurred_at or ctx.at,
            )
        )
        if raw < 0:
            movements.append(
                _movement(
                    ctx,
                    row,
                    kind=MovementKind.COUNT_CORRECTION,
                    quantity=-raw,
                    on_hand_after=0,
                    reason=FLOOR_REASON,
                    source_key=key + FLOOR_SUFFIX,
                    created_at=ctx.at,
                )
            )
            raw = 0
        after[pair] = raw
        lowest[pair] = min(lowest.get(pair, raw), raw)
    for pair in sorted(after):
        level = levels[pair]
        if level.reserved > lowest[pair]:
            release_to_fit(level, on_hand=lowest[pair], at=ctx.at, reason=ctx.release_reason)
        level.on_hand = after[pair]
        changed.append(level)
    return movements, changed
