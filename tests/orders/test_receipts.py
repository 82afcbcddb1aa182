"""POS receipts: a completed sale is recorded once, sells the stock, earns the member points."""

from decimal import Decimal

import pytest

from inventory.models import StockLevel, StockMovement
from loyalty.models import PointsEntry
from loyalty.services.points import points_burn, points_earn
from loyalty.services.stored_value import stored_value_redeem
from orders.errors import ReceiptInvalidError
from orders.models import Order, OrderEvent, Tender
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from tests.concurrency import run_in_threads
from tests.factories import CustomerFactory
from tests.orders.world import AT, D, assert_books_balance, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _on_hand(store, product):
    return StockLevel.objects.get(location=store, product=product).on_hand


def _card(total="300.00", ref="psp-1"):
    return [ReceiptTender(kind="external", amount=D(total), reference=ref)]


def _record(world, receipt_id="R-1", lines=None, tenders=None, **kwargs):
    return receipt_record(
        channel=kwargs.pop("channel", world.pos),
        store=kwargs.pop("store", world.cph),
        receipt_id=receipt_id,
        lines=lines
        or [
            ReceiptLine(sku="SHIRT", quantity=1, unit_price=D("200.00"), total=D("200.00")),
            ReceiptLine(
                sku="SOCKS",
                quantity=3,
                unit_price=D("50.00"),
                total=D("100.00"),
                discounts=({"campaign": "SOCKS-3FOR2", "amount": "50.00"},),
            ),
        ],
        tenders=tenders or _card(),
        customer=kwargs.pop("customer", world.customer),
        sold_at=kwargs.pop("sold_at", AT),
        at=AT,
        **kwargs,
    )


def test_receipt_record_completed_sale_sells_stock_and_earns_points(world):
    points_before = world.membership().points_balance

    order, created = _record(world)

    assert created
    assert (order.kind, order.status, order.fulfilment) == ("receipt", "completed", "in_store")
    assert order.collect_store == order.fulfil_location == world.cph
    assert order.number.startswith("P") and order.receipt_id == "R-1"
    assert (order.subtotal_amount, order.discount_amount, order.total_amount) == (
        D("350.00"),
        D("50.00"),
        D("300.00"),
    )
    assert order.vat == [{"rate": "25.00", "gross": "300.00", "net": "240.00", "vat": "60.00"}]
    socks = order.lines.get(sku="SOCKS")
    assert (socks.line_no, socks.quantity, socks.discount_amount) == (2, 3, D("50.00"))
    assert socks.vat_amount == D("20.00") and socks.discounts[0]["campaign"] == "SOCKS-3FOR2"
    tender = order.tenders.get()
    assert (tender.status, tender.external_reference) == (Tender.Status.CAPTURED, "psp-1")
    assert _on_hand(world.cph, world.p("SHIRT")) == 9
    assert _on_hand(world.cph, world.p("SOCKS")) == 7
    earn = PointsEntry.objects.get(source_key="receipt:DK-CPH01:R-1:earn")
    assert earn.spend_amount == D("300.00") and earn.reference == order.number
    assert world.membership().points_balance == points_before + earn.points > points_before
    assert list(world.customer.orders.all()) == [order]  # the purchase history
    assert OrderEvent.objects.filter(order=order, kind="receipt_recorded").count() == 1
    assert_books_balance()


def test_receipt_record_resent_receipt_returns_the_first_and_changes_nothing(world):
    first, _ = _record(world)
    movements, points = StockMovement.objects.count(), world.membership().points_balance

    again, created = _record(world, tenders=_card(ref="psp-other"))

    assert not created and again == first
    assert Order.objects.count() == 1
    assert StockMovement.objects.count() == movements
    assert world.membership().points_balance == points
    assert _on_hand(world.cph, world.p("SHIRT")) == 9


def test_receipt_record_same_receipt_id_in_another_store_is_another_sale(world):
    _record(world)
    other, created = _record(world, store=world.aar)
    assert created and other.collect_store == world.aar
    assert _on_hand(world.aar, world.p("SHIRT")) == 9


def test_receipt_record_resolves_scanned_gtin(world):
    gtin = world.p("MUG").gtins.get(is_primary=True).gtin
    order, _ = _record(
        world,
        lines=[ReceiptLine(sku=gtin, quantity=2, unit_price=D("80.00"), total=D("160.00"))],
        tenders=_card("160.00"),
    )
    line = order.lines.get()
    assert (line.sku, line.quantity, line.gtin) == ("MUG", 2, gtin)
    assert _on_hand(world.cph, world.p("MUG")) == 8


def test_receipt_record_unknown_sku_names_the_line_and_writes_nothing(world):
    with pytest.raises(ReceiptInvalidError) as caught:
        _record(
            world,
            lines=[
                ReceiptLine(sku="SHIRT", quantity=1, unit_price=D("200"), total=D("200")),
                ReceiptLine(sku="NOPE", quantity=1, unit_price=D("100"), total=D("100")),
            ],
        )
    assert caught.value.field == "lines.1.sku"
    assert not Order.objects.exists()
    assert _on_hand(world.cph, world.p("SHIRT")) == 10


@pytest.mark.parametrize(
    ("line", "tenders", "field"),
    [
        (("SHIRT", 1, "200.00", "200.00"), _card("199.00"), "tenders"),
        (("SHIRT", 1, "200.00", "250.00"), _card("250.00"), "lines.0.total"),
        (("SHIRT", 0, "200.00", "0.00"), _card("0.00"), "lines.0.quantity"),
        (("SHIRT", 1, "-5", "200.00"), _card("200.00"), "lines.0.unit_price"),
        (("SHIRT", 1, "200.00", "200.00"), [ReceiptTender("bitcoin", D(200))], "tenders.0.kind"),
    ],
)
def test_receipt_record_not_adding_up_names_the_field_and_writes_nothing(
    world, line, tenders, field
):
    sku, quantity, price, total = line
    with pytest.raises(ReceiptInvalidError) as caught:
        _record(
            world,
            lines=[ReceiptLine(sku=sku, quantity=quantity, unit_price=D(price), total=D(total))],
            tenders=tenders,
        )
    assert caught.value.field == field
    assert caught.value.code == "receipt_invalid"
    assert not Order.objects.exists() and not StockMovement.objects.filter(kind="sale").exists()


def test_receipt_record_unknown_currency_is_refused(world):
    with pytest.raises(ReceiptInvalidError) as caught:
        _record(world, currency="XBT")
    assert caught.value.field == "currency"


def test_receipt_record_gift_card_tender_keeps_the_redemption_for_refunds(world):
    code = world.gift_card("100.00")
    stored_value_redeem(
        code=code, amount=D("100.00"), currency="DKK", source_key="pos:cph:R-7:gc", at=AT
    )
    order, _ = _record(
        world,
        receipt_id="R-7",
        tenders=[
            ReceiptTender(kind="gift_card", amount=D("100.00"), reference="pos:cph:R-7:gc"),
            ReceiptTender(kind="external", amount=D("200.00"), reference="psp-7"),
        ],
    )
    gift = order.tenders.get(kind="gift_card")
    assert gift.redemption_key == "pos:cph:R-7:gc"
    assert gift.stored_value_account_id is not None and gift.code_last4 == code[-4:]
    assert gift.status == Tender.Status.CAPTURED
    assert_books_balance()


def test_receipt_record_stored_value_tender_without_its_redemption_is_refused(world):
    with pytest.raises(ReceiptInvalidError) as caught:
        _record(
            world,
            tenders=[ReceiptTender(kind="gift_card", amount=D("300.00"), reference="never")],
        )
    assert caught.value.field == "tenders.0.reference"
    assert not Order.objects.exists()


def test_receipt_record_points_tender_earns_only_on_the_rest(world):
    member = world.membership()
    points_earn(membership=member, spend_amount=D(4000), currency="DKK", source_key="e0", at=AT)
    _, value = points_burn(membership=member, points=1000, source_key="pos:R-9:points", at=AT)
    order, _ = _record(
        world,
        receipt_id="R-9",
        tenders=[
            ReceiptTender(kind="points", amount=value, points=1000, reference="pos:R-9:points"),
            ReceiptTender(kind="external", amount=D("300.00") - value, reference="psp-9"),
        ],
    )
    points = order.tenders.get(kind="points")
    assert (points.points, points.points_burn_key) == (1000, "pos:R-9:points")
    earn = PointsEntry.objects.get(source_key="receipt:DK-CPH01:R-9:earn")
    assert earn.spend_amount == D("300.00") - value
    assert_books_balance()


def test_receipt_record_anonymous_and_non_member_sales_earn_nothing(world):
    _record(world, receipt_id="R-anon", customer=None)
    _record(world, receipt_id="R-guest", customer=CustomerFactory(email="guest@example.dk"))
    assert not PointsEntry.objects.filter(source_key__startswith="receipt:").exists()
    assert Order.objects.filter(kind="receipt").count() == 2


def test_receipt_record_sale_beyond_stock_on_record_is_still_recorded(world):
    order, _ = _record(
        world,
        lines=[ReceiptLine(sku="MUG", quantity=12, unit_price=D("80.00"), total=D("960.00"))],
        tenders=_card("960.00"),
    )
    assert order.total_amount == Decimal("960.00")
    assert _on_hand(world.cph, world.p("MUG")) == 0  # a count correction asks for a count
    assert_books_balance()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_receipt_record_two_tills_posting_one_receipt_write_one_order():
    world = make_world()
    points_before = world.membership().points_balance

    results, errors = run_in_threads(4, lambda i: _record(world, receipt_id="R-race"))

    assert errors == []
    assert len({order.pk for order, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(kind="sale").count() == 2
    assert _on_hand(world.cph, world.p("SOCKS")) == 7
    assert PointsEntry.objects.filter(source_key="receipt:DK-CPH01:R-race:earn").count() == 1
    assert world.membership().points_balance > points_before
    assert_books_balance()
