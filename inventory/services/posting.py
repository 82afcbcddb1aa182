"""One movement on one stock row, posted once per source key: the core of every single-item service.

``movement_post`` does what receipts, adjustments, counts and POS lines all
do: lock the item's stock row (rule 1 of the lock order in
``inventory.services.levels``), replay the movement an earlier call posted
under the same source key, else insert one movement and move on hand by it.
What differs between the services (a check, released reservations, a
computed quantity) is the ``plan`` each passes in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from inventory.models import StockLevel, StockMovement
from inventory.services.levels import (
    level_change,
    level_lock,
    movement_new,
    movement_replay,
    movements_save,
)
from retail.ledger import post_once
from retail.models import Product, Store


@dataclass(frozen=True)
class Posting:
    """The movement to post: its signed ``quantity`` (on hand moves by it) and ``reason``.

    ``also``: further rows (from ``movement_new``) inserted in the same
    statement after it; on hand moves by their quantities too.
    """

    quantity: int
    reason: str = ""
    also: tuple[StockMovement, ...] = ()


def movement_post(
    *,
    location: Store,
    product: Product,
    kind: str,
    source_key: str,
    quantity: int | None,
    plan: Callable[[StockLevel | None], Posting | None],
    at: datetime,
    create: bool = True,
    actor=None,
    actor_label: str = "",
    source_document: str = "",
) -> StockMovement | None:
    """Post one ``kind`` movement on the item's stock row, once per ``source_key``; return it.

    Locks the row (with ``create``, creating it first), then returns the
    movement already posted under ``source_key`` if there is one (``quantity``
    None: of any quantity).  Otherwise calls ``plan`` with the locked row
    (None only without ``create``, for an item never stocked there): it may
    raise, return None to post nothing (then None is returned), or return the
    ``Posting``, which is inserted with ``on_hand_after = on_hand + quantity``
    while on hand moves by the quantities posted.  Runs in its own
    transaction (a savepoint when nested): a concurrent post of the same key
    on another item makes our insert fail on the unique source key, and then
    nothing of ours is kept and the winner's movement is returned.  Raises
    StockSourceKeyReusedError when the key posted something else.
    """

    def find() -> StockMovement | None:
        return movement_replay(
            source_key, location=location, product=product, kind=kind, quantity=quantity
        )

    def post() -> StockMovement | None:
        level = level_lock(location, product, create=create)
        if (earlier := find()) is not None:
            return earlier
        posting = plan(level)
        if posting is None:
            return None
        movement = movement_new(
            level=level,
            kind=kind,
            quantity=posting.quantity,
            on_hand_after=level.on_hand + posting.quantity,
            source_key=source_key,
            source_document=source_document,
            reason=posting.reason,
            actor=actor,
            actor_label=actor_label,
            at=at,
        )
        movements = movements_save([movement, *posting.also])
        level_change(level, at=at, on_hand=sum(m.quantity for m in movements))
        return movement

    return post_once(find=find, post=post)
