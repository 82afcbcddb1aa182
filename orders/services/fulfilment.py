"""Click-and-collect, ship-from-store and collect-from-another-store, as store staff work it.

Status flow (``Order.Status``):
- collect at the fulfilling store: NEW -> PICKING -> READY -> COLLECTED (or EXPIRED)
- collect elsewhere: NEW -> PICKING (source store) -> IN_TRANSIT (transfer shipped)
  -> READY (received at the collecting store) -> COLLECTED (or EXPIRED)
- ship-from-store / home delivery: NEW -> PICKING -> SHIPPED
Any open order can be CANCELLED (customer service).  Every function takes
``at``, writes an ``OrderEvent``, locks the order row first
(``orders.services.access.order_lock``, the head of ``retail.locking``'s
order) and re-checks its status; it raises
``InvalidOrderStateError`` when the order is not in a state that allows
the step.  ``store`` arguments are the acting staff's store: acting on
another store's order raises ``OrderNotFoundError`` (store staff must not
even learn it exists).

How long stock and stored value are held: ``orders.services.holds``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils.translation import gettext

from inventory.errors import TransferNotInTransitError
from inventory.services import stock_transfer_receive, stock_transfer_ship
from orders.errors import InvalidOrderStateError, PickupCodeNotFoundError
from orders.models import Notification, Order, OrderLine, Refund
from orders.services import completion
from orders.services.access import (
    LIVE_LINES,
    SHIP_KINDS,
    line_locked,
    live_lines,
    order_for_store,
    order_lock,
    order_locked_for,
    order_save,
    quantities,
    require_all_picked,
    require_status,
    require_store,
)
from orders.services.history import order_event
from orders.services.holds import HOLD_MARGIN, holds_extend_to
from orders.services.notify import notification_queue
from orders.services.numbers import pickup_code_normalize
from orders.services.short_pick import line_remove, line_substitute
from orders.services.stock import reservations_extend_to, reservations_release_all, reserve
from retail import locking
from retail.models import Product, Store

__all__ = [
    "order_cancel",
    "order_for_store",
    "order_hand_over",
    "order_line_pick",
    "order_line_short_pick",
    "order_pick_start",
    "order_ready",
    "order_ship",
    "order_transfer_receive",
]

logger = logging.getLogger(__name__)

Status = Order.Status
Fulfilment = Order.Fulfilment
LineStatus = OrderLine.Status


def order_pick_start(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """NEW -> PICKING at the fulfilling store (printing the pick list starts it too).

    An order already being picked is returned as it is, so printing the
    list twice is harmless.
    """
    with locking.atomic():
        order = order_locked_for(order.pk, store)
        require_store(order, store, store_id=order.fulfil_location_id, step="picked")
        if order.status == Status.PICKING:
            return order
        require_status(order, Status.NEW)
        _picking(order, actor=actor, at=at)
    return order


def _picking(order: Order, *, actor, at: datetime) -> None:
    order.status, order.picking_at = Status.PICKING, at
    order_save(order, "status", "picking_at")
    order_event(order, "picking_started", at=at, actor=actor)


def _line_locked(line: OrderLine, store: Store) -> tuple[Order, OrderLine]:
    """Lock the line's order (scoped to ``store``), then the line; both must be pickable."""
    order = order_locked_for(line.order_id, store)
    require_store(order, store, store_id=order.fulfil_location_id, step="picked")
    require_status(order, Status.NEW, Status.PICKING)
    return order, line_locked(order, line)


def order_line_pick(*, line: OrderLine, store: Store, actor=None, at: datetime) -> OrderLine:
    """Confirm a line is picked (OPEN -> PICKED); the order moves to PICKING if NEW.

    Confirming a picked line again changes nothing; a removed or replaced
    line raises ``InvalidOrderStateError``.
    """
    with locking.atomic():
        order, line = _line_locked(line, store)
        if line.status == LineStatus.PICKED:
            return line
        if line.status != LineStatus.OPEN:
            raise InvalidOrderStateError(
                gettext("This line is no longer to be picked."), extra={"line_status": line.status}
            )
        if order.status == Status.NEW:
            _picking(order, actor=actor, at=at)
        line.status = LineStatus.PICKED
        line.save(update_fields=["status"])
        order_event(
            order, "line_picked", at=at, actor=actor, data={"line": line.line_no, "sku": line.sku}
        )
    return line


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
    same price paid: the customer is never charged more; under the shop's
    ``refund_cheaper`` rule a cheaper substitute refunds the difference,
    see ``line_substitute``), mark the original SUBSTITUTED.  Without:
    release its reservation, mark REMOVED,
    refund ``line.total_amount`` (its discount allocation included) via
    ``tenders_refund(reason=SHORT_PICK)``, set ``line.refunded_amount``,
    lower nothing else.  Either way queue a ``short_picked`` notification
    (key suffix = line no).  When every line ends REMOVED the order is
    CANCELLED.  Returns the original line.

    The substitute line starts OPEN: it is picked and confirmed like any
    other line.  Raises ``InvalidOrderStateError`` for a line already
    removed or replaced, or a substitute that is the same product.
    """
    with locking.atomic():
        order, line = _line_locked(line, store)
        if line.status not in LIVE_LINES:
            raise InvalidOrderStateError(
                gettext("This line is no longer to be picked."), extra={"line_status": line.status}
            )
        if order.status == Status.NEW:
            _picking(order, actor=actor, at=at)
        missing = [{"name": line.name, "quantity": line.quantity}]
        if substitute is not None:
            new_line = line_substitute(order, line, substitute, actor=actor, at=at)
            context = {"lines": missing, "substitute": new_line.name}
            if new_line.refunded_amount:
                context |= {"amount": str(new_line.refunded_amount), "currency": order.currency}
        else:
            context = line_remove(order, line, actor=actor, at=at) | {"lines": missing}
        notification_queue(
            order=order,
            kind=Notification.Kind.SHORT_PICKED,
            at=at,
            context=context,
            key_suffix=str(line.line_no),
        )
        if not order.lines.filter(status__in=LIVE_LINES).exists():
            _cancel(order, reason="every line short-picked", actor=actor, at=at)
    return line


def order_ready(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """All lines picked -> READY at the collecting store (or ship: see order_ship).

    Sets ready_at and pickup_expires_at = at + collect_store.pickup_days,
    extends the reservations (and stored-value holds) beyond it, queues the
    ``ready`` notification (pickup code, opening hours).  For COLLECT_OTHER
    at the source store this instead ships a transfer (``stock_transfer_ship``
    of the reserved quantities, closing the source reservations) and moves
    the order to IN_TRANSIT.

    The transfer ships from free stock only, so the source reservations are
    released first, in the same transaction (the stock rows stay locked
    until it commits: nobody else can take the units); the units leave with
    one ``transfer_out`` movement each and are counted once.  Holds and
    reservations are extended past the pickup window.
    """
    with locking.atomic():
        order = order_locked_for(order.pk, store)
        require_store(order, store, store_id=order.fulfil_location_id, step="picked")
        if order.fulfilment in SHIP_KINDS:
            raise InvalidOrderStateError(
                gettext("Ship this order instead."), extra={"status": order.status}
            )
        require_status(order, Status.NEW, Status.PICKING)
        lines = require_all_picked(order)
        if order.fulfilment == Fulfilment.COLLECT_OTHER:
            _transfer_ship(order, lines, actor=actor, at=at)
        else:
            _make_ready(order, actor=actor, at=at)
    return order


def order_transfer_receive(*, order: Order, store: Store, actor=None, at: datetime) -> Order:
    """IN_TRANSIT -> READY at the collecting store: receive the transfer, reserve there, notify.

    A transfer the store already received through the stock pages is not
    received twice; the units are then reserved from the store's stock.
    Raises ``InsufficientStockError`` when they are not there (nothing changes).
    """
    with locking.atomic():
        order = order_locked_for(order.pk, store)
        require_store(order, store, store_id=order.collect_store_id, step="received")
        require_status(order, Status.IN_TRANSIT)
        received = True
        try:
            stock_transfer_receive(transfer=order.transfer, actor=actor, at=at)
        except TransferNotInTransitError:
            received = False
        window = timedelta(days=order.collect_store.pickup_days) + HOLD_MARGIN
        reserve(
            order,
            order.collect_store,
            quantities(live_lines(order)),
            ttl=window,
            actor=actor,
            at=at,
        )
        order_event(
            order,
            "transfer_received",
            at=at,
            actor=actor,
            data={"transfer": order.transfer.number, "received_now": received},
        )
        _make_ready(order, actor=actor, at=at)
    return order


def order_hand_over(
    *, pickup_code: str, store: Store, actor=None, handed_to: str = "", at: datetime
) -> Order:
    """The customer collects: READY -> COLLECTED at the collecting store.

    Finds the READY order by its (normalised) pickup code at ``store``
    (``PickupCodeNotFoundError`` otherwise), consumes the reservations (stock
    movements written), captures every HELD tender for its (reduced) amount,
    earns points on the amount paid (not on points tender) when the customer
    is a member (source key ``order:<number>:earn``), writes the event
    (with ``handed_to``, the name of who collected when it was not the customer).

    A code of another store's order is "not found" as well.  When two
    counters scan the same code, the second waits for the first and then
    finds no READY order (``extra["status"]`` says what it is now).
    """
    code = pickup_code_normalize(pickup_code)
    if not code:
        raise PickupCodeNotFoundError(field="pickup_code")
    pk = (
        Order.objects.filter(pickup_code=code, collect_store=store, kind=Order.Kind.ORDER)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise PickupCodeNotFoundError(field="pickup_code")
    with locking.atomic():
        order = order_lock(pk, kind=Order.Kind.ORDER)
        if order.status != Status.READY:
            raise PickupCodeNotFoundError(field="pickup_code", extra={"status": order.status})
        done = completion.order_complete(order, step="handover", actor=actor, at=at)
        order.status, order.closed_at = Status.COLLECTED, at
        order_save(order, "status", "closed_at")
        handed_to = handed_to.strip()[:100]
        order_event(
            order,
            "collected",
            at=at,
            actor=actor,
            data=done | ({"handed_to": handed_to} if handed_to else {}),
        )
    return order


def order_ship(
    *, order: Order, store: Store, tracking: str = "", actor=None, at: datetime
) -> Order:
    """Ship-from-store / home delivery: PICKING (all picked) -> SHIPPED; consume, capture, earn.

    Queues the ``shipped`` notification with ``tracking`` as its tracking number.
    """
    with locking.atomic():
        order = order_locked_for(order.pk, store)
        require_store(order, store, store_id=order.fulfil_location_id, step="shipped")
        if order.fulfilment not in SHIP_KINDS:
            raise InvalidOrderStateError(
                gettext("This order is collected, not shipped."), extra={"status": order.status}
            )
        require_status(order, Status.NEW, Status.PICKING)
        require_all_picked(order)
        done = completion.order_complete(order, step="ship", actor=actor, at=at)
        order.status, order.closed_at = Status.SHIPPED, at
        order_save(order, "status", "closed_at")
        order_event(order, "shipped", at=at, actor=actor, data=done | {"tracking": tracking})
        notification_queue(
            order=order,
            kind=Notification.Kind.SHIPPED,
            at=at,
            context={"tracking_number": tracking} if tracking else {},
        )
    return order


def order_cancel(*, order: Order, reason: str = "", actor=None, at: datetime) -> Order:
    """Cancel an open order: release reservations, holds and coupon uses, refund the rest.

    Held stored value is released, burned points come back, the external
    payment gets a PENDING refund instruction (``tenders_refund`` with
    reason ``cancelled``); the customer is told of a refund.  A transfer
    already on its way arrives as ordinary stock at the collecting store.
    Raises ``InvalidOrderStateError`` for an order no longer open.
    """
    with locking.atomic():
        order = order_locked_for(order.pk, None)
        require_status(order, *Order.OPEN_STATUSES)
        _cancel(order, reason=reason, actor=actor, at=at)
    return order


def _cancel(order: Order, *, reason: str, actor, at: datetime) -> None:
    refunds = completion.order_unwind(order, reason=Refund.Reason.CANCELLED, at=at)
    amount = completion.refunded_total(refunds)
    order.status, order.closed_at = Status.CANCELLED, at
    order_save(order, "status", "closed_at")
    order_event(
        order, "cancelled", at=at, actor=actor, message=reason, data={"refund": str(amount)}
    )
    if amount > 0:
        notification_queue(
            order=order,
            kind=Notification.Kind.REFUND_ISSUED,
            at=at,
            context={"amount": str(amount), "currency": order.currency},
            key_suffix="cancelled",
        )


def _transfer_ship(order: Order, lines: list[OrderLine], *, actor, at: datetime) -> None:
    """Ship the picked lines to the collecting store from free stock (reservations released)."""
    reservations_release_all(order, reason="transfer", at=at)
    transfer = stock_transfer_ship(
        source=order.fulfil_location,
        destination=order.collect_store,
        lines=quantities(lines),
        reference=order.number,
        actor=actor,
        at=at,
    )
    order.status, order.transfer = Status.IN_TRANSIT, transfer
    order_save(order, "status", "transfer")
    order_event(
        order,
        "transfer_shipped",
        at=at,
        actor=actor,
        data={"transfer": transfer.number, "to": order.collect_store.code},
    )


def _make_ready(order: Order, *, actor, at: datetime) -> None:
    """READY: the pickup window starts, reservations and holds outlive it, the customer is told.

    Reservations (stock rows) are extended before the holds (stored-value
    accounts): the global lock order.
    """
    expires = at + timedelta(days=order.collect_store.pickup_days)
    reservations_extend_to(order, expires_at=expires + HOLD_MARGIN, at=at)
    holds_extend_to(order, expires_at=expires + HOLD_MARGIN, at=at)
    order.status, order.ready_at, order.pickup_expires_at = Status.READY, at, expires
    order_save(order, "status", "ready_at", "pickup_expires_at")
    order_event(order, "ready", at=at, actor=actor, data={"pickup_expires_at": expires.isoformat()})
    notification_queue(order=order, kind=Notification.Kind.READY, at=at)
