"""The order's history: one line per thing that happened to it, in the service's transaction."""

from __future__ import annotations

from datetime import datetime

from orders.models import Order, OrderEvent


def order_event(
    order: Order, kind: str, *, at: datetime, message: str = "", data=None, actor=None
) -> OrderEvent:
    """Append one line to the order's history; call inside the service's transaction."""
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        message=message[:300],
        data=data or {},
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
    )
