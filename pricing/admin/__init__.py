"""The HQ admin of pricing: price lists and entries with history and a price chart,
campaigns with targets and coupon codes, coupon batches with CSV export, and the
price simulator (``/admin/pricing/simulator/``).

Writes with a business rule go through services: price entries
(``price_entry_set``, ``price_entry_delete``, with the user and
``source="admin"``), coupon codes (``coupon_code_create``) and batches
(``coupon_batch_generate``).  Importing the modules registers their admins.
"""

from pricing.admin import campaigns, coupons, dashboard, prices, product_panel

__all__ = ["campaigns", "coupons", "dashboard", "prices", "product_panel"]
