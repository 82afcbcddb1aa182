"""How an order is paid and paid back: plan the tenders, take them, refund them.

- ``plan``: which tender pays how much, checked to cover the total exactly;
- ``take``: hold or capture stored value, burn points, record the external
  payment, taking the rows in ``retail.locking``'s order;
- ``refund``: the one place money goes back, to the original tenders or as
  a credit note.
"""

from orders.services.tenders.plan import TenderRequest, tender_plan
from orders.services.tenders.refund import (
    RefundExceedsPaidError,
    refund_plan,
    tenders_refund,
)
from orders.services.tenders.take import tenders_take

__all__ = [
    "RefundExceedsPaidError",
    "TenderRequest",
    "refund_plan",
    "tender_plan",
    "tenders_refund",
    "tenders_take",
]
