"""Issue 16, "Customer data across markets and by guessing": a key reads only its market's
customers, a till only the customer at the counter and no contact details; guessable
identifiers are throttled per client; new member numbers are not sequential."""

import itertools

import pytest
from stdnum import luhn

from loyalty.services.membership import membership_join
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/customers/lookup/"


@pytest.fixture
def dane():
    customer = CustomerFactory(market="DK", email="mette@example.dk", phone="+4520123456")
    membership_join(customer=customer)
    customer.refresh_from_db()
    return customer


def test_customer_history_of_another_market_is_not_found(callers, dane):
    """Any key read any customer's purchase history by public id."""
    norway = callers.web_norway.api.get(
        "/api/v1/orders/history/", {"customer": str(dane.public_id)}
    )
    denmark = callers.web.api.get("/api/v1/orders/history/", {"customer": str(dane.public_id)})

    assert norway.status_code == 404 and norway.json()["code"] == "customer_not_found"
    assert denmark.status_code == 200, denmark.json()


def test_customer_norwegian_webshop_cannot_read_a_danish_members_points(callers, dane):
    """The Norwegian webshop read a Danish member's points history by member number."""
    number = dane.member_number
    for url in (f"/api/v1/loyalty/members/{number}/", f"/api/v1/loyalty/members/{number}/points/"):
        refused = callers.web_norway.api.get(url)
        assert refused.status_code == 404, url
        assert callers.web.api.get(url).status_code == 200, url
    assert (
        callers.web_norway.api.post(LOOKUP, {"member_number": number}, format="json").status_code
        == 404
    )


def test_customer_lookup_by_member_number_at_a_till_shows_no_email_or_phone(callers, dane):
    """customers/lookup by member number returned name, e-mail and phone."""
    found = callers.till_a.api.post(LOOKUP, {"member_number": dane.member_number}, format="json")

    assert found.status_code == 200, found.json()
    body = found.json()
    assert body["id"] == str(dane.public_id) and body["last_name"] == dane.last_name
    assert not {"email", "phone", "consents", "external_ids"} & set(body)
    by_email = callers.till_a.api.post(LOOKUP, {"email": dane.email}, format="json")
    assert by_email.status_code == 400
    webshop = callers.web.api.post(LOOKUP, {"email": dane.email}, format="json")
    assert webshop.status_code == 200 and webshop.json()["email"] == dane.email


def test_customer_member_number_lookups_are_throttled_per_client(callers, dane, settings):
    """Member numbers issued through the API could be guessed with no throttle."""
    settings.API_IDENTIFIER_RATES = {**settings.API_IDENTIFIER_RATES, "member_lookup": "3/min"}
    guesses = [
        callers.till_a.api.post(LOOKUP, {"member_number": f"10000000{n}"}, format="json")
        for n in range(3)
    ]
    fourth = callers.till_a.api.get(f"/api/v1/loyalty/members/{dane.member_number}/")

    assert [g.status_code for g in guesses] == [404, 404, 404]
    assert fourth.status_code == 429
    assert fourth.json()["code"] == "throttled" and fourth.json()["message"]
    # Per client: another till is not slowed by this one's guessing.
    assert (
        callers.till_b.api.get(f"/api/v1/loyalty/members/{dane.member_number}/").status_code == 200
    )


def test_customer_pickup_codes_and_gift_card_lookups_are_throttled_per_client(callers, settings):
    """Pickup codes could be guessed without a throttle; gift-card lookups likewise."""
    settings.API_IDENTIFIER_RATES = {
        **settings.API_IDENTIFIER_RATES,
        "pickup_code": "2/min",
        "gift_card_lookup": "2/min",
    }
    codes = [
        callers.till_a.api.post("/api/v1/orders/hand-over/", {"pickup_code": code}, format="json")
        for code in ("ABCDEF", "BCDEFG", "CDEFGH")
    ]
    balances = [
        callers.till_a.api.post(
            "/api/v1/loyalty/stored-value/balance/", {"code": code}, format="json"
        )
        for code in ("GC-0000-0001", "GC-0000-0002", "GC-0000-0003")
    ]

    assert [c.status_code for c in codes] == [404, 404, 429]
    assert codes[2].json()["code"] == "throttled"
    assert [b.status_code for b in balances][2] == 429
    assert balances[2].json()["code"] == "throttled"


def test_customer_new_member_numbers_are_random_with_a_check_digit(db):
    numbers = [membership_join(customer=CustomerFactory()).member_number for _ in range(8)]

    assert all(len(n) == 10 and luhn.is_valid(n) for n in numbers)
    assert len(set(numbers)) == 8
    bodies = sorted(int(n[:-1]) for n in numbers)
    assert any(b - a > 1 for a, b in itertools.pairwise(bodies))  # not a sequence


def test_customer_order_of_another_market_is_not_found_by_naming_the_customer(db):
    """'Returns anywhere' names the order and its customer: only within the customer's market."""
    from tests.factories import ChannelFactory
    from tests.orders.api_support import client_for
    from tests.orders.world import make_world

    world = make_world()
    order = world.place([("SHIRT", 1)])
    norway = client_for(ChannelFactory(code="WEB-NO", kind="webshop", country="NO", currency="NOK"))
    till = client_for(world.pos, world.ros)
    query = {"customer": str(world.customer.public_id)}

    assert norway.get(f"/api/v1/orders/{order.number}/", query).status_code == 404
    assert till.get(f"/api/v1/orders/{order.number}/", query).status_code == 200
