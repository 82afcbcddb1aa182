"""The HQ admin of loyalty: tiers, memberships with their points history, stored value
accounts (gift cards, credit notes, vouchers) with ledger and holds.

Balances only change through services: "Adjust points" (``points_adjust``),
"Adjust balance" (``stored_value_adjust``) and "Issue vouchers to a customer group"
(``stored_value_issue`` per member, idempotent per batch and customer).  Ledger rows
are read-only.  Importing the modules registers their admins.
"""

from loyalty.admin import members, stored_value

__all__ = ["members", "stored_value"]
