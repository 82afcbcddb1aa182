"""An order's history in words: "Picking started by Rasmus, 10:42", in the active language.

The order page and the admin show ``order_history``; the events themselves
keep their stable ``kind`` codes and data (``orders.services.history``).
Times are local to the store that collects (or picks) the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext

from orders.models import Order, OrderEvent
from orders.notifications.render import money_format


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  # local to the order's store
    kind: str
    text: str  # "Picking started by Rasmus, 10:42"


def actor_name(user) -> str:
    """The staff member as colleagues call them: first name, else full name, else user name."""
    if user is None:
        return ""
    return user.first_name or user.get_full_name() or user.get_username()


def _money(raw, currency: str) -> str:
    try:
        return money_format(Decimal(str(raw)), currency)
    except (InvalidOperation, ValueError, TypeError):
        return str(raw or "")


def _what(event: OrderEvent, currency: str) -> str:
    """What happened, without who or when."""
    data = event.data if isinstance(event.data, dict) else {}
    kind = event.kind
    values = {
        "line": data.get("line", ""),
        "sku": data.get("sku", ""),
        "by_sku": data.get("by_sku", ""),
        "transfer": data.get("transfer", ""),
        "return": data.get("return", ""),
        "order": data.get("exchange_order", ""),
        "amount": _money(data.get("refund", "0"), currency),
    }
    if kind == "placed":
        return gettext("Order placed")
    if kind == "picking_started":
        return gettext("Picking started")
    if kind == "line_picked":
        return gettext("Line %(line)s (%(sku)s) picked") % values
    if kind == "line_removed":
        return gettext("Line %(line)s (%(sku)s) removed, %(amount)s refunded") % values
    if kind == "line_substituted":
        if Decimal(str(data.get("refund") or "0")) > 0:
            return (
                gettext("Line %(line)s (%(sku)s) replaced by %(by_sku)s, %(amount)s refunded")
                % values
            )
        return gettext("Line %(line)s (%(sku)s) replaced by %(by_sku)s") % values
    if kind == "ready":
        return gettext("Ready for pickup")
    if kind == "transfer_shipped":
        return gettext("Sent to the collecting store (transfer %(transfer)s)") % values
    if kind == "transfer_received":
        return gettext("Transfer %(transfer)s received") % values
    if kind == "collected":
        if data.get("handed_to"):
            return gettext("Handed over to %(name)s") % {"name": data["handed_to"]}
        return gettext("Handed over")
    if kind == "shipped":
        return pgettext("order history", "Shipped")
    if kind == "cancelled":
        return pgettext("order history", "Cancelled")
    if kind == "expired":
        return gettext("Expired, not collected")
    if kind == "reminded":
        return gettext("Pickup reminder sent")
    if kind == "hold_lapsed":
        return gettext("A payment hold lapsed")
    if kind == "returned":
        return gettext("Goods returned (return %(return)s)") % values
    if kind == "exchanged":
        return gettext("Exchanged (return %(return)s, new order %(order)s)") % values
    if kind == "refund_done":
        return gettext("Refund paid out by the payment provider")
    # A kind without words yet reads as its code, never as nothing.
    return kind.replace("_", " ").capitalize()


def history_entry(event: OrderEvent, *, order: Order) -> HistoryEntry:
    """One event in words, with who did it and the store's local time."""
    store = order.collect_store or order.fulfil_location
    local = timezone.localtime(event.at, store.tz)
    time = formats.time_format(local, "H:i")
    what = _what(event, order.currency)
    name = actor_name(event.actor)
    if name:
        text = gettext("%(what)s by %(name)s, %(time)s") % {
            "what": what,
            "name": name,
            "time": time,
        }
    else:
        text = gettext("%(what)s, %(time)s") % {"what": what, "time": time}
    return HistoryEntry(at=local, kind=event.kind, text=text)


def order_history(order: Order, events: Iterable[OrderEvent]) -> list[HistoryEntry]:
    """``events`` of ``order`` in words (select ``actor`` with them; ``order``'s stores too)."""
    return [history_entry(event, order=order) for event in events]
