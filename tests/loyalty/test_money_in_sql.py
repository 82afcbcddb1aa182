"""Money computed in SQL is exact on every database, the SQLite default included.

Found by the stored-value state machine on SQLite: issue 36.00, hold 6.88 and 0.01, let
both expire: ``held`` went to -1.7e-16 (floating point) and the ``held >= 0`` CHECK
refused the expiry.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty.models import StoredValueAccount
from loyalty.services.stored_value import (
    hold_capture,
    holds_expire,
    stored_value_hold,
    stored_value_issue,
    stored_value_redeem,
)
from tests.loyalty.sv_helpers import AT

pytestmark = pytest.mark.django_db


def _card(amount: str) -> str:
    _, code = stored_value_issue(
        kind="gift_card", amount=Decimal(amount), currency="DKK", source_key=f"i-{amount}", at=AT
    )
    return code


def _hold(code: str, amount: str, key: str) -> None:
    stored_value_hold(code=code, amount=Decimal(amount), currency="DKK", source_key=key, at=AT)


def test_two_holds_that_expire_together_free_exactly_what_they_held():
    code = _card("36.00")
    _hold(code, "6.88", "h1")
    _hold(code, "0.01", "h2")
    assert holds_expire(at=AT + timedelta(days=2)) == 2
    account = StoredValueAccount.objects.get()
    assert account.held == Decimal("0.00")
    assert account.balance == Decimal("36.00")


def test_a_card_spent_to_the_last_ore_in_tenths_and_hundredths():
    code = _card("0.30")
    for n, amount in enumerate(("0.10", "0.10", "0.09", "0.01")):
        stored_value_redeem(
            code=code, amount=Decimal(amount), currency="DKK", source_key=f"r{n}", at=AT
        )
    assert StoredValueAccount.objects.get().balance == Decimal("0.00")


def test_a_hold_of_the_whole_rest_is_accepted_and_captured():
    code = _card("0.30")
    _hold(code, "0.10", "a")
    _hold(code, "0.20", "b")  # 0.10 + 0.20 is 0.30000000000000004 as floats
    hold_capture(hold_source_key="b", source_key="cap-b", at=AT)
    hold_capture(hold_source_key="a", source_key="cap-a", at=AT)
    account = StoredValueAccount.objects.get()
    assert (account.balance, account.held) == (Decimal("0.00"), Decimal("0.00"))
