"""``stock_reserve``: hold units of several lines at one location, all or nothing, never oversold.

A line is reserved only where ``on_hand - reserved >= q`` holds on the
locked stock row, whatever other transactions did meanwhile; the database's
CHECK constraints back this up.

Three ways to run it, same result:

- a single product on PostgreSQL is one statement: the conditional UPDATE
  (``reserved + q WHERE ... AND on_hand - reserved >= q``) with the
  reservation's INSERT chained onto its RETURNING, committed by itself (or
  by the caller's transaction).  A hot row is then locked only while the
  server runs that statement and commits, never while a Python thread waits
  for a CPU to send COMMIT; on a busy SKU this doubles throughput;
- a basket of several products on PostgreSQL is ONE statement too, whatever
  its size: a CTE locks the basket's stock rows ``FOR UPDATE`` in
  product-pk order (the lock order of ``levels``, so racing baskets queue
  instead of deadlocking), checks every line against the locked rows, and
  only when all of them fit updates the rows and inserts the reservations;
  otherwise it writes nothing and returns what each line could have had,
  which names the short lines without another query;
- on SQLite (tests, development) a basket is one transaction: the
  reservation rows are inserted first, then one conditional UPDATE per
  product in product-pk order, the row count deciding.

The statements are written out in SQL: this is the hottest write of the
system, and the ORM spends three times the Python on the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from inventory.conf import reservation_ttl
from inventory.errors import InsufficientStockError, InvalidReservationExpiryError
from inventory.models import Reservation, StockLevel
from inventory.selectors.availability import buffer_table
from inventory.services.levels import (
    Line,
    lines_sum,
    short_line,
    shortage_error,
)
from retail import locking, metrics
from retail.models import Channel, Customer, Product, Store

_LEVELS = StockLevel._meta.db_table
_RESERVATIONS = Reservation._meta.db_table

_RESERVE_SQL = f"""
    UPDATE {_LEVELS}
    SET reserved = reserved + %(quantity)s, updated_at = %(at)s
    WHERE location_id = %(location)s AND product_id = %(product)s
      AND on_hand - reserved - %(buffer)s >= %(quantity)s
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
          AND on_hand - reserved - %(buffer)s >= %(quantity)s
        RETURNING location_id, product_id
    )
    INSERT INTO {_RESERVATIONS} ({", ".join(RESERVATION_COLUMNS)})
    SELECT location_id, product_id, %(quantity)s, %(channel)s, %(reference_kind)s,
           %(reference)s, %(customer)s, %(actor)s, %(status)s, %(at)s, %(expires_at)s,
           NULL, ''
    FROM held
    RETURNING id
"""  # noqa: S608 - only our own table and column names are interpolated


# Every line at once: lock the rows in product-pk order, check all of them, then write all
# or nothing.  The checked values are those of the locked (latest) row versions: under READ
# COMMITTED a FOR UPDATE that waited returns the row as the other transaction committed it.
# The trailing SELECT returns (product_id, reservation id, NULL) per line when the basket
# fits, else (product_id, NULL, available) per line.
_RESERVE_BASKET_SQL = f"""
    WITH wanted AS (
        SELECT product_id, quantity, buffer
        FROM unnest(%(products)s::bigint[], %(quantities)s::integer[], %(buffers)s::integer[])
             AS w(product_id, quantity, buffer)
    ),
    locked AS MATERIALIZED (
        SELECT id, product_id, on_hand, reserved
        FROM {_LEVELS}
        WHERE location_id = %(location)s AND product_id = ANY(%(products)s::bigint[])
        ORDER BY product_id
        FOR UPDATE
    ),
    checked AS MATERIALIZED (
        SELECT w.product_id, w.quantity, k.id,
               COALESCE(k.on_hand - k.reserved - w.buffer, 0) AS available
        FROM wanted w LEFT JOIN locked k ON k.product_id = w.product_id
    ),
    fits AS MATERIALIZED (
        SELECT bool_and(available >= quantity) AS ok FROM checked
    ),
    held AS (
        UPDATE {_LEVELS} l
        SET reserved = l.reserved + c.quantity, updated_at = %(at)s
        FROM checked c
        WHERE l.id = c.id AND (SELECT ok FROM fits)
        RETURNING l.location_id, l.product_id, c.quantity
    ),
    created AS (
        INSERT INTO {_RESERVATIONS} ({", ".join(RESERVATION_COLUMNS)})
        SELECT location_id, product_id, quantity, %(channel)s, %(reference_kind)s,
               %(reference)s, %(customer)s, %(actor)s, %(status)s, %(at)s, %(expires_at)s,
               NULL, ''
        FROM held
        ORDER BY product_id
        RETURNING product_id, id
    )
    SELECT product_id, id, NULL FROM created
    UNION ALL
    SELECT product_id, NULL, available FROM checked WHERE NOT (SELECT ok FROM fits)
"""  # noqa: S608 - only our own table and column names are interpolated


@metrics.counted(
    metrics.reservations,
    metrics.reservation_seconds,
    ok="made",
    refused=(InsufficientStockError,),
    ok_on_commit=True,
)
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

    Availability is on hand minus reserved, less the channel's safety
    buffer for a webshop, app or marketplace ``channel``: the store keeps
    those units for walk-in customers, so a channel reservation never takes
    them.  The buffer (resolved as ``inventory.selectors`` shows it to the
    channel, one query) is part of the conditional UPDATE, so it holds under
    concurrency.  A till (a POS channel) and staff (no channel) may reserve
    into the buffer, down to the last unit.

    Raises InsufficientStockError naming every short line in
    ``extra["lines"]`` (sku, requested, available as the channel sees it:
    after its buffer), and then nothing is
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
    buffers = _buffers(channel, location, wanted)
    locking.rows_taken(StockLevel, [(location.pk, line.product.pk) for line in wanted])
    if connection.vendor == "postgresql":
        if len(wanted) == 1:
            return [
                _reserve_in_one_statement(
                    reservations[0], location=location, at=at, buffers=buffers
                )
            ]
        return _reserve_basket_in_one_statement(
            reservations, wanted, location=location, at=at, buffers=buffers
        )
    with locking.atomic():
        Reservation.objects.bulk_create(reservations)
        with connection.cursor() as cursor:
            for index, line in enumerate(wanted):
                params = _params(location, line.product, line.quantity, at, buffers)
                cursor.execute(_RESERVE_SQL, params)
                if cursor.rowcount != 1:
                    raise _shortage(location, wanted[index:], buffers)
    return reservations


def _buffers(channel: Channel | None, location: Store, wanted: list[Line]) -> dict[int, int]:
    """Product id -> the units of ``location`` kept from ``channel`` (none for tills and staff)."""
    if channel is None or channel.kind == Channel.Kind.POS:
        return {}
    table = buffer_table(
        channel=channel, stores=[location], products=[line.product for line in wanted]
    )
    return {line.product.pk: table.get(location.pk, line.product.pk) for line in wanted}


def _params(
    location: Store, product: Product, quantity: int, at: datetime, buffers: dict[int, int]
) -> dict:
    return {
        "quantity": quantity,
        "at": at,
        "location": location.pk,
        "product": product.pk,
        "buffer": buffers.get(product.pk, 0),
    }


def _row_params(reservation: Reservation) -> dict:
    """The values every reservation row of one call shares."""
    return {
        "channel": reservation.channel_id,
        "reference_kind": reservation.reference_kind,
        "reference": reservation.reference,
        "customer": reservation.customer_id,
        "actor": reservation.actor_id,
        "status": reservation.status,
        "expires_at": reservation.expires_at,
    }


_FIELDS = [f.attname for f in Reservation._meta.concrete_fields]
_RELATIONS = [f.name for f in Reservation._meta.concrete_fields if f.is_relation]


def _saved(reservation: Reservation, pk: int) -> Reservation:
    """The reservation as loaded from the row the statement inserted (its values, this pk).

    ``from_db`` marks it saved in this database without a query; the related
    objects the caller passed in are kept, so reaching them costs none either.
    """
    reservation.pk = pk
    values = [getattr(reservation, attname) for attname in _FIELDS]
    saved = Reservation.from_db(connection.alias, _FIELDS, values)
    for name in _RELATIONS:
        setattr(saved, name, getattr(reservation, name))
    return saved


def _reserve_in_one_statement(
    reservation: Reservation, *, location: Store, at: datetime, buffers: dict[int, int]
) -> Reservation:
    params = _params(
        location, reservation.product, reservation.quantity, at, buffers
    ) | _row_params(reservation)
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_ONE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise _shortage(location, [Line(reservation.product, reservation.quantity)], buffers)
    return _saved(reservation, row[0])


def _reserve_basket_in_one_statement(
    reservations: list[Reservation],
    wanted: list[Line],
    *,
    location: Store,
    at: datetime,
    buffers: dict[int, int],
) -> list[Reservation]:
    """Reserve several products in one statement (PostgreSQL); if short, raise, writing nothing."""
    params = _row_params(reservations[0]) | {
        "products": [line.product.pk for line in wanted],
        "quantities": [line.quantity for line in wanted],
        "buffers": [buffers.get(line.product.pk, 0) for line in wanted],
        "location": location.pk,
        "at": at,
    }
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_BASKET_SQL, params)
        rows = cursor.fetchall()
    ids = {product_id: pk for product_id, pk, _available in rows if pk is not None}
    if len(ids) == len(wanted):
        return [_saved(r, ids[r.product_id]) for r in reservations]
    available = {product_id: left for product_id, pk, left in rows if pk is None}
    short = [
        {
            "product_id": line.product.pk,
            "sku": line.product.sku,
            "requested": line.quantity,
            "available": max(available.get(line.product.pk, 0), 0),
        }
        for line in wanted
        if available.get(line.product.pk, 0) < line.quantity
    ]
    raise shortage_error(location, short)


def _shortage(location: Store, unchecked: list[Line], buffers: dict[int, int]) -> Exception:
    """The error for the line that failed and every later line that is short as well."""
    levels = {
        level.product_id: level
        for level in StockLevel.objects.filter(
            location=location, product__in=[line.product for line in unchecked]
        )
    }
    first, *rest = unchecked
    short = [
        short_line(
            first.product,
            first.quantity,
            levels.get(first.product.pk),
            buffer=buffers.get(first.product.pk, 0),
        )
    ]
    for line in rest:
        entry = short_line(
            line.product,
            line.quantity,
            levels.get(line.product.pk),
            buffer=buffers.get(line.product.pk, 0),
        )
        if entry["available"] < line.quantity:
            short.append(entry)
    return shortage_error(location, short)
