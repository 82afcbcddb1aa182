"""Goods in, corrections and counts: each posts one ledger row and moves on hand by it.

Every service here is idempotent on its ``source_key``: a retry with the same
key returns the movement first posted and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from inventory.errors import (
    InvalidStockQuantityError,
    StockReasonRequiredError,
)
from inventory.models import StockMovement
from inventory.services.levels import (
    check_positive,
    release_to_fit,
    short_line,
    shortage_error,
)
from inventory.services.posting import Posting, movement_post
from retail.models import Product, Store

Kind = StockMovement.Kind


def stock_receive(
    *,
    location: Store,
    product: Product,
    quantity: int,
    source_key: str,
    source_document: str = "",
    actor=None,
    actor_label: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> StockMovement:
    """Add ``quantity`` received units to on hand at ``location`` with a ``receipt`` movement.

    Creates the stock row if the item was never stocked there.  Idempotent
    on ``source_key`` (for example ``"asn:4711:3"``).  Raises
    InvalidStockQuantityError for a quantity below 1 and
    StockSourceKeyReusedError when the key already posted something else.
    """
    check_positive(quantity)
    at = at or timezone.now()
    return movement_post(
        location=location,
        product=product,
        kind=Kind.RECEIPT,
        source_key=source_key,
        quantity=quantity,
        plan=lambda level: Posting(quantity, reason),
        source_document=source_document,
        actor=actor,
        actor_label=actor_label,
        at=at,
    )


def stock_adjust(
    *,
    location: Store,
    product: Product,
    quantity: int,
    reason: str,
    source_key: str,
    actor=None,
    actor_label: str = "",
    at: datetime | None = None,
) -> StockMovement:
    """Move on hand by the signed ``quantity`` (damage, shrinkage, found goods) with a reason.

    An adjustment may not take on hand below what is reserved (nor below
    zero): it raises InsufficientStockError then, naming what is available.
    Use ``stock_count`` when a count says there are fewer units than
    promised.  Raises InvalidStockQuantityError for 0, StockReasonRequiredError
    without a reason, StockSourceKeyReusedError for a key used otherwise.
    Idempotent on ``source_key``.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise InvalidStockQuantityError(
            gettext("An adjustment is a whole number other than zero."), field="quantity"
        )
    if not reason.strip():
        raise StockReasonRequiredError(field="reason")
    at = at or timezone.now()

    def plan(level):
        if level is None or level.on_hand - level.reserved + quantity < 0:
            raise shortage_error(location, [short_line(product, -quantity, level)])
        return Posting(quantity, reason)

    return movement_post(
        location=location,
        product=product,
        kind=Kind.ADJUSTMENT,
        source_key=source_key,
        quantity=quantity,
        plan=plan,
        create=quantity > 0,
        actor=actor,
        actor_label=actor_label,
        at=at,
    )


def stock_count(
    *,
    location: Store,
    product: Product,
    counted: int,
    source_key: str,
    actor=None,
    actor_label: str = "",
    at: datetime | None = None,
) -> StockMovement | None:
    """Set on hand to the ``counted`` units; post the difference as a ``count_correction``.

    The count is physical truth and always wins.  When fewer units are
    counted than are reserved, the newest active reservations of the item at
    ``location`` are released (status ``released``, ``close_reason`` says
    why) until reserved <= counted; whoever placed them (an order) reacts to
    the release.  Returns the movement, or None when the count matches (then
    nothing is written, so a late replay of that key is counted afresh).
    Idempotent on ``source_key``.  Raises InvalidStockQuantityError for a
    negative count, StockSourceKeyReusedError for a key used otherwise.
    """
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InvalidStockQuantityError(
            gettext("A count is a whole number, zero or more."), field="counted"
        )
    at = at or timezone.now()

    def plan(level):
        difference = counted - level.on_hand
        if difference == 0:
            return None
        released = release_to_fit(
            level, on_hand=counted, at=at, reason="stock count found fewer units than reserved"
        )
        reason = f"counted {counted}, on record {level.on_hand}"
        if released:
            reason += f"; released {len(released)} reservation(s)"
        return Posting(difference, reason)

    return movement_post(
        location=location,
        product=product,
        kind=Kind.COUNT_CORRECTION,
        source_key=source_key,
        quantity=None,
        plan=plan,
        actor=actor,
        actor_label=actor_label,
        at=at,
    )
