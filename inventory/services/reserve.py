"""``stock_reserve``: hold units of several lines at one location, all or nothing, never oversold.

Each product is reserved by ONE conditional UPDATE,
``reserved = reserved + q WHERE ... AND on_hand - reserved >= q``, whose row
count decides: 0 rows means too little is left, whatever other transactions
did meanwhile.  The database's CHECK constraints back this up.

Two ways to run it, same result:

- a basket of several products (and every basket on SQLite) is one
  transaction: the reservation rows are inserted first, then the UPDATEs run
  in product-pk order (the lock order of ``levels``), so racing baskets queue
  instead of deadlocking and the last row locked is held only until COMMIT;
- a single product on PostgreSQL is one statement: the UPDATE with the
  reservation's INSERT chained onto its RETURNING, committed by itself (or
  by the caller's transaction).  A hot row is then locked only while the
  server runs that statement and commits, never while a Python thread waits
  for a CPU to send COMMIT; on a busy SKU this doubles throughput.

The statements are written out in SQL: this is the hottest write of the
system, and the ORM spends three times the Python on the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from inventory.errors import InvalidReservationExpiryError
from inventory.models import Reservation, StockLevel
from inventory.services.levels import (
    Line,
    lines_sum,
    reservation_ttl,
    short_line,
    shortage_error,
)
from retail.models import Channel, Customer, Product, Store

_LEVELS = StockLevel._meta.db_table
_RESERVATIONS = Reservation._meta.db_table

_RESERVE_SQL = f"""
    UPDATE {_LEVELS}
    SET reserved = reserved + %(quantity)s, updated_at = %(at)s
    WHERE location_id = %(location)s AND product_id = %(product)s
      AND on_hand - reserved >= %(quantity)s
"""  # noqa: S608 - only our own table names are interpolated

# Every column of Reservation but the id; a test checks this against the model.
RESERVATION_COLUMNS = (
    "location_id",
    "product_id",
    "quantity",
    "channel_id",
    "reference_kind",
    "reference",
    "customer_id",
    "actor_id",
    "status",
    "created_at",
    "expires_at",
    "closed_at",
    "close_reason",
)

_RESERVE_ONE_SQL = f"""
    WITH held AS (
        UPDATE {_LEVELS}
        SET reserved = reserved + %(quantity)s, updated_at = %(at)s
        WHERE location_id = %(location)s AND product_id = %(product)s
          AND on_hand - reserved >= %(quantity)s
        RETURNING location_id, product_id
    )
    INSERT INTO {_RESERVATIONS} ({", ".join(RESERVATION_COLUMNS)})
    SELECT location_id, product_id, %(quantity)s, %(channel)s, %(reference_kind)s,
           %(reference)s, %(customer)s, %(actor)s, %(status)s, %(at)s, %(expires_at)s,
           NULL, ''
    FROM held
    RETURNING id
"""  # noqa: S608 - only our own table and column names are interpolated


def stock_reserve(
    *,
    location: Store,
    lines: Sequence[tuple[Product, int]],
    reference_kind: str,
    reference: str,
    channel: Channel | None = None,
    customer: Customer | None = None,
    actor=None,
    ttl: timedelta | None = None,
    at: datetime | None = None,
) -> list[Reservation]:
    """Reserve every line at ``location`` until ``at + ttl``, or nothing at all.

    Lines of one product are summed before checking; one active reservation
    per product is created and returned, in product-pk order, all under
    ``reference``.  ``reserved`` of each stock row grows by its quantity; on
    hand does not change and no movement is posted.

    Availability is physical: on hand minus reserved.  Channel safety
    buffers only shape what a channel is shown (``inventory.selectors``);
    they are not applied here, so a store's staff hold can take the last unit.

    Raises InsufficientStockError naming every short line in
    ``extra["lines"]`` (sku, requested, available), and then nothing is
    written; InvalidStockQuantityError for an empty basket or a quantity
    below 1; InvalidReservationExpiryError for a ttl that is not positive;
    ValueError for an unknown ``reference_kind``.  ``ttl`` defaults to
    ``settings.INVENTORY_RESERVATION_TTL`` (30 minutes).
    """
    at = at or timezone.now()
    ttl = reservation_ttl() if ttl is None else ttl
    if ttl <= timedelta(0):
        raise InvalidReservationExpiryError(field="ttl")
    wanted = lines_sum(lines)
    reservations = [
        Reservation(
            location=location,
            product=line.product,
            quantity=line.quantity,
            channel=channel,
            reference_kind=Reservation.ReferenceKind(reference_kind),
            reference=reference,
            customer=customer,
            actor=actor,
            created_at=at,
            expires_at=at + ttl,
        )
        for line in wanted
    ]
    if len(wanted) == 1 and connection.vendor == "postgresql":
        return [_reserve_in_one_statement(reservations[0], location=location, at=at)]
    with transaction.atomic():
        Reservation.objects.bulk_create(reservations)
        with connection.cursor() as cursor:
            for index, line in enumerate(wanted):
                cursor.execute(_RESERVE_SQL, _params(location, line.product, line.quantity, at))
                if cursor.rowcount != 1:
                    raise _shortage(location, wanted[index:])
    return reservations


def _params(location: Store, product: Product, quantity: int, at: datetime) -> dict:
    return {"quantity": quantity, "at": at, "location": location.pk, "product": product.pk}


def _reserve_in_one_statement(
    reservation: Reservation, *, location: Store, at: datetime
) -> Reservation:
    params = _params(location, reservation.product, reservation.quantity, at) | {
        "channel": reservation.channel_id,
        "reference_kind": reservation.reference_kind,
        "reference": reservation.reference,
        "customer": reservation.customer_id,
        "actor": reservation.actor_id,
        "status": reservation.status,
        "expires_at": reservation.expires_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_ONE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise _shortage(location, [Line(reservation.product, reservation.quantity)])
    reservation.pk = row[0]
    reservation._state.adding, reservation._state.db = False, connection.alias
    return reservation


def _shortage(location: Store, unchecked: list[Line]) -> Exception:
    """The error for the line that failed and every later line that is short as well."""
    levels = {
        level.product_id: level
        for level in StockLevel.objects.filter(
            location=location, product__in=[line.product for line in unchecked]
        )
    }
    first, *rest = unchecked
    short = [short_line(first.product, first.quantity, levels.get(first.product.pk))]
    for line in rest:
        entry = short_line(line.product, line.quantity, levels.get(line.product.pk))
        if entry["available"] < line.quantity:
            short.append(entry)
    return shortage_error(location, short)
