"""The store staff stock page: every store's stock for a scanned item, and holds for customers."""

from datetime import timedelta

import pytest
from django.urls import reverse

from inventory.models import Reservation, StockLevel
from retail.store.access import SESSION_STORE_KEY
from tests.factories import CustomerFactory, UserFactory, make_staff
from tests.inventory.helpers import assert_ledger_holds, make_chain, reserve

pytestmark = pytest.mark.django_db

STOCK = reverse("inventory_store:stock")
PLACE = reverse("inventory_store:hold_place")


@pytest.fixture
def chain(db):
    return make_chain()


@pytest.fixture
def clerk(chain):
    return make_staff("store_clerk", stores=[chain.ros], username="clerk-ros", first_name="Mette")


@pytest.fixture
def signed_in(client, clerk):
    client.force_login(clerk)
    return client


def _hold(client, chain, **fields):
    data = {
        "code": "JACKET-1",
        "token": fields.pop("token", "T0K3N001"),
        "store": "DK-ROS01",
        "quantity": 1,
        "hours": 24,
        "customer": "",
        "note": "",
        **fields,
    }
    return client.post(PLACE, data)


def _level(store, product):
    return StockLevel.objects.get(location=store, product=product)


def test_stock_page_requires_store_staff(client, chain):
    response = client.get(STOCK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("store:login"))
    client.force_login(UserFactory(username="shopper"))
    assert client.get(STOCK).status_code == 403


def test_stock_page_is_two_clicks_from_home(signed_in):
    home = signed_in.get(reverse("store:home"))
    assert f'href="{STOCK}"' in home.content.decode()
    assert 'data-testid="home-stock-form"' in home.content.decode()
    page = signed_in.get(STOCK)
    assert page.status_code == 200
    assert f'<a href="{STOCK}" aria-current="page">' in page.content.decode()


def test_stock_page_by_gtin_lists_every_store_own_first_then_nearest(signed_in, chain):
    reserve(chain.cph, chain.jacket, 2)
    gtin = chain.jacket.gtins.get().gtin
    response = signed_in.get(STOCK, {"code": gtin})
    assert response.status_code == 200
    rows = response.context["rows"]
    # Roskilde first (own), then by distance from Roskilde: København, Odense, Aarhus, Taulov.
    assert [row.store.code for row in rows] == [
        "DK-ROS01",
        "DK-CPH01",
        "DK-ODE01",
        "DK-AAR01",
        "DK-WH01",
    ]
    cph = rows[1]
    assert (cph.on_hand, cph.reserved, cph.buffer, cph.available) == (5, 2, 0, 3)
    html = response.content.decode()
    assert "Rain jacket" in html and "C&amp;C" in html and "your store" in html
    assert response.context["total_available"] == 2 + 3 + 9 + 40


def test_stock_page_unknown_code(signed_in):
    response = signed_in.get(STOCK, {"code": "NOPE"})
    assert response.status_code == 200
    assert 'data-testid="not-found"' in response.content.decode()


def test_stock_page_query_budget_does_not_grow_with_stores(
    signed_in, chain, django_assert_max_num_queries
):
    from tests.inventory.helpers import receive, store_at

    for index in range(25):
        receive(store_at(f"DK-Q{index:02d}", "ODE"), chain.jacket, 1)
    reserve(chain.ros, chain.jacket, 1, reference_kind="staff_hold", reference="hold:x")
    with django_assert_max_num_queries(10):
        response = signed_in.get(STOCK, {"code": "JACKET-1"})
    assert len(response.context["rows"]) == 30


def test_hold_place_reserves_for_the_customer_with_the_clerk_as_actor(signed_in, chain, clerk):
    customer = CustomerFactory(email="mette@example.dk", member_number="M-1001")
    response = _hold(signed_in, chain, customer="Mette@Example.dk", note="blue, size M")
    assert response.status_code == 302
    hold = Reservation.objects.get()
    assert hold.reference_kind == Reservation.ReferenceKind.STAFF_HOLD
    assert hold.reference == "hold:T0K3N001 blue, size M"
    assert (hold.location, hold.product, hold.quantity) == (chain.ros, chain.jacket, 1)
    assert (hold.customer, hold.actor, hold.channel) == (customer, clerk, None)
    assert hold.expires_at - hold.created_at == timedelta(hours=24)
    assert _level(chain.ros, chain.jacket).reserved == 1
    page = signed_in.get(response["Location"])
    assert [h.pk for h in page.context["holds"]] == [hold.pk]
    assert "blue, size M" in page.content.decode()
    assert_ledger_holds()


@pytest.mark.parametrize("identifier", ["M-1001", "+4520304050", "20 30 40 50"])
def test_hold_place_finds_the_customer_by_member_number_or_phone(signed_in, chain, identifier):
    customer = CustomerFactory(member_number="M-1001", phone="+4520304050")
    assert _hold(signed_in, chain, customer=identifier).status_code == 302
    assert Reservation.objects.get().customer == customer


def test_hold_place_unknown_customer_is_a_form_error(signed_in, chain):
    response = _hold(signed_in, chain, customer="nobody@example.dk")
    assert response.status_code == 400
    assert "customer" in response.context["form"].errors
    assert not Reservation.objects.exists()


def test_hold_place_at_another_store_is_allowed(signed_in, chain):
    assert _hold(signed_in, chain, store="DK-AAR01", quantity=3).status_code == 302
    assert _level(chain.aar, chain.jacket).reserved == 3


def test_hold_place_beyond_stock_changes_nothing(signed_in, chain):
    response = _hold(signed_in, chain, quantity=3)
    assert response.status_code == 409
    assert "Only 2 available" in str(response.context["form"].errors["quantity"])
    assert _level(chain.ros, chain.jacket).reserved == 0


def test_hold_place_twice_with_one_form_holds_once(signed_in, chain):
    _hold(signed_in, chain)
    _hold(signed_in, chain)
    assert Reservation.objects.count() == 1
    assert _level(chain.ros, chain.jacket).reserved == 1


def test_hold_place_refuses_a_warehouse(signed_in, chain):
    response = _hold(signed_in, chain, store="DK-WH01")
    assert response.status_code == 400
    assert "store" in response.context["form"].errors


def test_hold_release_own_store_only(signed_in, chain):
    own = reserve(chain.ros, chain.jacket, 1, reference_kind="staff_hold", reference="hold:a")
    other = reserve(chain.cph, chain.jacket, 1, reference_kind="staff_hold", reference="hold:b")
    refused = signed_in.post(reverse("inventory_store:hold_release", args=[other.pk]))
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.status == Reservation.Status.ACTIVE
    released = signed_in.post(
        reverse("inventory_store:hold_release", args=[own.pk]), {"code": "JACKET-1"}
    )
    assert released.status_code == 302 and released["Location"].endswith("?code=JACKET-1")
    own.refresh_from_db()
    assert own.status == Reservation.Status.RELEASED
    assert _level(chain.ros, chain.jacket).reserved == 0
    again = signed_in.post(reverse("inventory_store:hold_release", args=[own.pk]))
    assert again.status_code == 302
    assert_ledger_holds()


def test_hold_release_is_for_staff_holds_only(signed_in, chain):
    order = reserve(chain.ros, chain.jacket, 1)
    response = signed_in.post(reverse("inventory_store:hold_release", args=[order.pk]))
    assert response.status_code == 404


def test_holds_list_shows_the_current_stores_active_holds(client, chain):
    manager = make_staff("store_manager", stores=[chain.ros, chain.cph], username="mgr")
    client.force_login(manager)
    session = client.session
    session[SESSION_STORE_KEY] = chain.cph.pk
    session.save()
    at_cph = reserve(chain.cph, chain.jacket, 1, reference_kind="staff_hold", reference="hold:c")
    reserve(chain.ros, chain.jacket, 1, reference_kind="staff_hold", reference="hold:r")
    reserve(chain.cph, chain.mug, 1)  # an order, not a hold
    response = client.get(STOCK)
    assert [h.pk for h in response.context["holds"]] == [at_cph.pk]
