"""Helpers shared by the stored-value tests."""

import itertools
from datetime import UTC, datetime
from decimal import Decimal

from loyalty.models import StoredValueAccount, StoredValueEntry, StoredValueHold
from loyalty.services.stored_value import stored_value_issue

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def issue(kind="gift_card", amount="100.00", currency="DKK", **kwargs):
    kwargs.setdefault("at", AT)
    return stored_value_issue(
        kind=kind, amount=Decimal(amount), currency=currency, source_key=key("issue"), **kwargs
    )


def snapshot():
    """Everything a failed call must leave untouched (PIN counter aside)."""
    return (
        list(StoredValueAccount.objects.order_by("pk").values("pk", "balance", "held", "status")),
        StoredValueEntry.objects.count(),
        StoredValueHold.objects.count(),
    )


def ledger_sum(account) -> Decimal:
    return sum((e.amount for e in account.entries.all()), Decimal(0))
