"""Inventory's writes: the only way stock changes.

One module per subject; every public function is ``<entity>_<verb>`` with
keyword-only arguments, owns its transaction and writes its ledger rows in
it.  Import them from here.  The lock order every service follows is
described in ``inventory.services.levels``.
"""

from inventory.models import Reservation
from inventory.services.levels import stock_levels_lock
from inventory.services.movements import stock_adjust, stock_count, stock_receive
from inventory.services.reservations import (
    reservation_consume,
    reservation_extend,
    reservation_release,
    reservations_expire,
)
from inventory.services.reserve import stock_reserve
from inventory.services.sales import stock_record_return, stock_record_sale
from inventory.services.transfers import stock_transfer_receive, stock_transfer_ship

# The kinds of holder a reservation names (for callers that may not import inventory's models).
ReservationReference = Reservation.ReferenceKind

__all__ = [
    "ReservationReference",
    "reservation_consume",
    "reservation_extend",
    "reservation_release",
    "reservations_expire",
    "stock_adjust",
    "stock_count",
    "stock_levels_lock",
    "stock_receive",
    "stock_record_return",
    "stock_record_sale",
    "stock_reserve",
    "stock_transfer_receive",
    "stock_transfer_ship",
]
