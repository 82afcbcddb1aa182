"""The HQ admin of inventory: stock per store, the movement ledger, reservations, buffers,
the locations that serve each channel, transfers and stock feed runs.

Stock is read-only here: it changes only through services.  A stock row's
page offers "Adjust" (``stock_adjust``, with a reason) and "Count"
(``stock_count``); reservations are released with ``reservation_release``.
Store managers see only their own stores' rows (``StoreScopedAdminMixin``).
Importing the modules registers their admins.
"""

from inventory.admin import (
    config,
    dashboard,
    feeds,
    movements,
    product_panel,
    reservations,
    stock,
    transfers,
)

__all__ = [
    "config",
    "dashboard",
    "feeds",
    "movements",
    "product_panel",
    "reservations",
    "stock",
    "transfers",
]
