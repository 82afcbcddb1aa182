"""A wrong PIN counts toward the card lock even when the caller's transaction rolls back.

Without it, guessing inside a checkout that fails (and rolls back) would
cost nothing.  Real PostgreSQL: the count is committed on its own connection.
"""

import pytest
from django.db import transaction

from loyalty.errors import StoredValueLockedError, WrongPinError
from loyalty.models import StoredValueAccount
from loyalty.services.stored_value import stored_value_hold
from orders.models import Order
from orders.services.tenders import TenderRequest
from tests.orders.world import AT, D, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_stored_value_hold_wrong_pin_is_counted_after_the_callers_rollback():
    world = make_world(three_for_two=False)
    code = world.gift_card("300.00", pin="4321")

    with pytest.raises(WrongPinError), transaction.atomic():
        stored_value_hold(
            code=code, amount=D("10.00"), currency="DKK", source_key="h1", pin="0000", at=AT
        )

    assert StoredValueAccount.objects.get(code=code).failed_pin_attempts == 1


def test_order_place_wrong_pins_inside_an_outer_transaction_lock_the_card():
    world = make_world(three_for_two=False)
    code = world.gift_card("300.00", pin="4321")
    tenders = [
        TenderRequest(kind="gift_card", amount=D("200.00"), code=code, pin="1111"),
    ]
    for _ in range(4):
        with pytest.raises(WrongPinError), transaction.atomic():
            world.place([("SHIRT", 1)], tenders=tenders)
    with pytest.raises(StoredValueLockedError), transaction.atomic():
        world.place([("SHIRT", 1)], tenders=tenders)

    account = StoredValueAccount.objects.get(code=code)
    assert (account.failed_pin_attempts, account.status) == (5, "locked")
    assert not Order.objects.exists()
    assert account.held == 0
