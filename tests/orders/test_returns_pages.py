"""The returns counter pages (/store/returns/) through the Django test client.

Find a purchase every way, stay inside the store's scope, choose what comes
back, refund to the tenders or as a credit note, exchange for a dearer or a
cheaper item, and never refund twice.  The purchases are made "now" (the
pages work at the real time, within the return window).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.models import StoredValueAccount
from orders.models import Order, Refund, Return
from orders.services.tenders import TenderRequest
from tests.factories import CustomerFactory, UserFactory, make_staff
from tests.orders.returns_support import collect, give_back, on_hand, sell
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


def _find(client, text):
    return client.get(reverse("returns:find"), {"q": text})


def _choose(client, order, **params):
    return client.get(reverse("returns:choose", args=[order.number]), params)


def _form(order, *lines, mode="original", key_="k-1", **extra):
    """The choose form: (line_no, quantity[, condition]) lines."""
    data = {"key": key_, "mode": mode, "reason": extra.pop("reason", "")}
    for line in order.lines.all():
        data[f"qty_{line.line_no}"] = "0"
    for line_no, quantity, *condition in lines:
        data[f"qty_{line_no}"] = str(quantity)
        data[f"condition_{line_no}"] = condition[0] if condition else "resellable"
    data.update(extra)
    return data


def _review(client, order, data):
    return client.post(reverse("returns:review", args=[order.number]), data)


def _confirm(client, order, data):
    return client.post(reverse("returns:confirm", args=[order.number]), data)


def _text(response) -> str:
    return response.content.decode()


def _collected(world, lines=(("SHIRT", 1),), *, at, **kwargs):
    order = world.place(lines, at=at - timedelta(hours=2), **kwargs)
    return collect(Order.objects.get(pk=order.pk), at=at - timedelta(hours=1))


# --- find -----------------------------------------------------------------------------------


def test_find_by_receipt_id_order_number_and_pickup_code_opens_the_purchase(cph_client, world, now):
    receipt = sell(world, at=now)
    order = _collected(world, at=now)

    for text, found in (
        (receipt.receipt_id, receipt),
        (receipt.number, receipt),
        (order.number, order),
        (order.pickup_code.lower(), order),
    ):
        response = _find(cph_client, text)
        assert response.status_code == 302, text
        assert response.url == reverse("returns:choose", args=[found.number])


@pytest.mark.parametrize("how", ["email", "phone", "member_number", "local_phone"])
def test_find_by_customer_lists_their_purchases_of_every_store(cph_client, world, now, how):
    here = sell(world, at=now)
    elsewhere = sell(world, store=world.ros, at=now - timedelta(days=1))
    world.customer.refresh_from_db()
    text = {
        "email": world.customer.email.upper(),
        "phone": str(world.customer.phone),
        "member_number": world.customer.member_number,
        "local_phone": "20 12 34 56",
    }[how]

    response = _find(cph_client, text)

    assert response.status_code == 200
    html = _text(response)
    assert here.number in html and elsewhere.number in html
    link = f"{reverse('returns:choose', args=[elsewhere.number])}?customer="
    assert link + str(world.customer.public_id) in html
    assert 'class="table table--stack' in html and 'data-label="Total"' in html


def test_find_by_customer_says_which_purchases_cannot_come_back(
    cph_client, world, now, django_assert_max_num_queries
):
    old = sell(world, at=now - timedelta(days=40))
    done = sell(world, at=now - timedelta(days=2))
    give_back(world, done, (1, 1), at=now)
    fresh = sell(world, [("MUG", 1), ("SHIRT", 1)], at=now)
    for _ in range(3):
        sell(world, [("SOCKS", 1), ("MUG", 1)], at=now - timedelta(days=1))

    # 10 whatever the number of purchases: the page's 6 (session, user, language, profile
    # twice, store), the number/receipt/pickup-code lookup, the customer, the purchases
    # and their lines.
    with django_assert_max_num_queries(10):
        response = _find(cph_client, world.customer.email)

    rows = {p.order: p.blocker for p in response.context["result"].purchases}
    assert (rows[old], rows[done], rows[fresh]) == ("window_closed", "fully_returned", "")
    html = _text(response)
    assert "Return window closed" in html and "All returned" in html
    assert html.count(">Take back</a>") == 4


def test_find_nothing_and_another_stores_number_say_not_found(cph_client, world, now):
    other = sell(world, store=world.ros, customer=None, at=now)

    for text in ("no-such-thing", other.number, other.receipt_id):
        response = _find(cph_client, text)
        assert response.status_code == 200
        html = _text(response)
        assert 'data-testid="not-found"' in html
        assert "search for their e-mail, phone or member number" in html
        assert "Take back" not in html


def test_find_customer_of_another_market_is_refused(cph_client, world, now):
    swede = CustomerFactory(email="sven@example.se", market="SE")
    sell(world, customer=swede, store=world.ros, at=now)

    response = _find(cph_client, "sven@example.se")

    assert 'data-testid="other-market"' in _text(response)
    assert "belongs to another market" in _text(response)
    assert "Take back" not in _text(response)


def test_customer_of_another_market_returns_what_they_bought_at_this_store(cph_client, world, now):
    swede = CustomerFactory(email="sven@example.se", market="SE")
    here = sell(world, customer=swede, at=now)
    elsewhere = sell(world, customer=swede, store=world.ros, at=now)

    html = _text(_find(cph_client, "sven@example.se"))

    assert 'data-testid="other-market-own-store"' in html
    assert here.number in html and elsewhere.number not in html
    assert _choose(cph_client, here, customer=str(swede.public_id)).status_code == 200
    assert _choose(cph_client, elsewhere, customer=str(swede.public_id)).status_code == 404


# --- scope ------------------------------------------------------------------------------------


def test_another_stores_purchase_is_404_without_its_customer(cph_client, world, now):
    other = sell(world, store=world.ros, at=now)
    data = _form(other, (1, 1))

    assert _choose(cph_client, other).status_code == 404
    assert _review(cph_client, other, data).status_code == 404
    assert _confirm(cph_client, other, data).status_code == 404
    # A customer of another market does not open it either.
    swede = CustomerFactory(market="SE")
    assert _choose(cph_client, other, customer=str(swede.public_id)).status_code == 404
    assert _choose(cph_client, other, customer="not-a-uuid").status_code == 404
    assert not Return.objects.exists()

    # Through its own customer it can come back here ("returns anywhere").
    page = _choose(cph_client, other, customer=str(world.customer.public_id))
    assert page.status_code == 200 and "Bought elsewhere" in _text(page)
    data["customer"] = str(world.customer.public_id)
    response = _confirm(cph_client, other, data)
    assert response.status_code == 302
    record = Return.objects.get()
    assert record.store == world.cph and on_hand(world.cph, world.p("SHIRT")) == 11


def test_return_receipt_of_another_store_is_404(client, world, now):
    receipt = sell(world, store=world.ros, at=now)
    record = give_back(world, receipt, (1, 1), store="ros", at=now)
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="c2"))

    assert client.get(reverse("returns:receipt", args=[record.number])).status_code == 404


def test_returns_pages_refuse_non_staff(client, world, now):
    receipt = sell(world, at=now)
    client.force_login(UserFactory(username="shopper"))

    assert _find(client, receipt.number).status_code == 403
    assert _choose(client, receipt).status_code == 403
    assert _confirm(client, receipt, _form(receipt, (1, 1))).status_code == 403
    assert not Return.objects.exists()


# --- choose -------------------------------------------------------------------------------


def test_choose_shows_only_what_is_left_to_return(cph_client, world, now):
    receipt = sell(world, [("MUG", 3), ("SHIRT", 1)], at=now)
    give_back(world, receipt, (1, 2), at=now)

    response = _choose(cph_client, receipt)

    rows = {row["line"].sku: row["left"] for row in response.context["rows"]}
    assert rows == {"MUG": 1, "SHIRT": 1}
    assert 'data-label="Left to return"' in _text(response)


def test_quantity_beyond_returnable_is_refused_and_changes_nothing(cph_client, world, now):
    receipt = sell(world, [("MUG", 3)], at=now)
    give_back(world, receipt, (1, 2), at=now)
    before = on_hand(world.cph, world.p("MUG"))

    for post in (_review, _confirm):
        response = post(cph_client, receipt, _form(receipt, (1, 2)))
        assert response.status_code == 400
        html = _text(response)
        assert "Stoneware mug: only 1 left to return, not 2." in html
        assert "Nothing was taken back." in html

    assert Return.objects.count() == 1
    assert on_hand(world.cph, world.p("MUG")) == before
    assert receipt.lines.get().returned_quantity == 2


def test_choose_nothing_chosen_or_bad_quantity_is_refused(cph_client, world, now):
    receipt = sell(world, at=now)

    response = _review(cph_client, receipt, _form(receipt))
    assert "Choose at least one unit to return." in _text(response)
    response = _review(cph_client, receipt, _form(receipt, (1, "x")))
    assert "Linen shirt: give the number of units to return." in _text(response)
    assert not Return.objects.exists()


def test_choose_says_why_a_purchase_cannot_come_back(cph_client, world, now):
    old = sell(world, at=now - timedelta(days=40))
    done = sell(world, at=now)
    give_back(world, done, (1, 1), at=now)
    open_order = world.place(at=now - timedelta(hours=1))

    assert "the return window closed on" in _text(_choose(cph_client, old))
    assert "already been returned" in _text(_choose(cph_client, done))
    assert "has not been handed over" in _text(_choose(cph_client, open_order))
    # And the service refuses a post all the same.
    response = _confirm(cph_client, old, _form(old, (1, 1)))
    assert response.status_code == 400
    assert Return.objects.count() == 1


# --- refund -------------------------------------------------------------------------------


def test_refund_to_original_tenders_shows_the_split_then_refunds_it(cph_client, world, now, clerk):
    card = world.gift_card("150.00")
    order = _collected(
        world,
        [("SHIRT", 1), ("MUG", 1)],
        at=now,
        tenders=[
            TenderRequest(kind="gift_card", amount=D("150.00"), code=card),
            TenderRequest(kind="external", external_reference=key("psp"), provider="card"),
        ],
    )
    data = _form(order, (1, 1), reason="Too small")

    review = _review(cph_client, order, data)

    assert review.status_code == 200
    shares = {t.kind: amount for t, amount in review.context["preview"].shares}
    assert shares == {"external": D("130.00"), "gift_card": D("70.00")}
    html = _text(review)
    assert "130.00 DKK" in html and "70.00 DKK" in html
    assert not Return.objects.exists()  # the review writes nothing

    response = _confirm(cph_client, order, data)

    record = Return.objects.get()
    assert response.url == reverse("returns:receipt", args=[record.number])
    refunds = {r.kind: r.amount for r in Refund.objects.filter(return_record=record)}
    assert refunds == shares
    assert record.created_by == clerk and record.reason == "Too small"
    gift = order.tenders.get(kind="gift_card")
    assert StoredValueAccount.objects.get(pk=gift.stored_value_account_id).balance == D("70.00")
    assert on_hand(world.cph, world.p("SHIRT")) == 10

    page = cph_client.get(response.url)
    html = _text(page)
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

    _confirm(cph_client, receipt, _form(receipt, (1, 1, "damaged")))

    assert on_hand(world.cph, world.p("MUG")) == before
    page = cph_client.get(reverse("returns:receipt", args=[Return.objects.get().number]))
    assert "Damaged: written off" in _text(page)


def test_credit_note_is_issued_and_its_code_shown(cph_client, world, now):
    receipt = sell(world, [("SHIRT", 1), ("MUG", 1)], at=now)
    data = _form(receipt, (1, 1), (2, 1), mode="credit_note")

    review = _review(cph_client, receipt, data)
    assert "A credit note of 280.00 DKK is issued" in _text(review)

    response = _confirm(cph_client, receipt, data)
    page = cph_client.get(response.url)

    (refund,) = Refund.objects.all()
    note = StoredValueAccount.objects.get(pk=refund.stored_value_account_id)
    assert (note.kind, note.balance) == ("credit_note", D("280.00"))
    assert note.code in _text(page)
    assert receipt.tenders.get().refunded_amount == D("0.00")
    assert_books_balance()


# --- exchange -----------------------------------------------------------------------------


def test_exchange_for_a_dearer_item_shows_and_takes_the_difference(cph_client, world, now):
    receipt = sell(world, [("SOCKS", 1)], at=now)  # 50.00
    data = _form(receipt, (1, 1), mode="exchange", new_code="MUG", new_quantity="1")

    review = _review(cph_client, receipt, data)

    assert review.status_code == 200
    preview = review.context["preview"]
    assert (preview.new_total, preview.due, preview.refund) == (D("80.00"), D("30.00"), D("0"))
    assert "The customer pays 30.00 DKK more." in _text(review)

    response = _confirm(cph_client, receipt, data)

    record = Return.objects.get()
    new = record.exchange_order
    assert new.total_amount == D("80.00") and record.refund_amount == D("0.00")
    assert {t.kind: t.amount for t in new.tenders.all()} == {
        "credit_note": D("50.00"),
        "external": D("30.00"),
    }
    assert on_hand(world.cph, world.p("MUG")) == 9
    html = _text(cph_client.get(response.url))
    assert new.number in html and "Stoneware mug" in html
    assert 'data-testid="exchange-paid">30.00 DKK' in html
    assert_books_balance()


def test_exchange_for_a_cheaper_item_refunds_the_rest(cph_client, world, now):
    receipt = sell(world, [("SHIRT", 1)], at=now)  # 200.00
    scanned = world.p("MUG").gtins.get().gtin  # the new item's barcode
    data = _form(receipt, (1, 1), mode="exchange", new_code=scanned)

    review = _review(cph_client, receipt, data)
    assert "120.00 DKK goes back to the customer" in _text(review)
    assert [(t.kind, a) for t, a in review.context["preview"].shares] == [("external", D("120.00"))]

    response = _confirm(cph_client, receipt, data)

    record = Return.objects.get()
    assert record.refund_amount == D("120.00")
    assert receipt.tenders.get().refunded_amount == D("120.00")
    html = _text(cph_client.get(response.url))
    assert "120.00 DKK" in html and record.exchange_order.number in html
    assert_books_balance()


def test_exchange_unknown_item_is_refused(cph_client, world, now):
    receipt = sell(world, at=now)

    data = _form(receipt, (1, 1), mode="exchange", new_code="NOPE")

    response = _review(cph_client, receipt, data)

    assert response.status_code == 400
    assert "No product has the SKU or GTIN NOPE." in _text(response)


# --- once only ----------------------------------------------------------------------------


def test_double_submit_refunds_once_and_shows_the_same_receipt(cph_client, world, now):
    receipt = sell(world, [("MUG", 3)], at=now)
    data = _form(receipt, (1, 1), key_="same-key")

    first = _confirm(cph_client, receipt, data)
    second = _confirm(cph_client, receipt, data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Return.objects.count() == 1 and Refund.objects.count() == 1
    assert receipt.lines.get().returned_quantity == 1
    # A new key (a fresh choose page) is a new return.
    _confirm(cph_client, receipt, _form(receipt, (1, 1), key_="other-key"))
    assert Return.objects.count() == 2
