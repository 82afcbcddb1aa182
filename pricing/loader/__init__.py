"""Turn rows into the engine's inputs: the pricing context and the rules that can touch a basket.

Raw SQL with constant statement texts (``pricing.loader.sql``), no queryset
built per call.  ``context_build`` costs one query (none for a guest without
coupons); ``rules_load`` four, whatever the basket and however many campaigns
the database holds:

1. the products (with their product sets, aggregated in a sub-select);
2. the ancestors of their categories and the VAT rates of their classes in
   the market (store, else channel), tagged rows of one statement;
3. the campaigns in force whose targets reference them, their categories,
   brands or sets, plus basket-wide thresholds and gifts, with their targets
   packed into one column, and presented coupons' campaigns;
4. the price list entries in force for the products in the context's
   currency, with (tagged rows of the same statement) the prices and names
   of what the campaigns' hints and coupon reasons name
   (``pricing.loader.references``).

``pricing.selectors.basket_price`` resolves SKUs and GTINs with step 1, so a
basket costs five queries.  Scope (channels,
stores, customer groups) and coupon locks are filtered in Python on the loaded
rows; the engine checks them again, so the rules stay correct if someone builds
them by hand.
"""

from pricing.loader.campaigns import campaign_targets
from pricing.loader.context import context_build
from pricing.loader.products import (
    ProductRow,
    ancestor_paths,
    product_rows_by_codes,
    product_rows_by_ids,
)
from pricing.loader.rules import rules_load, rules_load_for_rows

__all__ = [
    "ProductRow",
    "ancestor_paths",
    "campaign_targets",
    "context_build",
    "product_rows_by_codes",
    "product_rows_by_ids",
    "rules_load",
    "rules_load_for_rows",
]
