"""Click-and-collect in the store: pick, short-pick, ready, hand-over, transfer, ship, cancel."""

from datetime import timedelta

import pytest

from inventory.errors import InsufficientStockError
from inventory.models import Reservation, StockLevel, StockMovement, Transfer
from loyalty.models import PointsEntry, StoredValueAccount, StoredValueHold
from loyalty.services.points import points_earn, points_earned_for
from orders.errors import InvalidOrderStateError, OrderNotFoundError, PickupCodeNotFoundError
from orders.models import Notification, Order, OrderEvent, OrderLine, Refund, Tender
from orders.services.fulfilment import (
    order_cancel,
    order_for_store,
    order_hand_over,
    order_line_pick,
    order_line_short_pick,
    order_pick_start,
    order_ready,
    order_ship,
    order_transfer_receive,
)
from orders.services.tenders import TenderRequest
from pricing.models import CouponCode
from tests.orders.world import AT, D, assert_books_balance, make_world
from tests.pricing.factories import CouponCodeFactory

pytestmark = pytest.mark.django_db

T1 = AT + timedelta(hours=1)
T2 = AT + timedelta(hours=2)
T3 = AT + timedelta(days=1)


@pytest.fixture
def world():
    return make_world()


def level(store, product) -> StockLevel:
    return StockLevel.objects.get(location=store, product=product)


def pick_all(order, store, *, at=T1):
    for line in order.lines.filter(status=OrderLine.Status.OPEN):
        order_line_pick(line=line, store=store, at=at)


def gift_card_paid(world, amount="300.00", card_amount="500.00"):
    code = world.gift_card(card_amount)
    return code, [TenderRequest(kind="gift_card", amount=D(amount), code=code)]


def account_of(tender: Tender) -> StoredValueAccount:
    return StoredValueAccount.objects.get(pk=tender.stored_value_account_id)


def kinds(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def test_order_hand_over_full_flow_consumes_stock_captures_and_earns(world):
    card = world.gift_card("500.00")
    order = world.place(
        [("SOCKS", 3), ("SHIRT", 1)],
        tenders=[
            TenderRequest(kind="gift_card", amount=D("100.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-1", provider="card"),
        ],
    )
    staff = world.staff(world.cph, "store_clerk")
    points_before = world.membership().points_balance

    assert order_pick_start(order=order, store=world.cph, actor=staff, at=T1).status == "picking"
    pick_all(order, world.cph)
    ready = order_ready(order=order, store=world.cph, actor=staff, at=T2)

    assert ready.status == Order.Status.READY and ready.ready_at == T2
    assert ready.pickup_expires_at == T2 + timedelta(days=world.cph.pickup_days)
    outbox = Notification.objects.filter(order=order, kind=Notification.Kind.READY)
    assert [(n.medium, n.recipient) for n in outbox] == [("email", "mette@example.dk")]
    for reservation in Reservation.objects.filter(reference=order.reservation_reference):
        assert reservation.expires_at > ready.pickup_expires_at

    typed = f"{order.pickup_code[:3].lower()}-{order.pickup_code[3:].lower()}"
    done = order_hand_over(pickup_code=typed, store=world.cph, actor=staff, at=T3)

    assert done.status == Order.Status.COLLECTED and done.closed_at == T3
    socks = level(world.cph, world.p("SOCKS"))
    assert (socks.on_hand, socks.reserved) == (7, 0)
    consumed = StockMovement.objects.filter(kind=StockMovement.Kind.RESERVATION_CONSUMED)
    assert sorted(m.quantity for m in consumed) == [-3, -1]
    assert set(
        Reservation.objects.filter(reference=order.reservation_reference).values_list(
            "status", flat=True
        )
    ) == {"consumed"}
    gift = order.tenders.get(kind="gift_card")
    assert gift.status == Tender.Status.CAPTURED and gift.redemption_key
    account = account_of(gift)
    assert (account.balance, account.held) == (D("400.00"), 0)
    earned = world.membership().points_balance - points_before
    assert earned == points_earned_for(D("300.00"), "DKK") > 0
    assert PointsEntry.objects.get(source_key=f"order:{order.number}:earn").points == earned
    assert kinds(order)[-1] == "collected" and "ready" in kinds(order)
    assert_books_balance()


def test_order_line_short_pick_removal_refunds_the_lines_allocated_share(world):
    _, tenders = gift_card_paid(world)
    order = world.place([("SOCKS", 3), ("SHIRT", 1)], tenders=tenders)
    socks = order.lines.get(sku="SOCKS")
    assert (socks.base_total_amount, socks.total_amount) == (D("150.00"), D("100.00"))

    order_line_short_pick(line=socks, store=world.cph, at=T1)

    socks.refresh_from_db()
    assert socks.status == OrderLine.Status.REMOVED and socks.refunded_amount == D("100.00")
    refund = Refund.objects.get(order=order)
    assert (refund.reason, refund.kind, refund.amount) == ("short_pick", "gift_card", D("100.00"))
    gift = order.tenders.get()
    assert (gift.status, gift.amount) == (Tender.Status.HELD, D("200.00"))
    assert level(world.cph, world.p("SOCKS")).reserved == 0
    assert level(world.cph, world.p("SHIRT")).reserved == 1
    short = Notification.objects.get(order=order, kind="short_picked")
    assert short.context["amount"] == "100.00" and short.dedupe_key.endswith(":1")

    pick_all(order, world.cph)
    order_ready(order=order, store=world.cph, at=T2)
    order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=T3)

    account = account_of(gift)
    assert (account.balance, account.held) == (D("300.00"), 0)  # captured 200 of 500
    assert StockMovement.objects.filter(kind="reservation_consumed").count() == 1
    assert_books_balance()


def test_order_line_short_pick_removal_refunds_card_first_as_pending_instruction(world):
    order = world.place([("SOCKS", 3), ("MUG", 1)])
    order_line_short_pick(line=order.lines.get(sku="MUG"), store=world.cph, at=T1)
    refund = Refund.objects.get(order=order)
    assert (refund.kind, refund.status, refund.amount) == ("external", "pending", D("80.00"))
    order.tenders.get().refresh_from_db()
    assert order.tenders.get().refunded_amount == D("80.00")


def test_order_line_short_pick_substitute_keeps_the_price(world):
    _, tenders = gift_card_paid(world, "80.00")
    order = world.place([("MUG", 1)], tenders=tenders)
    mug = order.lines.get()

    order_line_short_pick(line=mug, store=world.cph, substitute=world.p("SHIRT"), at=T1)

    mug.refresh_from_db()
    assert mug.status == OrderLine.Status.SUBSTITUTED and mug.refunded_amount == 0
    shirt = order.lines.get(substitute_for=mug)
    assert (shirt.sku, shirt.line_no, shirt.status) == ("SHIRT", 2, OrderLine.Status.OPEN)
    assert shirt.total_amount == D("80.00")
    assert level(world.cph, world.p("MUG")).reserved == 0
    assert level(world.cph, world.p("SHIRT")).reserved == 1
    assert not Refund.objects.exists()
    assert Notification.objects.filter(order=order, kind="short_picked").count() == 1

    with pytest.raises(InvalidOrderStateError):
        order_ready(order=order, store=world.cph, at=T2)  # the substitute is still to pick
    order_line_pick(line=shirt, store=world.cph, at=T2)
    order_ready(order=order, store=world.cph, at=T2)
    order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=T3)

    assert level(world.cph, world.p("SHIRT")).on_hand == 9
    assert level(world.cph, world.p("MUG")).on_hand == 10
    assert account_of(order.tenders.get()).balance == D("420.00")
    assert_books_balance()


def test_order_line_short_pick_substitute_out_of_stock_changes_nothing(world):
    order = world.place([("MUG", 1)], store=world.ros)
    mug = order.lines.get()
    order_line_short_pick(line=mug, store=world.ros, substitute=world.p("JACKET"), at=T1)
    other = world.place([("SHIRT", 1)], store=world.ros)
    with pytest.raises(InsufficientStockError):
        order_line_short_pick(
            line=other.lines.get(), store=world.ros, substitute=world.p("JACKET"), at=T1
        )
    assert other.lines.get().status == OrderLine.Status.OPEN
    assert level(world.ros, world.p("SHIRT")).reserved == 1
    assert not Notification.objects.filter(order=other, kind="short_picked").exists()


def test_order_line_short_pick_of_every_line_cancels_the_order(world):
    code = CouponCodeFactory(code="WELCOME", max_uses=5).code
    order = world.place([("SHIRT", 1)], coupon_codes=[code])
    order_line_short_pick(line=order.lines.get(), store=world.cph, at=T1)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert CouponCode.objects.get(code=code).uses == 0
    assert order.tenders.get().refunded_amount == order.total_amount
    assert_books_balance()


def test_order_ready_needs_every_line_picked(world):
    order = world.place([("SHIRT", 1), ("MUG", 1)])
    order_line_pick(line=order.lines.get(sku="SHIRT"), store=world.cph, at=T1)
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING and order.picking_at == T1
    with pytest.raises(InvalidOrderStateError) as caught:
        order_ready(order=order, store=world.cph, at=T2)
    assert caught.value.extra["open_lines"] == [2]


def test_order_line_pick_twice_changes_nothing(world):
    order = world.place()
    line = order.lines.get()
    order_line_pick(line=line, store=world.cph, at=T1)
    order_line_pick(line=line, store=world.cph, at=T2)
    assert kinds(order).count("line_picked") == 1


def test_fulfilment_store_b_cannot_act_on_store_a_order(world):
    order = world.place()
    line = order.lines.get()
    with pytest.raises(OrderNotFoundError):
        order_for_store(number=order.number, store=world.ros)
    with pytest.raises(OrderNotFoundError):
        order_pick_start(order=order, store=world.ros, at=T1)
    with pytest.raises(OrderNotFoundError):
        order_line_pick(line=line, store=world.ros, at=T1)
    with pytest.raises(OrderNotFoundError):
        order_line_short_pick(line=line, store=world.ros, at=T1)
    with pytest.raises(OrderNotFoundError):
        order_ready(order=order, store=world.ros, at=T1)
    with pytest.raises(OrderNotFoundError):
        order_ship(order=order, store=world.ros, at=T1)
    assert order_for_store(number=order.number, store=world.cph) == order
    pick_all(order, world.cph)
    order_ready(order=order, store=world.cph, at=T2)
    with pytest.raises(PickupCodeNotFoundError):
        order_hand_over(pickup_code=order.pickup_code, store=world.ros, at=T3)
    order.refresh_from_db()
    assert order.status == Order.Status.READY and not Refund.objects.exists()


def test_order_transfer_flow_from_source_store_to_collecting_store(world):
    order = world.place(
        [("MUG", 2)],
        fulfilment=Order.Fulfilment.COLLECT_OTHER,
        store=world.ros,
        source_store=world.cph,
    )
    assert order.fulfil_location == world.cph and level(world.cph, world.p("MUG")).reserved == 2
    with pytest.raises(InvalidOrderStateError):
        order_pick_start(order=order, store=world.ros, at=T1)  # the source store picks
    pick_all(order, world.cph)

    shipped = order_ready(order=order, store=world.cph, at=T2)

    assert shipped.status == Order.Status.IN_TRANSIT
    transfer = Transfer.objects.get(pk=shipped.transfer_id)
    assert (transfer.source, transfer.destination) == (world.cph, world.ros)
    cph = level(world.cph, world.p("MUG"))
    assert (cph.on_hand, cph.reserved) == (8, 0)  # shipped once, not consumed too
    assert not Notification.objects.filter(order=order, kind="ready").exists()
    with pytest.raises(InvalidOrderStateError):
        order_transfer_receive(order=order, store=world.cph, at=T3)

    ready = order_transfer_receive(order=order, store=world.ros, at=T3)

    assert ready.status == Order.Status.READY
    assert ready.pickup_expires_at == T3 + timedelta(days=world.ros.pickup_days)
    ros = level(world.ros, world.p("MUG"))
    assert (ros.on_hand, ros.reserved) == (3, 2)
    assert Notification.objects.filter(order=order, kind="ready").exists()

    order_hand_over(pickup_code=order.pickup_code, store=world.ros, at=T3 + timedelta(hours=2))
    ros = level(world.ros, world.p("MUG"))
    assert (ros.on_hand, ros.reserved) == (1, 0)
    assert kinds(order)[-3:] == ["transfer_received", "ready", "collected"]
    assert_books_balance()


def test_order_ship_from_store_consumes_captures_and_notifies(world):
    _, tenders = gift_card_paid(world, "200.00")
    order = world.place(
        [("SHIRT", 1)],
        fulfilment=Order.Fulfilment.SHIP_FROM_STORE,
        collect_store=None,
        source_store=world.aar,
        shipping_address={"street": "Vestergade 1", "city": "Aarhus"},
        tenders=tenders,
    )
    pick_all(order, world.aar)
    with pytest.raises(InvalidOrderStateError):
        order_ready(order=order, store=world.aar, at=T2)

    shipped = order_ship(order=order, store=world.aar, tracking="GLS123", at=T2)

    assert shipped.status == Order.Status.SHIPPED
    assert level(world.aar, world.p("SHIRT")).on_hand == 9
    assert order.tenders.get().status == Tender.Status.CAPTURED
    note = Notification.objects.get(order=order, kind="shipped")
    assert note.context == {"tracking_number": "GLS123"}
    assert PointsEntry.objects.filter(source_key=f"order:{order.number}:earn").exists()
    assert_books_balance()


def test_order_cancel_releases_stock_holds_coupons_points_and_refunds_card(world):
    member = world.membership()
    points_earn(membership=member, spend_amount=D(4000), currency="DKK", source_key="e", at=AT)
    member.refresh_from_db()
    points_before = member.points_balance
    code = CouponCodeFactory(code="SPRING", max_uses=1).code
    card = world.gift_card("500.00")
    order = world.place(
        [("SHIRT", 1), ("MUG", 1)],
        coupon_codes=[code],
        tenders=[
            TenderRequest(kind="points", points=400),
            TenderRequest(kind="gift_card", amount=D("100.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-9", provider="card"),
        ],
    )
    pick_all(order, world.cph)

    cancelled = order_cancel(order=order, reason="customer called", at=T2)

    assert cancelled.status == Order.Status.CANCELLED and cancelled.closed_at == T2
    assert level(world.cph, world.p("SHIRT")).reserved == 0
    assert CouponCode.objects.get(code=code).uses == 0
    gift = order.tenders.get(kind="gift_card")
    assert gift.status == Tender.Status.RELEASED
    assert StoredValueHold.objects.get(source_key=gift.hold_key).status == "released"
    assert account_of(gift).held == 0
    member.refresh_from_db()
    assert member.points_balance == points_before
    card_refund = Refund.objects.get(order=order, kind="external")
    assert (card_refund.reason, card_refund.status) == ("cancelled", "pending")
    assert card_refund.amount == order.total_amount - D("100.00") - D("20.00")
    assert Notification.objects.filter(order=order, kind="refund_issued").exists()
    with pytest.raises(InvalidOrderStateError):
        order_cancel(order=order, at=T3)
    assert_books_balance()


def test_order_cancel_of_a_collected_order_is_refused(world):
    order = world.place()
    pick_all(order, world.cph)
    order_ready(order=order, store=world.cph, at=T2)
    order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=T3)
    with pytest.raises(InvalidOrderStateError):
        order_cancel(order=order, at=T3)
    assert not Refund.objects.exists()


@pytest.mark.parametrize("code", ["", "  ", "ZZZZZZ"])
def test_order_hand_over_unknown_or_blank_code_is_not_found(world, code):
    with pytest.raises(PickupCodeNotFoundError):
        order_hand_over(pickup_code=code, store=world.cph, at=T1)


def test_order_hand_over_before_ready_is_not_found(world):
    order = world.place()
    with pytest.raises(PickupCodeNotFoundError) as caught:
        order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=T1)
    assert caught.value.extra["status"] == "new"
    assert level(world.cph, world.p("SHIRT")).reserved == 1


def test_order_ship_refuses_a_click_and_collect_order(world):
    order = world.place()
    pick_all(order, world.cph)
    with pytest.raises(InvalidOrderStateError):
        order_ship(order=order, store=world.cph, at=T2)
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING
