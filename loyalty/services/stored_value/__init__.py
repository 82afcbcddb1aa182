"""Gift cards, credit notes and money vouchers: the only code that changes their balances.

Every write is one transaction that posts an append-only ``StoredValueEntry``
(or a ``StoredValueHold``) with a unique ``source_key``: a retry with the same
key returns the first result, the key reused for another operation raises
``SourceKeyReusedError``.  Money moves through conditional UPDATEs that check
the row count, so concurrent calls never overdraw.
"""

from loyalty.services.stored_value._common import code_normalise
from loyalty.services.stored_value.accounts import (
    gift_card_activate,
    stored_value_adjust,
    stored_value_issue,
    stored_value_lookup,
    stored_value_reload,
)
from loyalty.services.stored_value.book import stored_value_book_check
from loyalty.services.stored_value.holds import (
    hold_capture,
    hold_extend,
    hold_release,
    holds_expire,
    stored_value_hold,
)
from loyalty.services.stored_value.redemptions import (
    stored_value_expire_due,
    stored_value_redeem,
    stored_value_refund,
)

__all__ = [
    "code_normalise",
    "gift_card_activate",
    "hold_capture",
    "hold_extend",
    "hold_release",
    "holds_expire",
    "stored_value_adjust",
    "stored_value_book_check",
    "stored_value_expire_due",
    "stored_value_hold",
    "stored_value_issue",
    "stored_value_lookup",
    "stored_value_redeem",
    "stored_value_refund",
    "stored_value_reload",
]
