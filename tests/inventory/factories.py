"""Stock test helpers: items with stock put there through the real services."""

from datetime import UTC, datetime
from itertools import count

from inventory.models import StockLevel
from inventory.services import stock_receive, stock_reserve
from tests.factories import ProductFactory, StoreFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
_keys = count(1)


def key(prefix: str = "test") -> str:
    """A fresh source key."""
    return f"{prefix}:{next(_keys)}"


def stocked(*, location=None, product=None, on_hand: int = 10, at=NOW):
    """A (location, product) pair with ``on_hand`` units received through ``stock_receive``."""
    location = location or StoreFactory()
    product = product or ProductFactory()
    if on_hand:
        stock_receive(
            location=location, product=product, quantity=on_hand, source_key=key("recv"), at=at
        )
    return location, product


def reserve(location, product, quantity: int = 1, *, reference: str | None = None, at=NOW, **kw):
    """Reserve one line as an order; returns the reservation."""
    (reservation,) = stock_reserve(
        location=location,
        lines=[(product, quantity)],
        reference_kind="order",
        reference=reference or key("order"),
        at=at,
        **kw,
    )
    return reservation


def level(location, product) -> StockLevel:
    return StockLevel.objects.get(location=location, product=product)
