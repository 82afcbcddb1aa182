"""Inventory's reads: availability for channels and staff, and what other apps need to know.

``availability`` answers "is it available, and where?"; ``fulfilment`` gives
the orders app what it reads of inventory (a channel's warehouse, an order's
active reservations, stock rows with free units) so that it never queries
inventory's tables itself.
"""

from inventory.selectors.availability import (
    MAX_CHANNEL_PRODUCTS,
    BufferTable,
    availability_across_stores,
    availability_at_store,
    availability_for_channel,
    available_to_promise,
    buffer_for,
    buffer_table,
    distance_km,
)
from inventory.selectors.fulfilment import (
    channel_warehouse,
    reservations_active,
    skus_with_free_stock,
)

__all__ = [
    "MAX_CHANNEL_PRODUCTS",
    "BufferTable",
    "availability_across_stores",
    "availability_at_store",
    "availability_for_channel",
    "available_to_promise",
    "buffer_for",
    "buffer_table",
    "channel_warehouse",
    "distance_km",
    "reservations_active",
    "skus_with_free_stock",
]
