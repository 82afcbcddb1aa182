"""The life of a reservation after ``stock_reserve``: release, extend, consume, expire.

A reservation ends in exactly one final state (consumed, released or
expired): every path closes it with the row locked and re-checks that it is
still active after taking the lock.  The status decides, not the clock: a
reservation past ``expires_at`` keeps its units, can be consumed and extended
until the sweeper (``reservations_expire``) has turned it into ``expired``.

Lines reserved together share ``reference``; release, extend and consume act
on every active reservation with that reference.  Callers namespace their
references (``order:1042``) so two kinds never share one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from inventory.errors import (
    InvalidReservationExpiryError,
    ReservationNotActiveError,
    ReservationNotFoundError,
)
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services.levels import (
    Pair,
    level_change,
    levels_lock,
    movement_new,
    movements_save,
    reservations_close,
    reserved_by_pair,
)
from retail import locking

Status = Reservation.Status


def _active_of(reference: str) -> list[Reservation]:
    active = list(Reservation.objects.filter(reference=reference, status=Status.ACTIVE))
    if not active and not Reservation.objects.filter(reference=reference).exists():
        raise ReservationNotFoundError(field="reference", extra={"reference": reference})
    return active


def _pairs(reservations: Iterable[Reservation]) -> set[Pair]:
    return {(r.location_id, r.product_id) for r in reservations}


def reservation_release(
    *,
    reference: str | None = None,
    reservations: Iterable[Reservation] | None = None,
    reason: str = "released",
    at: datetime | None = None,
) -> int:
    """Release the active reservations of ``reference`` (or the given ones); return how many.

    Their units become available again.  Reservations already final are
    skipped, so a repeated release returns 0 and changes nothing.  Give
    exactly one of ``reference`` and ``reservations``.  Raises
    ReservationNotFoundError when no reservation ever had ``reference``.
    """
    if (reference is None) == (reservations is None):
        raise TypeError("Give exactly one of reference and reservations.")
    at = at or timezone.now()
    with locking.atomic():
        if reference is not None:
            candidates = _active_of(reference)
        else:
            pks = [r.pk for r in reservations]
            candidates = list(Reservation.objects.filter(pk__in=pks, status=Status.ACTIVE))
        if not candidates:
            return 0
        levels = levels_lock(_pairs(candidates))
        released = reservations_close(
            [r.pk for r in candidates], status=Status.RELEASED, at=at, reason=reason
        )
        for pair, quantity in reserved_by_pair(released).items():
            level_change(levels[pair], at=at, reserved=-quantity)
    return len(released)


def reservation_extend(
    *, reference: str, expires_at: datetime, at: datetime | None = None
) -> list[Reservation]:
    """Move the expiry of every active reservation of ``reference`` to ``expires_at``.

    Stock does not change.  Raises InvalidReservationExpiryError unless
    ``expires_at`` is after ``at``; ReservationNotFoundError for an unknown
    reference; ReservationNotActiveError when none is active any more.
    """
    at = at or timezone.now()
    if expires_at <= at:
        raise InvalidReservationExpiryError(field="expires_at")
    with locking.atomic():
        active = locking.rows_lock(
            Reservation.objects.filter(reference=reference, status=Status.ACTIVE)
        )
        if not active:
            _active_of(reference)  # raises not-found for an unknown reference
            raise ReservationNotActiveError(field="reference", extra={"reference": reference})
        Reservation.objects.filter(pk__in=[r.pk for r in active]).update(expires_at=expires_at)
    for reservation in active:
        reservation.expires_at = expires_at
    return active


def _consumed_movements(keys: dict[int, str]) -> list[StockMovement]:
    return list(StockMovement.objects.filter(source_key__in=keys.values()).order_by("pk"))


def reservation_consume(
    *, reference: str, source_key: str, actor=None, at: datetime | None = None
) -> list[StockMovement]:
    """Hand over the reserved units of ``reference`` (pickup or sale); return the movements.

    For each active reservation: on hand and reserved drop by its quantity,
    a ``reservation_consumed`` movement is posted (source key
    ``"<source_key>:<reservation pk>"``) and the reservation becomes
    ``consumed``.  Reservations of the reference already released (say by a
    stock count) are not handed over.  Idempotent: a retry with the same
    ``source_key`` returns the first movements.  Raises
    ReservationNotFoundError for an unknown reference and
    ReservationNotActiveError when nothing of it is active (and the key did
    not consume it).
    """
    at = at or timezone.now()
    with locking.atomic():
        every = list(Reservation.objects.filter(reference=reference).order_by("pk"))
        if not every:
            raise ReservationNotFoundError(field="reference", extra={"reference": reference})
        keys = {r.pk: f"{source_key}:{r.pk}" for r in every}
        candidates = [r for r in every if r.status == Status.ACTIVE]
        levels = levels_lock(_pairs(candidates))
        consumed = reservations_close(
            [r.pk for r in candidates], status=Status.CONSUMED, at=at, reason="consumed"
        )
        if not consumed:  # all final already: a retry of this key, or too late
            earlier = _consumed_movements(keys)
            if earlier:
                return earlier
            raise ReservationNotActiveError(field="reference", extra={"reference": reference})
        movements = []
        for reservation in consumed:
            level = levels[(reservation.location_id, reservation.product_id)]
            movements.append(
                movement_new(
                    level=level,
                    kind=StockMovement.Kind.RESERVATION_CONSUMED,
                    quantity=-reservation.quantity,
                    on_hand_after=level.on_hand - reservation.quantity,
                    source_key=keys[reservation.pk],
                    source_document=reference,
                    actor=actor,
                    at=at,
                )
            )
            level_change(
                level, at=at, on_hand=-reservation.quantity, reserved=-reservation.quantity
            )
        return movements_save(movements)


def reservations_expire(*, at: datetime | None = None, batch_size: int = 500) -> int:
    """Expire active reservations whose ``expires_at`` <= ``at``; return how many expired.

    Their units become available again.  Batches are claimed with
    ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent
    sweepers take disjoint batches and never wait on each other; the stock
    rows are then taken with SKIP LOCKED too (this path never waits while it
    holds reservations).  Reservations whose stock row was busy are done at
    the end, one item per transaction, queueing for the row like any other
    writer.  A reservation consumed or released meanwhile stays as it is.
    On SQLite (one writer at a time) the same code simply runs.
    """
    at = at or timezone.now()
    expired = 0
    busy: list[int] = []
    while True:
        with locking.atomic():
            claimed = locking.rows_lock(
                Reservation.objects.filter(status=Status.ACTIVE, expires_at__lte=at)
                .exclude(pk__in=busy)
                .only("pk", "location_id", "product_id", "quantity"),
                skip_locked=True,
                limit=batch_size,
            )
            levels = levels_lock(_pairs(claimed), skip_locked=True)
            ready = [r for r in claimed if (r.location_id, r.product_id) in levels]
            busy.extend(r.pk for r in claimed if (r.location_id, r.product_id) not in levels)
            expired += _expire(ready, levels, at=at)
        if len(claimed) < batch_size:
            break
    by_pair: dict[Pair, list[int]] = defaultdict(list)
    for reservation in Reservation.objects.filter(pk__in=busy, status=Status.ACTIVE):
        by_pair[(reservation.location_id, reservation.product_id)].append(reservation.pk)
    for pair in sorted(by_pair):
        with locking.atomic():
            levels = levels_lock([pair])
            due = Reservation.objects.filter(pk__in=by_pair[pair], expires_at__lte=at)
            expired += _expire(list(due), levels, at=at)
    return expired


def _expire(reservations: list[Reservation], levels: dict[Pair, StockLevel], *, at) -> int:
    closed = reservations_close(
        [r.pk for r in reservations], status=Status.EXPIRED, at=at, reason="expired", due_by=at
    )
    for pair, quantity in reserved_by_pair(closed).items():
        level_change(levels[pair], at=at, reserved=-quantity)
    return len(closed)
