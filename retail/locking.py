"""Row locks in one global order: the rule that makes deadlocks between services impossible.

Two transactions deadlock only when each waits for a row the other holds.
That cannot happen when every transaction takes its row locks in one global
order: whoever holds the "higher" row never waits for a "lower" one.  This
module is that order, and every service takes its locks through it:

- ``rows_lock(queryset)`` locks the rows of one table (``SELECT ... FOR
  UPDATE``) sorted by the table's lock key, and returns them;
- ``rows_taken(label, keys)`` records rows that a statement locks as it
  writes them (a conditional ``UPDATE ... WHERE balance >= x``, an insert
  that may wait on a unique index), and checks them like ``rows_lock``;
- ``atomic()`` opens a service's transaction; the lock order is checked
  across everything locked inside it (nested services join the outermost).

Both refuse to run outside a transaction: a lock taken in autocommit is
released at once and protects nothing.

The global order (a transaction takes rows only in increasing rank, and
within a table in increasing key):

==  ===============  ===================================================
 1  IDEMPOTENCY      the API request's idempotency record (before the work)
 2  JOB              import runs, stock-feed runs
 3  CUSTOMER         customers
 4  ORDER            an existing order by pk; under it its lines, tenders, refunds
 5  PRICING          price lists and campaigns (HQ writes)
 6  COUPON           coupon codes by pk; under a code its redemptions
 7  TRANSFER         stock transfers by pk
 8  STOCK            stock levels by (location, product); under a level its reservations
 9  STORED_VALUE     stored-value accounts by pk; under an account its holds
10  MEMBERSHIP       loyalty memberships by pk; under one its points entries
11  API_KEY          API client keys by pk
==  ===============  ===================================================

The order row comes before the rows it touches because it is the aggregate
that serialises all work on one order (pick, hand-over, cancel, expiry,
returns): every service acting on an existing order locks it first and then
takes its coupon, stock, stored-value and membership rows in the order
above.  Nothing locks an order row while holding a row of a later table:
placing an order creates its row, a receipt inserts its row first, and the
sweeps take orders with SKIP LOCKED.

Rows "under" a parent (a reservation under its stock level, a hold under its
account, ...) share the parent's rank: they are locked either while holding
the parent or, alone, by the one aggregate that owns them.  For them only
the rank is checked.  Stock levels are ordered by their natural key
(location, product) rather than the pk: a basket knows the pairs before the
rows exist, and rows created on the fly are locked in the same order.

A lock taken with SKIP LOCKED never waits, so it cannot close a cycle; it is
recorded, not checked.  A violation raises ``LockOrderError`` when
``settings.RETAIL_LOCK_ORDER_STRICT`` is on (tests, DEBUG) and is logged otherwise: a
wrong order is a latent deadlock, a programming error to fix, but an
order-path in production should not fail because of it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model, QuerySet

logger = logging.getLogger(__name__)


class Rank(IntEnum):
    IDEMPOTENCY = 1
    JOB = 2
    CUSTOMER = 3
    ORDER = 4
    PRICING = 5
    COUPON = 6
    TRANSFER = 7
    STOCK = 8
    STORED_VALUE = 9
    MEMBERSHIP = 10
    API_KEY = 11


@dataclass(frozen=True)
class Table:
    """How rows of one model are locked: their rank, sort order and key."""

    rank: Rank
    order_by: tuple[str, ...] = ("pk",)
    key_fields: tuple[str, ...] = ("pk",)
    child: bool = False  # under a parent row: only the rank is checked

    def key_of(self, row: Model) -> Hashable:
        values = tuple(getattr(row, name) for name in self.key_fields)
        return values[0] if len(values) == 1 else values


# By model label, so that retail (the core) names the tables of every app without importing them.
TABLES: dict[str, Table] = {
    "retail.IdempotencyRecord": Table(Rank.IDEMPOTENCY),
    "imports.ImportRun": Table(Rank.JOB),
    "inventory.StockFeedRun": Table(Rank.JOB),
    "retail.Customer": Table(Rank.CUSTOMER),
    "orders.Order": Table(Rank.ORDER),
    "orders.OrderLine": Table(Rank.ORDER, key_fields=("order_id",), child=True),
    "orders.Tender": Table(Rank.ORDER, key_fields=("order_id",), child=True),
    "orders.Refund": Table(Rank.ORDER, key_fields=("order_id",), child=True),
    "pricing.PriceList": Table(Rank.PRICING),
    "pricing.Campaign": Table(Rank.PRICING),
    "pricing.CouponCode": Table(Rank.COUPON),
    "pricing.CouponRedemption": Table(Rank.COUPON, key_fields=("coupon_id",), child=True),
    "inventory.Transfer": Table(Rank.TRANSFER),
    "inventory.StockLevel": Table(
        Rank.STOCK,
        order_by=("location_id", "product_id"),
        key_fields=("location_id", "product_id"),
    ),
    "inventory.Reservation": Table(
        Rank.STOCK, key_fields=("location_id", "product_id"), child=True
    ),
    "loyalty.StoredValueAccount": Table(Rank.STORED_VALUE),
    "loyalty.StoredValueHold": Table(Rank.STORED_VALUE, key_fields=("account_id",), child=True),
    "loyalty.Membership": Table(Rank.MEMBERSHIP),
    "loyalty.PointsEntry": Table(Rank.MEMBERSHIP, key_fields=("membership_id",), child=True),
    "retail.ApiClientKey": Table(Rank.API_KEY),
}


class LockOrderError(RuntimeError):
    """Rows were locked against the global order: a latent deadlock (a programming error)."""


class LockOutsideTransactionError(RuntimeError):
    """A row lock was asked for in autocommit, where it would be released at once."""


@dataclass
class _Held:
    """What the current transaction has locked: parent keys per rank, the highest rank and key."""

    parents: dict[Rank, set] = field(default_factory=dict)
    top_rank: Rank | None = None
    top_key: Hashable | None = None  # the highest parent key locked at ``top_rank``


_held: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("retail_locks", default=None)


def table_for(model: type[Model] | str) -> Table:
    label = model if isinstance(model, str) else model._meta.label
    try:
        return TABLES[label]
    except KeyError:
        raise LookupError(f"{label} has no place in the lock order (locking.TABLES)") from None


@contextlib.contextmanager
def atomic(using: str | None = None) -> Iterator[None]:
    """Open a service's transaction (``transaction.atomic``); check the lock order inside it.

    The outermost ``atomic()`` starts an empty record of the rows locked;
    services called inside it add to the same record, so one service calling
    another keeps to the order too.
    """
    token = _held.set(_Held()) if _held.get() is None else None
    try:
        with transaction.atomic(using=using):
            yield
    finally:
        if token is not None:
            _held.reset(token)


def _require_transaction(using: str) -> None:
    if not connections[using].in_atomic_block:
        raise LockOutsideTransactionError(
            "Row locks are taken inside a transaction (retail.locking.atomic)."
        )


def _violation(message: str) -> None:
    if settings.RETAIL_LOCK_ORDER_STRICT:
        raise LockOrderError(message)
    logger.error("lock order: %s", message)


def _record(table: Table, label: str, keys: Sequence[Hashable], *, check: bool) -> None:
    held = _held.get()
    if held is None or not keys:
        return
    parents = held.parents.setdefault(table.rank, set())
    # Rows already held (or, for rows under a parent, whose parent is held) never wait:
    # only the others are checked, and only they move the high-water mark.
    fresh = sorted({k for k in keys if k not in parents})
    if check and fresh:
        if held.top_rank is not None and table.rank < held.top_rank:
            _violation(f"{label} locked after rank {held.top_rank.name} rows")
        elif (
            not table.child
            and table.rank == held.top_rank
            and held.top_key is not None
            and fresh[0] < held.top_key
        ):
            _violation(f"{label} {fresh[0]!r} locked after {held.top_key!r}")
    if not fresh:
        return
    if held.top_rank is None or table.rank > held.top_rank:
        held.top_rank, held.top_key = table.rank, None
    if not table.child:
        parents.update(fresh)
        if table.rank == held.top_rank and (held.top_key is None or held.top_key < fresh[-1]):
            held.top_key = fresh[-1]


def rows_created(model: type[Model] | str, keys: Iterable[Hashable]) -> None:
    """Record rows this transaction has just inserted; locking them later is not checked.

    Nobody else can see them before the commit, let alone lock them, so
    taking them later never waits, whatever else is held by then.
    """
    held = _held.get()
    if held is not None:
        held.parents.setdefault(table_for(model).rank, set()).update(keys)


def rows_lock(
    queryset: QuerySet, *, skip_locked: bool = False, limit: int | None = None
) -> list[Model]:
    """Lock the rows of ``queryset`` in the table's lock order and return them.

    ``SELECT ... FOR UPDATE OF`` the queryset's own table (joined rows of
    ``select_related`` are not locked), ordered by the table's lock key.
    ``skip_locked`` leaves out rows another transaction holds instead of
    waiting for them (PostgreSQL; SQLite locks the whole database anyway);
    ``limit`` takes the first rows in lock order only (a sweeper's batch).
    Raises ``LockOutsideTransactionError`` outside a transaction and
    ``LockOrderError`` (strict mode) when the rows come against the order.
    """
    table = table_for(queryset.model)
    _require_transaction(queryset.db)
    of = ("self",) if connections[queryset.db].features.has_select_for_update_of else ()
    ordered = queryset.order_by(*table.order_by).select_for_update(skip_locked=skip_locked, of=of)
    rows = list(ordered if limit is None else ordered[:limit])
    _record(
        table,
        queryset.model._meta.label,
        [table.key_of(row) for row in rows],
        check=not skip_locked,
    )
    return rows


def rows_taken(
    model: type[Model] | str, keys: Iterable[Hashable], *, using: str = "default"
) -> None:
    """Record (and check) rows that the next statement locks as it writes them.

    Call it just before a conditional ``UPDATE`` or an insert that can wait
    on another transaction, with the keys of the rows the statement touches
    (the pk, or the table's key such as (location, product)).  Issues no
    query.  Outside a transaction it does nothing: the statement is then a
    transaction of its own and holds its locks only while it runs.
    """
    table = table_for(model)
    if not connections[using].in_atomic_block:
        return
    label = model if isinstance(model, str) else model._meta.label
    _record(table, label, list(keys), check=True)


def in_lock_order(model: type[Model] | str, items: Iterable, *, key) -> list:
    """Return ``items`` sorted the way the rows they will lock must be taken (by ``key(item)``)."""
    table_for(model)  # the model must have a place in the order
    return sorted(items, key=key)
