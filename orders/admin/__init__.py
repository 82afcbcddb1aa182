"""The HQ admin of orders: orders and POS receipts, returns, refunds and the notification outbox.

Everything here is read-only: orders change only through ``orders.services``
(the admin's actions call them).  Store managers see only the orders their
store fulfils or collects, and what hangs off them.  A customer's purchase
history is the order list filtered by ``?customer__public_id=<uuid>``; the
tills' price deviations are in ``price_audit``.
Importing the modules registers their admins.
"""

from orders.admin import dashboard, orders, price_audit, records

__all__ = ["dashboard", "orders", "price_audit", "records"]
