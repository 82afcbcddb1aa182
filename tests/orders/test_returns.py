"""Returns: each unit refunds its share of what the line paid, stock comes back, points go back."""

from datetime import timedelta

import pytest

from inventory.models import StockMovement
from loyalty.models import Membership, PointsEntry, StoredValueAccount
from loyalty.services.points import points_burn, points_earn
from orders.errors import ReturnNotAllowedError, ReturnWindowClosedError
from orders.models import Notification, OrderEvent, OrderLine, Refund, Return, ReturnLine, Tender
from orders.services.receipts import ReceiptTender
from orders.services.return_parts import units_refund
from orders.services.tenders import TenderRequest
from tests.orders.returns_support import collect, give_back, on_hand, sell
from tests.orders.world import AT, D, assert_books_balance, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.mark.parametrize(
    ("total", "quantity", "returned", "refunded", "count", "expected"),
    [
        ("100.00", 3, 0, "0.00", 1, "33.33"),
        ("100.00", 3, 1, "33.33", 1, "33.33"),
        ("100.00", 3, 2, "66.66", 1, "33.34"),
        ("100.00", 3, 0, "0.00", 2, "66.66"),
        ("100.00", 3, 1, "33.33", 2, "66.67"),
        ("100.00", 6, 0, "0.00", 3, "49.99"),  # 16.66, 16.66, 16.67, 16.67, ...
        ("100.00", 6, 0, "0.00", 2, "33.32"),
        ("0.05", 3, 0, "0.00", 1, "0.01"),
        ("0.01", 3, 0, "0.00", 2, "0.00"),
        ("100.00", 3, 1, "90.00", 1, "10.00"),  # never more than is left
        ("100.00", 3, 2, "100.00", 1, "0.00"),
    ],
)
def test_units_refund_splits_by_largest_remainder_last_unit_takes_the_rest(
    total, quantity, returned, refunded, count, expected
):
    refund = units_refund(
        total=D(total),
        quantity=quantity,
        returned=returned,
        refunded=D(refunded),
        count=count,
        currency="DKK",
    )
    assert refund == D(expected)


def test_units_refund_units_returned_one_by_one_add_up_to_the_paid_total():
    for total, quantity in (("100.00", 3), ("99.99", 7), ("0.10", 4), ("1234.56", 11)):
        refunded, shares = D(0), []
        for returned in range(quantity):
            share = units_refund(
                total=D(total),
                quantity=quantity,
                returned=returned,
                refunded=refunded,
                count=1,
                currency="DKK",
            )
            shares.append(share)
            refunded += share
        assert refunded == D(total)
        assert max(shares) - min(shares) <= D("0.01")
        assert shares == sorted(shares)  # the extra cents go to the last units


def test_return_create_one_sock_of_three_for_two_refunds_its_share_three_times(world):
    receipt = sell(world, [("SOCKS", 3)], totals={"SOCKS": D("100.00")})
    refunds = [give_back(world, receipt, (1, 1)).refund_amount for _ in range(3)]
    assert refunds == [D("33.33"), D("33.33"), D("33.34")]
    line = receipt.lines.get()
    assert (line.returned_quantity, line.refunded_amount) == (3, D("100.00"))
    assert receipt.tenders.get().refunded_amount == D("100.00")
    with pytest.raises(ReturnNotAllowedError) as caught:
        give_back(world, receipt, (1, 1))
    assert caught.value.field == "lines.0"
    assert_books_balance()


def test_return_create_receipt_line_restocks_refunds_card_and_reverses_points(world):
    receipt = sell(world, [("SHIRT", 1), ("MUG", 2)])
    member = world.membership()
    earned = PointsEntry.objects.get(source_key=f"receipt:DK-CPH01:{receipt.receipt_id}:earn")
    points_after_sale = member.points_balance

    record = give_back(world, receipt, (2, 1), reason="chipped glaze, changed mind")

    assert record.number.startswith("R") and record.store == world.cph
    assert (record.refund_amount, record.refund_to) == (D("80.00"), Return.RefundTo.ORIGINAL)
    (line,) = record.lines.all()
    assert (line.order_line.sku, line.quantity, line.refund_amount) == ("MUG", 1, D("80.00"))
    assert line.condition == ReturnLine.Condition.RESELLABLE
    mug = receipt.lines.get(sku="MUG")
    assert (mug.returned_quantity, mug.refunded_amount) == (1, D("80.00"))
    assert on_hand(world.cph, world.p("MUG")) == 10 - 2 + 1
    (refund,) = Refund.objects.filter(return_record=record)
    assert (refund.kind, refund.status, refund.amount) == ("external", "pending", D("80.00"))
    assert refund.reason == Refund.Reason.RETURN
    reversal = PointsEntry.objects.get(kind="earn_reversal", reason=f"earn:{earned.source_key}")
    assert reversal.spend_amount == D("-80.00")
    member.refresh_from_db()
    assert member.points_balance == points_after_sale + reversal.points < points_after_sale
    event = OrderEvent.objects.get(order=receipt, kind="returned")
    assert event.data["return"] == record.number and event.data["refund"] == "80.00"
    note = Notification.objects.get(order=receipt, kind="refund_issued")
    assert note.context["amount"] == "80.00" and note.dedupe_key.endswith(record.number)
    assert_books_balance()


def test_return_create_lowers_the_tier_spend_by_what_came_back(world):
    receipt = sell(world, [("JACKET", 1)])
    give_back(world, receipt, (1, 1))
    spend = sum(
        e.spend_amount
        for e in PointsEntry.objects.filter(membership=world.membership())
        if e.spend_amount is not None
    )
    assert spend == D("0.00")
    assert Membership.objects.get(pk=world.membership().pk).points_balance >= 0


def test_return_create_damaged_unit_is_returned_then_written_off(world):
    receipt = sell(world, [("MUG", 2)])
    record = give_back(world, receipt, (1, 1, "damaged"))

    assert record.refund_amount == D("80.00")
    assert on_hand(world.cph, world.p("MUG")) == 8
    kinds = list(
        StockMovement.objects.filter(source_document=record.number)
        .order_by("pk")
        .values_list("kind", "quantity")
    )
    assert kinds == [("return", 1)]
    write_off = StockMovement.objects.get(source_key=f"return:{record.number}:1:write-off")
    assert (write_off.kind, write_off.quantity, write_off.reason) == (
        "adjustment",
        -1,
        "damaged return",
    )
    assert_books_balance()


def test_return_create_at_another_store_restocks_that_store(world):
    receipt = sell(world, [("SHIRT", 1)])
    give_back(world, receipt, (1, 1), store="ros")
    assert on_hand(world.cph, world.p("SHIRT")) == 9
    assert on_hand(world.ros, world.p("SHIRT")) == 2


def test_return_create_by_post_of_a_collected_order_goes_to_the_warehouse(world):
    card = world.gift_card("150.00")
    order = world.place(
        [("SHIRT", 1), ("MUG", 1)],
        tenders=[
            TenderRequest(kind="gift_card", amount=D("150.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-7", provider="card"),
        ],
    )
    collect(order)
    record = give_back(world, order, (1, 1), store=None, channel=world.webshop)

    assert record.store is None and record.refund_amount == D("200.00")
    assert on_hand(world.warehouse, world.p("SHIRT")) == 51
    refunds = {r.kind: r.amount for r in Refund.objects.filter(return_record=record)}
    assert refunds == {"external": D("130.00"), "gift_card": D("70.00")}  # card first
    gift = order.tenders.get(kind="gift_card")
    assert StoredValueAccount.objects.get(pk=gift.stored_value_account_id).balance == D("70.00")
    earn = PointsEntry.objects.get(source_key=f"order:{order.number}:earn")
    assert PointsEntry.objects.filter(kind="earn_reversal", reason=f"earn:{earn.source_key}")
    assert_books_balance()


def test_return_create_to_credit_note_issues_one_note_and_leaves_tenders(world):
    receipt = sell(world, [("SHIRT", 1), ("MUG", 1)])
    record = give_back(world, receipt, (1, 1), (2, 1), refund_to="credit_note")

    (refund,) = Refund.objects.filter(return_record=record)
    assert (refund.kind, refund.amount) == ("credit_note", D("280.00"))
    note = StoredValueAccount.objects.get(pk=refund.stored_value_account_id)
    assert (note.kind, note.balance, note.customer) == ("credit_note", D("280.00"), world.customer)
    assert receipt.tenders.get().refunded_amount == D("0.00")
    assert_books_balance()


def test_return_create_same_source_key_returns_the_first_and_changes_nothing(world):
    receipt = sell(world, [("MUG", 3)])
    first = give_back(world, receipt, (1, 1), source_key="pos:cph:ret-1")
    again = give_back(world, receipt, (1, 2), source_key="pos:cph:ret-1")

    assert again == first and Return.objects.count() == 1
    assert receipt.lines.get().returned_quantity == 1
    assert Refund.objects.count() == 1 and on_hand(world.cph, world.p("MUG")) == 8


def test_return_create_after_the_window_closes_writes_nothing(world, settings):
    settings.ORDERS_RETURN_DAYS = 30
    receipt = sell(world, [("MUG", 1)])
    give_back(world, receipt, (1, 1), at=AT + timedelta(days=30))  # the last day still counts

    other = sell(world, [("MUG", 1)])
    with pytest.raises(ReturnWindowClosedError):
        give_back(world, other, (1, 1), at=AT + timedelta(days=30, seconds=1))
    assert not other.returns.exists() and not other.refunds.exists()
    assert other.lines.get().returned_quantity == 0


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        (((1, 3),), "lines.0"),  # only 2 bought
        (((1, 1), (1, 2)), "lines.1"),  # together more than bought
        (((9, 1),), "lines.0"),
        (((1, 0),), "lines.0"),
        (((1, 1, "stolen"),), "lines.0"),
        ((), "lines"),
    ],
)
def test_return_create_not_allowed_names_the_line_and_writes_nothing(world, lines, field):
    receipt = sell(world, [("MUG", 2)])
    movements = StockMovement.objects.count()
    with pytest.raises(ReturnNotAllowedError) as caught:
        give_back(world, receipt, *lines)
    assert caught.value.field == field and caught.value.code == "return_not_allowed"
    assert not Return.objects.exists() and not Refund.objects.exists()
    assert StockMovement.objects.count() == movements


def test_return_create_order_not_yet_collected_is_refused(world):
    order = world.place([("SHIRT", 1)])
    with pytest.raises(ReturnNotAllowedError) as caught:
        give_back(world, order, (1, 1))
    assert caught.value.field == "order"
    assert not Return.objects.exists()
    assert order.tenders.get().refunded_amount == 0


def test_return_create_removed_line_is_not_returnable(world):
    order = collect(world.place([("SHIRT", 1), ("MUG", 1)]))
    OrderLine.objects.filter(order=order, sku="MUG").update(status=OrderLine.Status.REMOVED)
    with pytest.raises(ReturnNotAllowedError) as caught:
        give_back(world, order, (1, 1), (2, 1))
    assert caught.value.field == "lines.1"


def test_return_create_two_conditions_of_one_line_in_one_return(world):
    receipt = sell(world, [("SOCKS", 3)], totals={"SOCKS": D("100.00")})
    record = give_back(world, receipt, (1, 2), (1, 1, "damaged"))
    assert [rl.refund_amount for rl in record.lines.order_by("pk")] == [D("66.66"), D("33.34")]
    assert record.refund_amount == D("100.00")
    assert on_hand(world.cph, world.p("SOCKS")) == 10 - 3 + 2
    assert_books_balance()


def test_return_create_points_paid_receipt_gives_points_back_last(world):
    member = world.membership()
    points_earn(membership=member, spend_amount=D(4000), currency="DKK", source_key="e0", at=AT)
    _, value = points_burn(membership=member, points=1000, source_key="pos:pts", at=AT)
    receipt = sell(
        world,
        [("SHIRT", 1)],
        tenders=[
            ReceiptTender(kind="points", amount=value, points=1000, reference="pos:pts"),
            ReceiptTender(kind="external", amount=D("200.00") - value, reference="psp-p"),
        ],
    )
    record = give_back(world, receipt, (1, 1))
    by_kind = {r.kind: r for r in record.refunds.all()}
    assert by_kind["external"].amount == D("150.00")
    assert (by_kind["points"].amount, by_kind["points"].points) == (value, 1000)
    assert receipt.tenders.get(kind=Tender.Kind.POINTS).points_refunded == 1000
    assert record.refund_amount == D("200.00")
    assert_books_balance()


def test_return_create_after_the_real_hand_over_reverses_the_order_earn(world):
    from orders.services.fulfilment import order_hand_over, order_line_pick, order_ready

    card = world.gift_card("50.00")
    order = world.place(
        [("SHIRT", 1), ("SOCKS", 3)],
        tenders=[
            TenderRequest(kind="gift_card", amount=D("50.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-h"),
        ],
    )
    for line in order.lines.all():
        order_line_pick(line=line, store=world.cph, at=AT)
    order_ready(order=order, store=world.cph, at=AT)
    order = order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=AT)

    record = give_back(world, order, (2, 1), (1, 1), at=AT + timedelta(days=3))

    assert record.refund_amount == D("233.33")
    refunds = {r.kind: r.amount for r in record.refunds.all()}
    assert refunds == {"external": D("233.33")}  # the card paid 250 of 300: it comes first
    assert PointsEntry.objects.filter(
        kind="earn_reversal", reason=f"earn:order:{order.number}:earn"
    ).exists()
    assert on_hand(world.cph, world.p("SOCKS")) == 8
    assert_books_balance()
