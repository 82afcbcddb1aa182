"""The stock invariant, checked for the whole chain in two set-based queries.

- on hand of every (location, product) equals the sum of its movements;
- reserved equals the sum of its active reservations.

Each check is ONE aggregate query over a ``UNION ALL`` of the stock rows and
the ledger (or the reservations), so an item present on one side only (a
movement without a stock row) is reported as well.  Used by
``manage.py stock_check`` and by the tests after every stock test.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from inventory.models import Reservation, StockLevel, StockMovement


@dataclass(frozen=True)
class StockDrift:
    """One item whose stock row disagrees with its ledger (``on_hand``) or holds (``reserved``)."""

    check: str  # "on_hand" or "reserved"
    location_id: int
    product_id: int
    recorded: int  # the stock row's column
    expected: int  # the sum of movements, or of active reservations

    def __str__(self):
        return (
            f"{self.check}: location {self.location_id} product {self.product_id}: "
            f"stock row says {self.recorded}, {_SOURCE[self.check]} say {self.expected}"
        )


_SOURCE = {"on_hand": "movements", "reserved": "active reservations"}

_CHECK_SQL = """
SELECT location_id, product_id, SUM(recorded), SUM(expected)
FROM (
    SELECT location_id, product_id, {column} AS recorded, 0 AS expected FROM {levels}
    UNION ALL
    SELECT location_id, product_id, 0, quantity FROM {source}{where}
) AS both_sides
GROUP BY location_id, product_id
HAVING SUM(recorded) <> SUM(expected)
ORDER BY location_id, product_id
"""


def _drift(check: str, column: str, source: str, where: str, params: list) -> list[StockDrift]:
    sql = _CHECK_SQL.format(
        column=column, levels=StockLevel._meta.db_table, source=source, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [StockDrift(check, *map(int, row)) for row in cursor.fetchall()]


def stock_drift() -> list[StockDrift]:
    """Every item where on hand != sum(movements) or reserved != sum(active reservations)."""
    return _drift("on_hand", "on_hand", StockMovement._meta.db_table, "", []) + _drift(
        "reserved",
        "reserved",
        Reservation._meta.db_table,
        " WHERE status = %s",
        [Reservation.Status.ACTIVE.value],
    )
