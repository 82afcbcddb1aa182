"""Internal helpers of the stock services: lock (and create) stock rows, post movements.

Nothing here opens a transaction: the helpers run inside the calling
service's ``locking.atomic()``.

Lock order, the one rule that keeps the services free of deadlocks (inventory's
part of the global order in ``retail.locking``, where stock levels come after
orders, coupon codes and transfers and before stored value and memberships;
every lock below is taken through that module, which checks it in tests):

1. ``StockLevel`` rows first, in the order of their unique key
   ``(location_id, product_id)``.  ``stock_reserve`` takes them in that
   order: on PostgreSQL one statement locks the basket's rows FOR UPDATE in
   product order before it checks and updates them; on SQLite (one writer
   at a time) one conditional UPDATE per line.
2. ``Reservation`` rows second, in primary-key order, and only while holding
   the stock rows of their (location, product).  Two paths lock reservations
   without holding stock rows, and neither ever waits while it holds them:
   the expiry sweeper claims with SKIP LOCKED and then tries the stock rows
   with SKIP LOCKED; ``reservation_extend`` locks reservations and nothing else.
3. A ``Transfer`` row is locked before the stock rows it moves.

A service that calls another inside one outer transaction must keep this
order too (for example, reserve before anything that locks reservations).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.utils.translation import gettext

from inventory.errors import (
    InsufficientStockError,
    InvalidStockQuantityError,
    StockSourceKeyReusedError,
)
from inventory.models import Reservation, StockLevel, StockMovement
from retail import locking
from retail.models import Product, Store

Pair = tuple[int, int]  # (location_id, product_id): the lock order of stock rows

# --- input -----------------------------------------------------------------


def check_positive(quantity: object, *, field: str = "quantity") -> int:
    """Return ``quantity`` if it is a whole number >= 1; raise InvalidStockQuantityError."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidStockQuantityError(field=field, extra={"quantity": repr(quantity)})
    return quantity


@dataclass(frozen=True)
class Line:
    product: Product
    quantity: int


def lines_sum(lines: Sequence[tuple[Product, int]]) -> list[Line]:
    """Sum the quantities of repeated products; return one line per product, by product pk.

    Raises InvalidStockQuantityError for an empty basket or a quantity below 1.
    """
    if not lines:
        raise InvalidStockQuantityError(gettext("Give at least one line."), field="lines")
    products: dict[int, Product] = {}
    totals: dict[int, int] = defaultdict(int)
    for index, (product, quantity) in enumerate(lines):
        check_positive(quantity, field=f"lines[{index}].quantity")
        products[product.pk] = product
        totals[product.pk] += quantity
    return [Line(products[pk], totals[pk]) for pk in sorted(totals)]


def shortage_error(location: Store, short: list[dict]) -> InsufficientStockError:
    """The error naming every short line: ``extra["lines"] = [{sku, requested, available}]``."""
    listed = ", ".join(
        f"{s['sku']} (requested {s['requested']}, available {s['available']})" for s in short
    )
    return InsufficientStockError(
        f"Not enough stock at {location.code}: {listed}.",
        field="lines",
        extra={"location": location.code, "lines": short},
    )


def short_line(
    product: Product, requested: int, level: StockLevel | None, *, buffer: int = 0
) -> dict:
    """One short line of ``shortage_error``: available is after the channel's ``buffer``."""
    available = max(level.on_hand - level.reserved - buffer, 0) if level else 0
    return {
        "product_id": product.pk,
        "sku": product.sku,
        "requested": requested,
        "available": available,
    }


# --- stock rows ------------------------------------------------------------


def _pairs_filter(pairs: Sequence[Pair]) -> Q:
    by_location: dict[int, list[int]] = defaultdict(list)
    for location_id, product_id in pairs:
        by_location[location_id].append(product_id)
    condition = Q()
    for location_id, product_ids in by_location.items():
        condition |= Q(location_id=location_id, product_id__in=product_ids)
    return condition


def _select_locked(pairs: Sequence[Pair], *, skip_locked: bool) -> dict[Pair, StockLevel]:
    rows = locking.rows_lock(
        StockLevel.objects.filter(_pairs_filter(pairs)), skip_locked=skip_locked
    )
    return {(row.location_id, row.product_id): row for row in rows}


def levels_lock(
    pairs: Iterable[Pair], *, create: bool = False, skip_locked: bool = False
) -> dict[Pair, StockLevel]:
    """Lock the stock rows of ``pairs`` in lock order and return them by pair.

    ``create``: also insert the missing rows (zero on hand, ON CONFLICT DO
    NOTHING) and lock them, so every pair comes back.  ``skip_locked``
    (PostgreSQL): leave out rows another transaction holds instead of
    waiting for them.  Call inside a transaction.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    levels = _select_locked(wanted, skip_locked=skip_locked)
    missing = [pair for pair in wanted if pair not in levels]
    if create and missing:
        # ON CONFLICT DO NOTHING: a row created meanwhile by someone else is simply locked below.
        # The insert can wait only for another transaction creating the same row at that
        # moment (a product's first units at a location), so it is recorded, not checked.
        StockLevel.objects.bulk_create(
            [StockLevel(location_id=loc, product_id=prod) for loc, prod in missing],
            ignore_conflicts=True,
        )
        levels.update(_select_locked(missing, skip_locked=False))
    return levels


def stock_levels_lock(*, location: Store, product_ids: Iterable[int]) -> None:
    """Lock the existing stock rows of the products at ``location``, in lock order.

    For a process that moves several items at one store in steps (an
    exchange takes some back and sells others): taking every row first
    keeps two crossing processes from deadlocking.  Rows that do not exist
    yet are created and locked by the stock services when they are reached.
    Call inside a transaction.
    """
    levels_lock([(location.pk, product_id) for product_id in product_ids])


def level_lock(location: Store, product: Product, *, create: bool = False) -> StockLevel | None:
    """Lock (and with ``create``, create) the stock row of one item; call inside a transaction."""
    return levels_lock([(location.pk, product.pk)], create=create).get((location.pk, product.pk))


def level_change(level: StockLevel, *, at: datetime, on_hand: int = 0, reserved: int = 0) -> None:
    """Apply deltas to a locked stock row in one UPDATE and mirror them on ``level``.

    The UPDATE adds to the stored values (F expressions) rather than writing
    Python's copy back; both columns change in the same statement so the
    CHECK constraints see the final pair.
    """
    if not on_hand and not reserved:
        return
    StockLevel.objects.filter(pk=level.pk).update(
        on_hand=F("on_hand") + on_hand, reserved=F("reserved") + reserved, updated_at=at
    )
    level.on_hand += on_hand
    level.reserved += reserved


# --- the ledger ------------------------------------------------------------


def movement_new(
    *,
    level: StockLevel,
    kind: str,
    quantity: int,
    on_hand_after: int,
    source_key: str,
    at: datetime,
    reason: str = "",
    actor=None,
    actor_label: str = "",
    source_document: str = "",
) -> StockMovement:
    """An unsaved ledger row for ``level``'s item; save with ``movements_save``."""
    return StockMovement(
        location_id=level.location_id,
        product_id=level.product_id,
        kind=kind,
        quantity=quantity,
        on_hand_after=on_hand_after,
        reason=reason[:200],
        actor=actor,
        actor_label=actor_label[:100],
        source_document=source_document[:100],
        source_key=source_key,
        created_at=at,
    )


def movements_save(movements: list[StockMovement]) -> list[StockMovement]:
    """Insert ledger rows in one statement (a duplicate source key raises IntegrityError)."""
    if len(movements) == 1:
        movements[0].save(force_insert=True)
        return movements
    return StockMovement.objects.bulk_create(movements)


def movement_replay(
    source_key: str, *, location: Store, product: Product, kind: str, quantity: int | None = None
) -> StockMovement | None:
    """The movement already posted under ``source_key``, or None.

    Raises StockSourceKeyReusedError when the key posted something else
    (another item or kind, or another quantity when ``quantity`` is given).
    """
    found = StockMovement.objects.filter(source_key=source_key).first()
    if found is None:
        return None
    same = (found.location_id, found.product_id, found.kind) == (location.pk, product.pk, kind)
    if not same or (quantity is not None and found.quantity != quantity):
        raise StockSourceKeyReusedError(
            field="source_key", extra={"source_key": source_key, "movement_id": found.pk}
        )
    return found


# --- reservations under a held stock row -------------------------------------


def reservations_close(
    pks: Iterable[int],
    *,
    status: str,
    at: datetime,
    reason: str,
    due_by: datetime | None = None,
) -> list[Reservation]:
    """Lock the still-active reservations among ``pks`` (pk order) and close them.

    Returns the ones closed; those already final (or, with ``due_by``, since
    extended past it) are left alone: the re-check after the lock.  The
    caller holds their stock rows and lowers ``reserved`` by the quantities
    returned.
    """
    pks = list(pks)
    if not pks:
        return []
    still = Q(pk__in=pks, status=Reservation.Status.ACTIVE)
    if due_by is not None:
        still &= Q(expires_at__lte=due_by)
    active = locking.rows_lock(Reservation.objects.filter(still))
    if active:
        Reservation.objects.filter(pk__in=[r.pk for r in active]).update(
            status=status, closed_at=at, close_reason=reason[:200]
        )
    for reservation in active:
        reservation.status, reservation.closed_at, reservation.close_reason = status, at, reason
    return active


def reserved_by_pair(reservations: Iterable[Reservation]) -> dict[Pair, int]:
    totals: dict[Pair, int] = defaultdict(int)
    for r in reservations:
        totals[(r.location_id, r.product_id)] += r.quantity
    return totals


def release_to_fit(
    level: StockLevel, *, on_hand: int, at: datetime, reason: str
) -> list[Reservation]:
    """Release the newest active reservations of ``level`` until reserved <= ``on_hand``.

    For physical truth that leaves fewer units than are promised (a count, a
    POS sale).  Whole reservations are released, newest first: the oldest
    promises are kept.  Lowers ``level.reserved`` (in the database too);
    call holding ``level``'s lock.
    """
    excess = level.reserved - max(on_hand, 0)
    if excess <= 0:
        return []
    chosen: list[int] = []
    freed = 0
    newest_first = (
        Reservation.objects.filter(
            location_id=level.location_id,
            product_id=level.product_id,
            status=Reservation.Status.ACTIVE,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "quantity")
    )
    for pk, quantity in newest_first.iterator(chunk_size=100):
        chosen.append(pk)
        freed += quantity
        if freed >= excess:
            break
    released = reservations_close(chosen, status=Reservation.Status.RELEASED, at=at, reason=reason)
    level_change(level, at=at, reserved=-sum(r.quantity for r in released))
    return released
