"""The import kinds, one module each, picked from a plain registry keyed by ``ImportKind``.

Each module has ``COLUMNS`` (the header contract), ``check(table, at=,
report=, progress=) -> plan``, ``apply(plan, run=, at=, user=, progress=)``
and ``export_dataset()``.
"""

from imports.kinds import campaigns, coupons, prices, products, stock_counts
from imports.models import ImportKind

KINDS = {
    ImportKind.PRICES: prices,
    ImportKind.CAMPAIGNS: campaigns,
    ImportKind.COUPONS: coupons,
    ImportKind.PRODUCTS: products,
    ImportKind.STOCK_COUNTS: stock_counts,
}
