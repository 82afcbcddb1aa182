"""Stored value under concurrency: real PostgreSQL, real threads."""

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty.errors import HoldNotActiveError, InsufficientBalanceError
from loyalty.models import StoredValueHold
from loyalty.services.stored_value import (
    hold_capture,
    holds_expire,
    stored_value_book_check,
    stored_value_hold,
    stored_value_redeem,
)
from tests.concurrency import run_concurrently
from tests.loyalty.sv_helpers import AT, issue, ledger_sum

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_stored_value_redeem_twenty_concurrent_tens_on_a_hundred():
    account, code = issue(amount="100.00")

    def redeem(n):
        return lambda: stored_value_redeem(
            code=code, amount=Decimal("10"), currency="DKK", source_key=f"c-{n}", at=AT
        )

    results = run_concurrently([redeem(n) for n in range(20)])
    failures = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(f, InsufficientBalanceError) for f in failures), failures
    assert len(results) - len(failures) == 10
    account.refresh_from_db()
    assert account.balance == 0 == ledger_sum(account)
    assert stored_value_book_check() == []


@pytest.mark.parametrize("attempt", range(3))
def test_hold_capture_racing_expiry_ends_in_one_state(attempt):
    account, code = issue(amount="100.00")
    stored_value_hold(
        code=code,
        amount=Decimal("40"),
        currency="DKK",
        source_key="h-race",
        ttl=timedelta(minutes=1),
        at=AT,
    )
    later = AT + timedelta(minutes=1)
    results = run_concurrently(
        [
            lambda: hold_capture(
                hold_source_key="h-race", source_key="cap", at=later - timedelta(seconds=1)
            ),
            lambda: holds_expire(at=later),
        ]
    )
    capture, expired = results
    hold = StoredValueHold.objects.get(source_key="h-race")
    account.refresh_from_db()
    assert account.held == 0
    if hold.status == "captured":
        assert expired == 0 and account.balance == Decimal("60.00")
    else:
        assert hold.status == "expired" and isinstance(capture, HoldNotActiveError)
        assert account.balance == Decimal("100.00")
    assert account.balance == ledger_sum(account)
    assert stored_value_book_check() == []
