"""A deterministic, realistic demo chain: ``python manage.py seed_demo``.

The build runs as a list of named steps (see :mod:`retail.demo.builder`).
These are the core's; other apps add theirs in their own ``demo`` module with
a ``STEPS`` list, and ``demo_steps()`` runs them after these, in app order.
"""

from retail.demo.api_clients import seed_api_clients
from retail.demo.builder import Step
from retail.demo.catalog import seed_brands, seed_categories, seed_vat
from retail.demo.customers import seed_customer_groups, seed_customers
from retail.demo.locations import seed_channels, seed_stores
from retail.demo.products import seed_products
from retail.demo.staff import seed_staff

STEPS = [
    Step("channels", seed_channels),
    Step("stores", seed_stores),
    Step("VAT", seed_vat),
    Step("brands", seed_brands),
    Step("categories", seed_categories),
    Step("products", seed_products),
    Step("customer groups", seed_customer_groups),
    Step("customers", seed_customers),
    Step("staff", seed_staff),
    Step("API clients", seed_api_clients),
]
