"""Exchanges: a return and a new sale in one step, the difference paid or refunded."""

import pytest

from loyalty.models import PointsEntry, StoredValueAccount
from orders.errors import ReturnNotAllowedError, TenderMismatchError
from orders.models import Notification, Order, Refund, Return, Tender
from orders.services.returns import ReturnRequestLine, exchange_create
from orders.services.tenders import TenderRequest
from retail.errors import UnknownProductError
from tests.orders.returns_support import collect, give_back, on_hand, sell
from tests.orders.world import AT, D, assert_books_balance, key, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _exchange(world, order, lines, new_lines, *, tenders=(), store=None, **kwargs):
    return exchange_create(
        order=order,
        lines=[ReturnRequestLine(*line) for line in lines],
        new_lines=new_lines,
        channel=world.pos,
        store=store or world.cph,
        source_key=kwargs.pop("source_key", None) or key("exchange"),
        tenders=tenders,
        at=kwargs.pop("at", AT),
        **kwargs,
    )


def test_exchange_create_shirt_for_jacket_the_customer_pays_the_difference(world):
    receipt = sell(world, [("SHIRT", 1)])

    record = _exchange(
        world,
        receipt,
        [(1, 1)],
        [("JACKET", 1)],
        tenders=[TenderRequest(kind="external", external_reference="psp-x", provider="card")],
    )

    new = record.exchange_order
    assert (new.kind, new.status, new.collect_store) == ("receipt", "completed", world.cph)
    assert new.receipt_id == f"exchange:{record.number}" and new.customer == world.customer
    assert new.total_amount == D("1000.00") and new.lines.get().sku == "JACKET"
    tenders = {t.kind: t for t in new.tenders.all()}
    assert tenders["credit_note"].amount == D("200.00")
    assert (tenders["external"].amount, tenders["external"].external_reference) == (
        D("800.00"),
        "psp-x",
    )
    assert all(t.status == Tender.Status.CAPTURED for t in tenders.values())
    note = StoredValueAccount.objects.get(pk=tenders["credit_note"].stored_value_account_id)
    assert note.balance == D("0.00")  # issued for the shirt and spent on the jacket at once
    assert record.refund_amount == D("0.00")
    assert receipt.lines.get().returned_quantity == 1
    assert receipt.tenders.get().refunded_amount == D("0.00")  # nothing went back to the card
    assert on_hand(world.cph, world.p("SHIRT")) == 10
    assert on_hand(world.cph, world.p("JACKET")) == 9
    assert PointsEntry.objects.filter(source_key=f"receipt:DK-CPH01:{new.receipt_id}:earn")
    assert not Notification.objects.filter(kind="refund_issued").exists()
    assert_books_balance()


def test_exchange_create_jacket_for_shirt_refunds_the_difference(world):
    receipt = sell(world, [("JACKET", 1)])

    record = _exchange(world, receipt, [(1, 1)], [("SHIRT", 1)])

    new = record.exchange_order
    assert new.total_amount == D("200.00")
    assert [(t.kind, t.amount) for t in new.tenders.all()] == [("credit_note", D("200.00"))]
    assert record.refund_amount == D("800.00")
    external = Refund.objects.get(return_record=record, kind="external")
    assert (external.amount, external.status, external.reason) == (
        D("800.00"),
        "pending",
        "exchange",
    )
    assert receipt.tenders.get().refunded_amount == D("800.00")
    assert receipt.lines.get().refunded_amount == D("1000.00")
    note = Notification.objects.get(order=receipt, kind="refund_issued")
    assert note.context["amount"] == "800.00"
    assert on_hand(world.cph, world.p("JACKET")) == 10
    assert on_hand(world.cph, world.p("SHIRT")) == 9
    assert_books_balance()


def test_exchange_create_difference_paid_by_gift_card(world):
    order = collect(world.place([("MUG", 1)]))
    card = world.gift_card("500.00")

    record = _exchange(
        world,
        order,
        [(1, 1)],
        [("SHIRT", 1)],
        tenders=[TenderRequest(kind="gift_card", amount=D("120.00"), code=card)],
        store=world.ros,
    )

    gift = record.exchange_order.tenders.get(kind="gift_card")
    assert gift.amount == D("120.00") and gift.redemption_key
    account = StoredValueAccount.objects.get(pk=gift.stored_value_account_id)
    assert account.balance == D("380.00")
    assert on_hand(world.ros, world.p("MUG")) == 2 and on_hand(world.ros, world.p("SHIRT")) == 0
    assert_books_balance()


def test_exchange_create_the_new_sale_can_be_returned_to_the_credit_note_and_card(world):
    receipt = sell(world, [("SHIRT", 1)])
    record = _exchange(
        world,
        receipt,
        [(1, 1)],
        [("JACKET", 1)],
        tenders=[TenderRequest(kind="external", external_reference="psp-y")],
    )
    back = give_back(world, record.exchange_order, (1, 1))
    refunds = {r.kind: r.amount for r in back.refunds.all()}
    assert refunds == {"external": D("800.00"), "credit_note": D("200.00")}
    assert_books_balance()


def test_exchange_create_tenders_not_paying_the_difference_write_nothing(world):
    receipt = sell(world, [("SHIRT", 1)])
    with pytest.raises(TenderMismatchError):
        _exchange(
            world,
            receipt,
            [(1, 1)],
            [("JACKET", 1)],
            tenders=[TenderRequest(kind="external", amount=D("700.00"))],
        )
    assert not Return.objects.exists() and Order.objects.count() == 1
    assert receipt.lines.get().returned_quantity == 0
    assert on_hand(world.cph, world.p("JACKET")) == 10
    assert not StoredValueAccount.objects.filter(kind="credit_note").exists()
    assert_books_balance()


def test_exchange_create_unknown_new_sku_names_the_new_line(world):
    receipt = sell(world, [("SHIRT", 1)])
    with pytest.raises(UnknownProductError) as caught:
        _exchange(world, receipt, [(1, 1)], [("JACKET", 1), ("NOPE", 1)])
    assert caught.value.field == "new_lines.1.sku"
    with pytest.raises(ReturnNotAllowedError) as caught:
        _exchange(world, receipt, [(1, 1)], [])
    assert caught.value.field == "new_lines"
    assert not Return.objects.exists()


def test_exchange_create_same_source_key_returns_the_first(world):
    receipt = sell(world, [("JACKET", 1)])
    first = _exchange(world, receipt, [(1, 1)], [("SHIRT", 1)], source_key="pos:x1")
    again = _exchange(world, receipt, [(1, 1)], [("SHIRT", 1)], source_key="pos:x1")
    assert again == first and Return.objects.count() == 1
    assert Order.objects.filter(kind="receipt").count() == 2
    assert on_hand(world.cph, world.p("SHIRT")) == 9


def test_exchange_create_card_for_the_rest_with_nothing_to_pay_takes_nothing(world):
    receipt = sell(world, [("JACKET", 1)])
    with pytest.raises(TenderMismatchError):
        _exchange(
            world,
            receipt,
            [(1, 1)],
            [("SHIRT", 1)],
            tenders=[TenderRequest(kind="external", amount=D("10.00"))],
        )
    record = _exchange(
        world, receipt, [(1, 1)], [("SHIRT", 1)], tenders=[TenderRequest(kind="external")]
    )
    assert [t.kind for t in record.exchange_order.tenders.all()] == ["credit_note"]
    assert record.refund_amount == D("800.00")
