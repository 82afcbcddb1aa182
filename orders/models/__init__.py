"""Orders and POS receipts, their tenders, returns, refunds and the notification outbox.

One ``Order`` table holds both what a channel orders (click-and-collect,
ship-from-store, delivery, collect from another store) and what a POS sold
(``kind=receipt``), so a customer's purchase history, returns and refunds
work the same for both.  Lines freeze the price and its explanation as the
customer saw it.  Amount columns are VAT-inclusive ``Decimal`` beside the
order's ``currency``; every write goes through ``orders.services``.
"""

from orders.models.audits import PriceDeviation, ReceiptPriceAudit
from orders.models.events import Notification, OrderEvent
from orders.models.returns import Refund, Return, ReturnLine
from orders.models.sales import Order, OrderLine, Tender

__all__ = [
    "Notification",
    "Order",
    "OrderEvent",
    "OrderLine",
    "PriceDeviation",
    "ReceiptPriceAudit",
    "Refund",
    "Return",
    "ReturnLine",
    "Tender",
]
