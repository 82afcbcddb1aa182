"""POS sales and returns: physical truth, recorded once per receipt line and never refused.

Source keys are ``sale:<location pk>:<receipt id>:<line no>`` and
``return:<location pk>:<receipt id>:<line no>``, so a re-sent receipt posts
nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from inventory.models import StockMovement
from inventory.services.levels import check_positive, movement_new, release_to_fit
from inventory.services.posting import Posting, movement_post
from retail.models import Product, Store

Kind = StockMovement.Kind

COUNT_NEEDED = "sold without stock on record: count needed"


def stock_record_sale(
    *,
    location: Store,
    product: Product,
    quantity: int,
    receipt_id: str,
    line_no: int,
    actor_label: str = "",
    at: datetime | None = None,
) -> StockMovement:
    """Record a POS sale of ``quantity`` units at ``location``; return its ``sale`` movement.

    The goods have left the store, so this never refuses:

    - a sale that eats into reserved units releases the newest active
      reservations of the item until reserved <= on hand (whoever placed
      them reacts to the release);
    - a sale of more than is on record (the records were wrong) is posted in
      full and followed by a ``count_correction`` back to zero, with the
      reason ``"sold without stock on record: count needed"`` so someone
      counts the shelf.

    Idempotent on (location, receipt_id, line_no).  Raises
    InvalidStockQuantityError for a quantity below 1 and
    StockSourceKeyReusedError when the line was recorded with another
    product or quantity.
    """
    check_positive(quantity)
    at = at or timezone.now()
    source_key = f"sale:{location.pk}:{receipt_id}:{line_no}"

    def plan(level):
        after_sale = level.on_hand - quantity
        released = release_to_fit(
            level, on_hand=after_sale, at=at, reason="sold at the POS; too few units left"
        )
        reason = f"released {len(released)} reservation(s)" if released else ""
        if after_sale >= 0:
            return Posting(-quantity, reason)
        correction = movement_new(
            level=level,
            kind=Kind.COUNT_CORRECTION,
            quantity=-after_sale,
            on_hand_after=0,
            source_key=f"{source_key}:correction",
            source_document=str(receipt_id),
            reason=COUNT_NEEDED,
            actor_label=actor_label,
            at=at,
        )
        return Posting(-quantity, reason, also=(correction,))

    return movement_post(
        location=location,
        product=product,
        kind=Kind.SALE,
        source_key=source_key,
        quantity=-quantity,
        plan=plan,
        source_document=str(receipt_id),
        actor_label=actor_label,
        at=at,
    )


def stock_record_return(
    *,
    location: Store,
    product: Product,
    quantity: int,
    receipt_id: str,
    line_no: int,
    actor_label: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> StockMovement:
    """Record ``quantity`` units returned over the counter at ``location``; return the movement.

    The units go back on hand (sellable) with a ``return`` movement; goods
    that cannot be sold again are written off afterwards with
    ``stock_adjust``.  Idempotent on (location, receipt_id, line_no).
    Raises InvalidStockQuantityError for a quantity below 1 and
    StockSourceKeyReusedError when the line was recorded otherwise.
    """
    check_positive(quantity)
    at = at or timezone.now()
    source_key = f"return:{location.pk}:{receipt_id}:{line_no}"
    return movement_post(
        location=location,
        product=product,
        kind=Kind.RETURN,
        source_key=source_key,
        quantity=quantity,
        plan=lambda level: Posting(quantity, reason),
        source_document=str(receipt_id),
        actor_label=actor_label,
        at=at,
    )
