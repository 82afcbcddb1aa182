"""The returns counter pages: refunds to the tenders or a credit note, exchanges, once only.

Through the Django test client, like tests/orders/test_returns_pages.py (finding,
scope, choosing); the purchases are made "now".
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.models import StoredValueAccount
from orders.models import Refund, Return
from orders.services.tenders import TenderRequest
from tests.factories import make_staff
from tests.orders.returns_pages_support import (
    collected,
    confirm_post,
    form_data,
    page_text,
    review_post,
)
from tests.orders.returns_support import on_hand, sell
from tests.orders.world import D, assert_books_balance, key, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def clerk(world):
    return make_staff("store_clerk", stores=[world.cph], username="clerk-cph", first_name="Jonas")


@pytest.fixture
def cph_client(client, clerk):
    client.force_login(clerk)
    return client


# --- refund -------------------------------------------------------------------------------


def test_refund_to_original_tenders_shows_the_split_then_refunds_it(cph_client, world, now, clerk):
    card = world.gift_card("150.00")
    order = collected(
        world,
        [("SHIRT", 1), ("MUG", 1)],
        at=now,
        tenders=[
            TenderRequest(kind="gift_card", amount=D("150.00"), code=card),
            TenderRequest(kind="external", external_reference=key("psp"), provider="card"),
        ],
    )
    data = form_data(order, (1, 1), reason="Too small")

    review = review_post(cph_client, order, data)

    assert review.status_code == 200
    shares = {t.kind: amount for t, amount in review.context["preview"].shares}
    assert shares == {"external": D("130.00"), "gift_card": D("70.00")}
    html = page_text(review)
    assert "130.00 DKK" in html and "70.00 DKK" in html
    assert not Return.objects.exists()  # the review writes nothing

    response = confirm_post(cph_client, order, data)

    record = Return.objects.get()
    assert response.url == reverse("returns:receipt", args=[record.number])
    refunds = {r.kind: r.amount for r in Refund.objects.filter(return_record=record)}
    assert refunds == shares
    assert record.created_by == clerk and record.reason == "Too small"
    gift = order.tenders.get(kind="gift_card")
    assert StoredValueAccount.objects.get(pk=gift.stored_value_account_id).balance == D("70.00")
    assert on_hand(world.cph, world.p("SHIRT")) == 10

    page = cph_client.get(response.url)
    html = page_text(page)
    for text in (
        record.number,
        order.number,
        "København Strøget",
        "Jonas",
        "Linen shirt",
        "Back to stock",
        "130.00 DKK",
        "70.00 DKK",
        "Instruction for the payment provider",
        "200.00 DKK",
    ):
        assert text in html, text
    assert_books_balance()


def test_damaged_unit_is_not_put_back_on_sale(cph_client, world, now):
    receipt = sell(world, [("MUG", 2)], at=now)
    before = on_hand(world.cph, world.p("MUG"))

    confirm_post(cph_client, receipt, form_data(receipt, (1, 1, "damaged")))

    assert on_hand(world.cph, world.p("MUG")) == before
    page = cph_client.get(reverse("returns:receipt", args=[Return.objects.get().number]))
    assert "Damaged: written off" in page_text(page)


def test_credit_note_is_issued_and_its_code_shown(cph_client, world, now):
    receipt = sell(world, [("SHIRT", 1), ("MUG", 1)], at=now)
    data = form_data(receipt, (1, 1), (2, 1), mode="credit_note")

    review = review_post(cph_client, receipt, data)
    assert "A credit note of 280.00 DKK is issued" in page_text(review)

    response = confirm_post(cph_client, receipt, data)
    page = cph_client.get(response.url)

    (refund,) = Refund.objects.all()
    note = StoredValueAccount.objects.get(pk=refund.stored_value_account_id)
    assert (note.kind, note.balance) == ("credit_note", D("280.00"))
    assert note.code in page_text(page)
    assert receipt.tenders.get().refunded_amount == D("0.00")
    assert_books_balance()


# --- exchange -----------------------------------------------------------------------------


def test_exchange_for_a_dearer_item_shows_and_takes_the_difference(cph_client, world, now):
    receipt = sell(world, [("SOCKS", 1)], at=now)  # 50.00
    data = form_data(receipt, (1, 1), mode="exchange", new_code="MUG", new_quantity="1")

    review = review_post(cph_client, receipt, data)

    assert review.status_code == 200
    preview = review.context["preview"]
    assert (preview.new_total, preview.due, preview.refund) == (D("80.00"), D("30.00"), D("0"))
    assert "The customer pays 30.00 DKK more." in page_text(review)

    response = confirm_post(cph_client, receipt, data)

    record = Return.objects.get()
    new = record.exchange_order
    assert new.total_amount == D("80.00") and record.refund_amount == D("0.00")
    assert {t.kind: t.amount for t in new.tenders.all()} == {
        "credit_note": D("50.00"),
        "external": D("30.00"),
    }
    assert on_hand(world.cph, world.p("MUG")) == 9
    html = page_text(cph_client.get(response.url))
    assert new.number in html and "Stoneware mug" in html
    assert 'data-testid="exchange-paid">30.00 DKK' in html
    assert_books_balance()


def test_exchange_for_a_cheaper_item_refunds_the_rest(cph_client, world, now):
    receipt = sell(world, [("SHIRT", 1)], at=now)  # 200.00
    scanned = world.p("MUG").gtins.get().gtin  # the new item's barcode
    data = form_data(receipt, (1, 1), mode="exchange", new_code=scanned)

    review = review_post(cph_client, receipt, data)
    assert "120.00 DKK goes back to the customer" in page_text(review)
    assert [(t.kind, a) for t, a in review.context["preview"].shares] == [("external", D("120.00"))]

    response = confirm_post(cph_client, receipt, data)

    record = Return.objects.get()
    assert record.refund_amount == D("120.00")
    assert receipt.tenders.get().refunded_amount == D("120.00")
    html = page_text(cph_client.get(response.url))
    assert "120.00 DKK" in html and record.exchange_order.number in html
    assert_books_balance()


def test_exchange_unknown_item_is_refused(cph_client, world, now):
    receipt = sell(world, at=now)

    data = form_data(receipt, (1, 1), mode="exchange", new_code="NOPE")

    response = review_post(cph_client, receipt, data)

    assert response.status_code == 400
    assert "No product has the SKU or GTIN NOPE." in page_text(response)


# --- once only ----------------------------------------------------------------------------


def test_double_submit_refunds_once_and_shows_the_same_receipt(cph_client, world, now):
    receipt = sell(world, [("MUG", 3)], at=now)
    data = form_data(receipt, (1, 1), key_="same-key")

    first = confirm_post(cph_client, receipt, data)
    second = confirm_post(cph_client, receipt, data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Return.objects.count() == 1 and Refund.objects.count() == 1
    assert receipt.lines.get().returned_quantity == 1
    # A new key (a fresh choose page) is a new return.
    confirm_post(cph_client, receipt, form_data(receipt, (1, 1), key_="other-key"))
    assert Return.objects.count() == 2
