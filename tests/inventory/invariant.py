"""The stock invariant as a test assertion: the same two queries as ``manage.py stock_check``."""

from inventory.invariant import stock_drift


def assert_stock_invariant() -> None:
    """Fail when any item's on hand != sum(movements) or reserved != sum(active reservations)."""
    drift = stock_drift()
    assert not drift, "stock drift:\n" + "\n".join(str(item) for item in drift)
