"""Refunds go back to the original tenders, external payment first, never more than was paid."""

from decimal import Decimal

import pytest
from django.db import transaction

from loyalty.models import Membership, StoredValueAccount
from loyalty.services.points import points_earn
from loyalty.services.stored_value import hold_capture
from orders.models import Refund, Tender
from orders.services.tenders import RefundExceedsPaidError, TenderRequest, tenders_refund
from tests.orders.world import AT, assert_books_balance, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world(three_for_two=False)


def _capture(order):
    """Capture the held tenders the way hand-over does."""
    for tender in order.tenders.filter(status=Tender.Status.HELD):
        key = f"{tender.hold_key}:capture"
        hold_capture(hold_source_key=tender.hold_key, amount=tender.amount, source_key=key, at=AT)
        tender.status, tender.redemption_key = Tender.Status.CAPTURED, key
        tender.save()


def _refund(order, amount, key="r1", **kwargs):
    with transaction.atomic():
        return tenders_refund(
            order=order, amount=Decimal(amount), reason="return", source_key=key, at=AT, **kwargs
        )


def _balance(code_account_id):
    return StoredValueAccount.objects.get(pk=code_account_id).balance


def test_tenders_refund_external_first_then_gift_card(world):
    card = world.gift_card("100.00")
    order = world.place(
        [("SHIRT", 1)],
        tenders=[
            TenderRequest(kind="gift_card", amount=Decimal("100.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-9"),
        ],
    )
    _capture(order)
    gift = order.tenders.get(kind="gift_card")
    assert _balance(gift.stored_value_account_id) == Decimal("0.00")

    refunds = _refund(order, "150.00")
    by_kind = {r.kind: r for r in refunds}
    assert by_kind["external"].amount == Decimal("100.00")
    assert by_kind["external"].status == Refund.Status.PENDING
    assert by_kind["external"].external_reference == "psp-9"
    assert by_kind["gift_card"].amount == Decimal("50.00")
    assert _balance(gift.stored_value_account_id) == Decimal("50.00")
    assert {r.pk for r in _refund(order, "150.00")} == {r.pk for r in refunds}  # a retry
    assert Refund.objects.count() == 2
    with pytest.raises(RefundExceedsPaidError):
        _refund(order, "50.01", key="r2")
    assert_books_balance()


def test_tenders_refund_on_held_tender_reduces_what_will_be_captured(world):
    card = world.gift_card("500.00")
    order = world.place(
        [("SHIRT", 1)], tenders=[TenderRequest(kind="gift_card", amount=Decimal("200"), code=card)]
    )
    _refund(order, "80.00")
    gift = order.tenders.get()
    assert (gift.status, gift.amount) == (Tender.Status.HELD, Decimal("120.00"))
    _refund(order, "120.00", key="r2")
    gift.refresh_from_db()
    assert gift.status == Tender.Status.RELEASED
    account = StoredValueAccount.objects.get(pk=gift.stored_value_account_id)
    assert (account.balance, account.held) == (Decimal("500.00"), Decimal("0.00"))
    assert_books_balance()


def test_tenders_refund_points_pro_rata_and_last_gives_all_back(world):
    member = Membership.objects.get(customer=world.customer)
    points_earn(
        membership=member, spend_amount=Decimal(3000), currency="DKK", source_key="e", at=AT
    )
    member.refresh_from_db()
    before = member.points_balance
    order = world.place(
        [("SHIRT", 1)],
        tenders=[TenderRequest(kind="points", points=999), TenderRequest(kind="external")],
    )
    points = order.tenders.get(kind="points")
    assert points.amount == Decimal("49.95")
    _refund(order, "150.05")  # the external part
    first = _refund(order, "20.00", key="r2")[0]
    assert first.points == 400  # 999 x 20 / 49.95
    last = _refund(order, "29.95", key="r3")[0]
    assert last.points == 599
    member.refresh_from_db()
    assert member.points_balance == before
    assert_books_balance()


def test_tenders_refund_as_credit_note_issues_one_to_the_customer(world):
    order = world.place([("SHIRT", 1)])
    (refund,) = _refund(order, "200.00", to_credit_note=True)
    note = StoredValueAccount.objects.get(pk=refund.stored_value_account_id)
    assert (note.kind, note.balance, note.customer) == (
        "credit_note",
        Decimal("200.00"),
        world.customer,
    )
    assert order.tenders.get().refunded_amount == 0  # the card payment stays taken
    assert_books_balance()
