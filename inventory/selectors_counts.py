"""Inventory's reads for stock counts: on hand and reserved of many products, to diff a count.

A count is diffed against the stock rows before ``inventory.services.stock_count``
posts it; the spreadsheet import does that for a whole file, so this reads the
rows of all its products at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from inventory.models import StockLevel


def stock_levels_for_products(
    *, product_ids: Iterable[int], chunk: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """Return ``(on_hand, reserved)`` keyed by ``(location id, product id)`` for these products.

    Every location that has a stock row for one of the products is included;
    a pair without a stock row is absent.  One query per ``chunk`` product
    ids (the caller's ``IN (...)`` limit), on the ``(product, location)``
    index.
    """
    ids = sorted(product_ids)
    found = {}
    for start in range(0, len(ids), chunk):
        rows = StockLevel.objects.filter(product_id__in=ids[start : start + chunk])
        for location_id, product_id, on_hand, reserved in rows.values_list(
            "location_id", "product_id", "on_hand", "reserved"
        ):
            found[(location_id, product_id)] = (on_hand, reserved)
    return found
