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

from orders.models import Return
from tests.factories import CustomerFactory, UserFactory, make_staff
from tests.orders.returns_pages_support import (
    choose_page,
    collected,
    confirm_post,
    find_page,
    form_data,
    page_text,
    review_post,
)
from tests.orders.returns_support import give_back, on_hand, sell
from tests.orders.world import make_world

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


# --- find -----------------------------------------------------------------------------------


def test_find_by_receipt_id_order_number_and_pickup_code_opens_the_purchase(cph_client, world, now):
    receipt = sell(world, at=now)
    order = collected(world, at=now)

    for text, found in (
        (receipt.receipt_id, receipt),
        (receipt.number, receipt),
        (order.number, order),
        (order.pickup_code.lower(), order),
    ):
        response = find_page(cph_client, text)
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

    response = find_page(cph_client, text)

    assert response.status_code == 200
    html = page_text(response)
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
        response = find_page(cph_client, world.customer.email)

    rows = {p.order: p.blocker for p in response.context["result"].purchases}
    assert (rows[old], rows[done], rows[fresh]) == ("window_closed", "fully_returned", "")
    html = page_text(response)
    assert "Return window closed" in html and "All returned" in html
    assert html.count(">Take back</a>") == 4


def test_find_nothing_and_another_stores_number_say_not_found(cph_client, world, now):
    other = sell(world, store=world.ros, customer=None, at=now)

    for text in ("no-such-thing", other.number, other.receipt_id):
        response = find_page(cph_client, text)
        assert response.status_code == 200
        html = page_text(response)
        assert 'data-testid="not-found"' in html
        assert "search for their e-mail, phone or member number" in html
        assert "Take back" not in html


def test_find_customer_of_another_market_is_refused(cph_client, world, now):
    swede = CustomerFactory(email="sven@example.se", market="SE")
    sell(world, customer=swede, store=world.ros, at=now)

    response = find_page(cph_client, "sven@example.se")

    assert 'data-testid="other-market"' in page_text(response)
    assert "belongs to another market" in page_text(response)
    assert "Take back" not in page_text(response)


def test_customer_of_another_market_returns_what_they_bought_at_this_store(cph_client, world, now):
    swede = CustomerFactory(email="sven@example.se", market="SE")
    here = sell(world, customer=swede, at=now)
    elsewhere = sell(world, customer=swede, store=world.ros, at=now)

    html = page_text(find_page(cph_client, "sven@example.se"))

    assert 'data-testid="other-market-own-store"' in html
    assert here.number in html and elsewhere.number not in html
    assert choose_page(cph_client, here, customer=str(swede.public_id)).status_code == 200
    assert choose_page(cph_client, elsewhere, customer=str(swede.public_id)).status_code == 404


# --- scope ------------------------------------------------------------------------------------


def test_another_stores_purchase_is_404_without_its_customer(cph_client, world, now):
    other = sell(world, store=world.ros, at=now)
    data = form_data(other, (1, 1))

    assert choose_page(cph_client, other).status_code == 404
    assert review_post(cph_client, other, data).status_code == 404
    assert confirm_post(cph_client, other, data).status_code == 404
    # A customer of another market does not open it either.
    swede = CustomerFactory(market="SE")
    assert choose_page(cph_client, other, customer=str(swede.public_id)).status_code == 404
    assert choose_page(cph_client, other, customer="not-a-uuid").status_code == 404
    assert not Return.objects.exists()

    # Through its own customer it can come back here ("returns anywhere").
    page = choose_page(cph_client, other, customer=str(world.customer.public_id))
    assert page.status_code == 200 and "Bought elsewhere" in page_text(page)
    data["customer"] = str(world.customer.public_id)
    response = confirm_post(cph_client, other, data)
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

    assert find_page(client, receipt.number).status_code == 403
    assert choose_page(client, receipt).status_code == 403
    assert confirm_post(client, receipt, form_data(receipt, (1, 1))).status_code == 403
    assert not Return.objects.exists()


# --- choose -------------------------------------------------------------------------------


def test_choose_shows_only_what_is_left_to_return(cph_client, world, now):
    receipt = sell(world, [("MUG", 3), ("SHIRT", 1)], at=now)
    give_back(world, receipt, (1, 2), at=now)

    response = choose_page(cph_client, receipt)

    rows = {row["line"].sku: row["left"] for row in response.context["rows"]}
    assert rows == {"MUG": 1, "SHIRT": 1}
    assert 'data-label="Left to return"' in page_text(response)


def test_quantity_beyond_returnable_is_refused_and_changes_nothing(cph_client, world, now):
    receipt = sell(world, [("MUG", 3)], at=now)
    give_back(world, receipt, (1, 2), at=now)
    before = on_hand(world.cph, world.p("MUG"))

    for post in (review_post, confirm_post):
        response = post(cph_client, receipt, form_data(receipt, (1, 2)))
        assert response.status_code == 400
        html = page_text(response)
        assert "Stoneware mug: only 1 left to return, not 2." in html
        assert "Nothing was taken back." in html

    assert Return.objects.count() == 1
    assert on_hand(world.cph, world.p("MUG")) == before
    assert receipt.lines.get().returned_quantity == 2


def test_choose_nothing_chosen_or_bad_quantity_is_refused(cph_client, world, now):
    receipt = sell(world, at=now)

    response = review_post(cph_client, receipt, form_data(receipt))
    assert "Choose at least one unit to return." in page_text(response)
    response = review_post(cph_client, receipt, form_data(receipt, (1, "x")))
    assert "Linen shirt: give the number of units to return." in page_text(response)
    assert not Return.objects.exists()


def test_choose_says_why_a_purchase_cannot_come_back(cph_client, world, now):
    old = sell(world, at=now - timedelta(days=40))
    done = sell(world, at=now)
    give_back(world, done, (1, 1), at=now)
    open_order = world.place(at=now - timedelta(hours=1))

    assert "the return window closed on" in page_text(choose_page(cph_client, old))
    assert "already been returned" in page_text(choose_page(cph_client, done))
    assert "has not been handed over" in page_text(choose_page(cph_client, open_order))
    # And the service refuses a post all the same.
    response = confirm_post(cph_client, old, form_data(old, (1, 1)))
    assert response.status_code == 400
    assert Return.objects.count() == 1
