"""The import kinds, one module each, picked from a plain registry keyed by ``ImportKind``.

Each module has ``COLUMNS`` (the header contract), ``check(table, at=,
report=, progress=) -> plan``, ``apply(plan, run=, at=, user=, progress=)``
and ``export_dataset()``.

``KIND_PERMISSIONS`` says who may import a kind in the admin: whoever may
write what it writes (a marketer imports campaigns, prices and coupons; stock
counts need the right to change stock).
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

KIND_PERMISSIONS = {
    ImportKind.PRICES: ("pricing.add_pricelistentry", "pricing.change_pricelistentry"),
    ImportKind.CAMPAIGNS: ("pricing.add_campaign", "pricing.change_campaign"),
    ImportKind.COUPONS: ("pricing.add_couponcode",),
    ImportKind.PRODUCTS: ("retail.add_product", "retail.change_product"),
    ImportKind.STOCK_COUNTS: ("inventory.change_stocklevel",),
}


def kinds_importable_by(user) -> list[str]:
    """The kinds ``user`` may upload and confirm: import rights and rights over what it writes."""
    if not user.has_perm("imports.add_importrun"):
        return []
    return [kind for kind in ImportKind.values if user.has_perms(KIND_PERMISSIONS[kind])]


def kind_for_headers(headers: list[str], *, chosen: str) -> str | None:
    """Another kind whose header contract ``headers`` fit, when they do not fit ``chosen``'s."""
    from imports.kinds.base import headers_fit

    if headers_fit(headers, KINDS[chosen].COLUMNS):
        return None
    return next(
        (
            kind
            for kind in ImportKind.values
            if kind != chosen and headers_fit(headers, KINDS[kind].COLUMNS)
        ),
        None,
    )
