"""Click-and-collect, ship-from-store and collect-from-another-store, as store staff work it.

Status flow (``Order.Status``):
- collect at the fulfilling store: NEW -> PICKING -> READY -> COLLECTED (or EXPIRED)
- collect elsewhere: NEW -> PICKING (source store) -> IN_TRANSIT (transfer shipped)
  -> READY (received at the collecting store) -> COLLECTED (or EXPIRED)
- ship-from-store / home delivery: NEW -> PICKING -> SHIPPED
Any open order can be CANCELLED (customer service).  Every function takes
``at``, writes an ``OrderEvent``, locks the order row
(``select_for_update``) and re-checks its status first; it raises
``InvalidOrderStateError`` when the order is not in a state that allows
the step.  ``store`` arguments are the acting staff's store: acting on
another store's order raises ``OrderNotFoundError`` (store staff must not
even learn it exists).
"""

from __future__ import annotations

from datetime import datetime

from orders.models import Order, OrderLine
from retail.models import Product, Store


def order_for_store(*, number: str, store: Store) -> Order:
    """Return the order ``number`` if ``store`` fulfils or collects it, else ``OrderNotFoundError``."""
    raise NotImplementedError


def order_pick_start(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """NEW -> PICKING at the fulfilling store (printing the pick list starts it too)."""
    raise NotImplementedError


def order_line_pick(*, line: OrderLine, store: Store, actor=None, at: datetime) -> OrderLine:
    """Confirm a line is picked (OPEN -> PICKED); the order moves to PICKING if NEW."""
    raise NotImplementedError


def order_line_short_pick(
    *,
    line: OrderLine,
    store: Store,
    substitute: Product | None = None,
    actor=None,
    at: datetime,
) -> OrderLine:
    """A line's item is missing or damaged: substitute it or remove it and refund its share.

    With ``substitute``: reserve the same quantity of the substitute at the
    same store (InsufficientStockError if not there), release the original
    line's reservation, add a new line (``substitute_for`` = the original,
    same price paid: the customer is not charged more or less), mark the
    original SUBSTITUTED.  Without: release its reservation, mark REMOVED,
    refund ``line.total_amount`` (its discount allocation included) via
    ``tenders_refund(reason=SHORT_PICK)``, set ``line.refunded_amount``,
    lower nothing else.  Either way queue a ``short_picked`` notification
    (key suffix = line no).  When every line ends REMOVED the order is
    CANCELLED.  Returns the original line.
    """
    raise NotImplementedError


def order_ready(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """All lines picked -> READY at the collecting store (or ship: see order_ship).

    Sets ready_at and pickup_expires_at = at + collect_store.pickup_days,
    extends the reservations (and stored-value holds) beyond it, queues the
    ``ready`` notification (pickup code, opening hours).  For COLLECT_OTHER
    at the source store this instead ships a transfer (``stock_transfer_ship``
    of the reserved quantities, consuming the source reservations) and moves
    the order to IN_TRANSIT.
    """
    raise NotImplementedError


def order_transfer_receive(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """IN_TRANSIT -> READY at the collecting store: receive the transfer, reserve there, notify."""
    raise NotImplementedError


def order_hand_over(*, pickup_code: str, store: Store, actor=None, at: datetime) -> Order:
    """The customer collects: READY -> COLLECTED at the collecting store.

    Finds the READY order by its (normalised) pickup code at ``store``
    (``PickupCodeNotFoundError`` otherwise), consumes the reservations (stock
    movements written), captures every HELD tender for its (reduced) amount,
    earns points on the amount paid (not on points tender) when the customer
    is a member (source key ``order:<number>:earn``), writes the event.
    """
    raise NotImplementedError


def order_ship(
    *, order: Order, store: Store, tracking: str = "", actor=None, at: datetime
) -> Order:
    """Ship-from-store / home delivery: PICKING (all picked) -> SHIPPED; consume, capture, earn."""
    raise NotImplementedError


def order_cancel(*, order: Order, reason: str = "", actor=None, at: datetime) -> Order:
    """Cancel an open order: release reservations, holds and coupon uses, refund the rest."""
    raise NotImplementedError


def orders_expire(*, at: datetime) -> int:
    """Expire READY orders past pickup_expires_at (EXPIRED): release, refund, notify; return count."""
    raise NotImplementedError


def pickups_remind(*, at: datetime) -> int:
    """Queue one reminder for READY orders within pickup_reminder_days of expiry; return count."""
    raise NotImplementedError
