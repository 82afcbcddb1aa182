"""Transfers between locations: shipped units leave the source at once, arrive when received.

While a transfer is in transit its units are on hand nowhere; the transfer
lines say where they are.  Movement source keys are
``transfer:<number>:out:<product pk>`` and ``transfer:<number>:in:<product pk>``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from inventory.errors import (
    InvalidStockQuantityError,
    InvalidTransferError,
    TransferNotInTransitError,
)
from inventory.models import StockMovement, Transfer, TransferLine
from inventory.services.levels import (
    level_change,
    levels_lock,
    lines_sum,
    movement_new,
    movements_save,
    short_line,
    shortage_error,
)
from retail import locking
from retail.models import Product, Store

Kind = StockMovement.Kind


def _transfer_number(at: datetime) -> str:
    # 40 random bits a day: unguessable and practically collision-free; the column is unique.
    return f"TR-{at:%Y%m%d}-{secrets.token_hex(5).upper()}"


def stock_transfer_ship(
    *,
    source: Store,
    destination: Store,
    lines: Sequence[tuple[Product, int]],
    reference: str = "",
    actor=None,
    at: datetime | None = None,
) -> Transfer:
    """Ship ``lines`` from ``source`` to ``destination``: all lines or none.

    Creates an in-transit transfer and a ``transfer_out`` movement per
    product; on hand at ``source`` drops at once.  Only unreserved units can
    ship.  Lines of one product are summed.  Raises InsufficientStockError
    naming every short line, InvalidTransferError when source and
    destination are the same, InvalidStockQuantityError for a bad line.
    """
    if source.pk == destination.pk:
        raise InvalidTransferError(field="destination")
    wanted = lines_sum(lines)
    at = at or timezone.now()
    with locking.atomic():
        levels = levels_lock([(source.pk, line.product.pk) for line in wanted])
        short = []
        for line in wanted:
            level = levels.get((source.pk, line.product.pk))
            entry = short_line(line.product, line.quantity, level)
            if entry["available"] < line.quantity:
                short.append(entry)
        if short:
            raise shortage_error(source, short)
        transfer = Transfer.objects.create(
            number=_transfer_number(at),
            source=source,
            destination=destination,
            reference=reference,
            shipped_at=at,
        )
        TransferLine.objects.bulk_create(
            [
                TransferLine(transfer=transfer, product=line.product, quantity=line.quantity)
                for line in wanted
            ]
        )
        movements = []
        for line in wanted:
            level = levels[(source.pk, line.product.pk)]
            movements.append(
                movement_new(
                    level=level,
                    kind=Kind.TRANSFER_OUT,
                    quantity=-line.quantity,
                    on_hand_after=level.on_hand - line.quantity,
                    source_key=f"transfer:{transfer.number}:out:{line.product.pk}",
                    source_document=transfer.number,
                    reason=f"to {destination.code}",
                    actor=actor,
                    at=at,
                )
            )
            level_change(level, at=at, on_hand=-line.quantity)
        movements_save(movements)
    return transfer


def _received_quantities(
    lines: list[TransferLine], received: Mapping[int, int] | None
) -> dict[int, int]:
    shipped = {line.product_id: line.quantity for line in lines}
    if received is None:
        return shipped
    unknown = sorted(set(received) - set(shipped))
    if unknown:
        raise InvalidStockQuantityError(
            gettext("These products are not on the transfer."),
            field="received",
            extra={"product_ids": unknown},
        )
    quantities = {**shipped, **received}
    for product_id, quantity in quantities.items():
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 0 <= quantity <= shipped[product_id]
        ):
            raise InvalidStockQuantityError(
                gettext("Received is a whole number from 0 up to the quantity shipped."),
                field=f"received.{product_id}",
                extra={"shipped": shipped[product_id], "received": repr(quantity)},
            )
    return quantities


def stock_transfer_receive(
    *,
    transfer: Transfer,
    received: Mapping[int, int] | None = None,
    actor=None,
    at: datetime | None = None,
) -> Transfer:
    """Receive an in-transit transfer at its destination; return it, now ``received``.

    Posts a ``transfer_in`` movement per product received and records the
    received quantity on each line.  ``received`` maps product pk to the
    units that arrived (0 up to the quantity shipped; products left out
    arrived in full); a shortfall stays visible on the line for follow-up.
    Surplus goods are a receipt, not part of the transfer.  Raises
    TransferNotInTransitError when it was already received (a retry changes
    nothing), InvalidStockQuantityError for a bad ``received``.
    """
    at = at or timezone.now()
    with locking.atomic():
        (locked,) = locking.rows_lock(Transfer.objects.filter(pk=transfer.pk))
        if locked.status != Transfer.Status.IN_TRANSIT:
            raise TransferNotInTransitError(
                extra={"number": locked.number, "received_at": locked.received_at.isoformat()}
            )
        lines = list(locked.lines.order_by("product_id"))
        quantities = _received_quantities(lines, received)
        arriving = [line for line in lines if quantities[line.product_id] > 0]
        levels = levels_lock(
            [(locked.destination_id, line.product_id) for line in arriving], create=True
        )
        movements = []
        for line in arriving:
            quantity = quantities[line.product_id]
            level = levels[(locked.destination_id, line.product_id)]
            reason = f"from {locked.source.code}"
            if quantity != line.quantity:
                reason += f"; received {quantity} of {line.quantity} shipped"
            movements.append(
                movement_new(
                    level=level,
                    kind=Kind.TRANSFER_IN,
                    quantity=quantity,
                    on_hand_after=level.on_hand + quantity,
                    source_key=f"transfer:{locked.number}:in:{line.product_id}",
                    source_document=locked.number,
                    reason=reason,
                    actor=actor,
                    at=at,
                )
            )
            level_change(level, at=at, on_hand=quantity)
        movements_save(movements)
        for line in lines:
            line.received_quantity = quantities[line.product_id]
        TransferLine.objects.bulk_update(lines, ["received_quantity"])
        locked.status, locked.received_at = Transfer.Status.RECEIVED, at
        locked.save(update_fields=["status", "received_at"])
    return locked
