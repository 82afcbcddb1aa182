"""The click-and-collect store pages through the Django test client: scoping, queue,
picking, short-picks, ready, transfers, shipping and hand-over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Reservation
from orders.models import Notification, Order, OrderLine, Refund
from orders.queue import format_age, work_queue
from orders.services.fulfilment import order_line_pick, order_pick_start, order_ready
from tests.factories import ProductFactory, make_staff
from tests.inventory.helpers import receive
from tests.orders.world import AT, assert_books_balance, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def cph_client(client, world):
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="clerk-cph"))
    return client


def _place(world, lines=(("SHIRT", 1),), *, at, **kwargs):
    return world.place(lines, at=at - timedelta(hours=1), **kwargs)


def _picked(world, order, *, at):
    for line in order.lines.all():
        order_line_pick(line=line, store=order.fulfil_location, at=at)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the work queue ------------------------------------------------------------------------


def test_format_age_reads_like_staff_say_it():
    assert format_age(timedelta(minutes=45)) == "45 min"
    assert format_age(timedelta(hours=2, minutes=10, seconds=59)) == "2 h 10 min"
    assert format_age(timedelta(days=3, hours=4, minutes=5)) == "3 d 4 h"
    assert format_age(timedelta(seconds=-5)) == "0 min"


def test_work_queue_sections_counts_age_and_overdue(world):
    late = world.place(promised_at=AT + timedelta(hours=1))
    fresh = world.place(at=AT + timedelta(minutes=30), promised_at=AT + timedelta(hours=6))
    picking = world.place([("MUG", 1)])
    order_pick_start(order=picking, store=world.cph, at=AT)
    ready = world.place([("SOCKS", 1)])
    _picked(world, ready, at=AT)
    ready = order_ready(order=ready, store=world.cph, at=AT)
    world.place(store=world.ros)  # another store's: never listed

    at = AT + timedelta(hours=2, minutes=10)
    queue = work_queue(store=world.cph, at=at)

    assert queue.counts == {"new": 2, "picking": 1, "in_transit": 0, "ready": 1, "overdue": 1}
    new = queue.section("new").rows
    assert [row.order for row in new] == [fresh, late]  # newest first
    assert new[1].age_text == "2 h 10 min" and new[1].overdue and not new[0].overdue
    assert queue.section("overdue").rows[0].order == late
    assert queue.section("ready").rows[0].due_at == ready.pickup_expires_at
    by_promise = work_queue(store=world.cph, at=at, sort="promised")
    assert [row.order for row in by_promise.section("new").rows] == [late, fresh]
    # Ready becomes overdue once its pickup window has passed.
    expired = work_queue(store=world.cph, at=ready.pickup_expires_at + timedelta(minutes=1))
    assert ready in [row.order for row in expired.section("overdue").rows]


def test_queue_page_shows_own_store_only_with_counts(cph_client, world, now):
    own = _place(world, at=now, promised_at=now - timedelta(minutes=5))
    other = _place(world, at=now, store=world.ros)

    response = cph_client.get(reverse("orders:queue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert own.number in html and other.number not in html
    assert response.context["queue"].counts["new"] == 1
    assert response.context["queue"].counts["overdue"] == 1
    assert 'data-testid="count-new">1<' in html
    assert world.customer.first_name in html


def test_queue_page_query_count_does_not_grow_with_orders(
    cph_client, world, now, django_assert_max_num_queries
):
    _place(world, at=now)
    # 7 = the page's 6 + the staff language (one query in retail.i18n.middleware).
    with django_assert_max_num_queries(7):
        cph_client.get(reverse("orders:queue"))
    for sku in ("MUG", "SOCKS", "JACKET", "SHIRT", "MUG"):
        _place(world, [(sku, 1), ("SHIRT", 1)], at=now)
    with django_assert_max_num_queries(7):
        response = cph_client.get(reverse("orders:queue") + "?sort=promised")
    assert response.context["queue"].counts["new"] == 6


def test_pick_list_page_query_count_does_not_grow_with_orders(
    cph_client, world, now, django_assert_max_num_queries
):
    numbers = [_place(world, [("MUG", 1), ("SHIRT", 1)], at=now).number for _ in range(5)]
    # 10 = the page's 9 + the staff language (one query in retail.i18n.middleware).
    with django_assert_max_num_queries(10):
        cph_client.get(reverse("orders:pick_list"), {"order": numbers[:1]})
    with django_assert_max_num_queries(10):
        response = cph_client.get(reverse("orders:pick_list"), {"order": numbers})
    assert len(response.context["rows"]) == 10


def test_store_home_links_to_the_work_queue(cph_client):
    response = cph_client.get(reverse("store:home"))
    assert reverse("orders:queue") in response.content.decode()


def test_landing_sends_managers_to_the_queue_and_clerks_home(client, world, cph_client):
    assert cph_client.get(reverse("orders:landing")).url == reverse("store:home")
    client.force_login(make_staff("store_manager", stores=[world.ros], username="boss-ros"))
    assert client.get(reverse("orders:landing")).url == reverse("orders:queue")


def test_queue_page_refuses_non_staff(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("orders:queue")).status_code == 403


# --- another store's orders ----------------------------------------------------------------


def test_store_pages_another_stores_order_is_404_everywhere(cph_client, world, now):
    other = _place(world, at=now, store=world.ros)
    line = other.lines.get()
    number = other.number

    assert cph_client.get(reverse("orders:order", args=[number])).status_code == 404
    assert cph_client.get(reverse("orders:pick_list") + f"?order={number}").status_code == 404
    assert (
        cph_client.post(reverse("orders:pick_list_print"), {"order": [number]}).status_code == 404
    )
    for name in ("ready", "ship", "receive"):
        assert cph_client.post(reverse(f"orders:{name}", args=[number])).status_code == 404
    for name in ("line_pick", "line_short_pick"):
        url = reverse(f"orders:{name}", args=[number, line.line_no])
        assert cph_client.post(url, {"action": "remove"}).status_code == 404
    confirm = reverse("orders:line_remove_confirm", args=[number, line.line_no])
    assert cph_client.get(confirm).status_code == 404

    other.refresh_from_db()
    line.refresh_from_db()
    assert other.status == Order.Status.NEW and line.status == OrderLine.Status.OPEN
    assert not other.events.exclude(kind="placed").exists()


def test_hand_over_another_stores_code_is_not_found(cph_client, world, now):
    other = _place(world, at=now, store=world.ros)
    _picked(world, other, at=now)
    order_ready(order=other, store=world.ros, at=now)

    response = cph_client.get(reverse("orders:hand_over"), {"code": other.pickup_code})
    assert response.status_code == 200
    assert "No order ready for pickup has this code here." in response.content.decode()
    assert other.number not in response.content.decode()

    response = cph_client.post(
        reverse("orders:hand_over_confirm"), {"code": other.pickup_code}, follow=True
    )
    assert "No order ready for pickup has this code here." in _messages(response)
    other.refresh_from_db()
    assert other.status == Order.Status.READY


# --- picking, short-pick, ready, hand-over ------------------------------------------------


def test_store_pages_pick_short_pick_ready_and_hand_over(cph_client, world, now):
    order = _place(world, [("SHIRT", 1), ("MUG", 2)], at=now)
    shirt, mug = order.lines.order_by("line_no")

    page = cph_client.get(reverse("orders:order", args=[order.number]))
    assert page.context["next_step"] == "pick"
    response = cph_client.post(
        reverse("orders:line_pick", args=[order.number, shirt.line_no]), follow=True
    )
    assert "Picked 1 x Linen shirt." in _messages(response)
    response = cph_client.post(
        reverse("orders:line_short_pick", args=[order.number, mug.line_no]),
        {"action": "remove", "confirm": "1"},
        follow=True,
    )
    assert any(message.startswith("Removed Stoneware mug") for message in _messages(response))
    assert response.context["next_step"] == "ready"

    response = cph_client.post(reverse("orders:ready", args=[order.number]), follow=True)
    assert f"Order {order.number} is ready for pickup; the customer is told." in _messages(response)
    order.refresh_from_db()
    mug.refresh_from_db()
    assert order.status == Order.Status.READY
    assert mug.status == OrderLine.Status.REMOVED and mug.refunded_amount == mug.total_amount
    assert Refund.objects.filter(order=order, reason=Refund.Reason.SHORT_PICK).exists()
    assert Notification.objects.filter(order=order, kind="ready").exists()

    typed = f"{order.pickup_code[:3].lower()}-{order.pickup_code[3:].lower()}"
    response = cph_client.get(reverse("orders:hand_over"), {"code": typed})
    html = response.content.decode()
    assert response.context["order"] == order
    # Only the shirt is handed over; the removed mugs show as removed in the amounts.
    assert [line.sku for line in response.context["lines"]] == ["SHIRT"]
    assert "Linen shirt" in html and "Removed: 2 × Stoneware mug" in html  # noqa: RUF001
    assert f"Hand over to {world.customer.first_name}" in html

    response = cph_client.post(reverse("orders:hand_over_confirm"), {"code": typed}, follow=True)
    assert (
        f"Order {order.number} handed over to {world.customer.first_name}" in _messages(response)[0]
    )
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
    assert not Reservation.objects.filter(
        reference=order.reservation_reference, status="active"
    ).exists()
    assert_books_balance()


def test_store_pages_domain_errors_show_as_messages(cph_client, world, now):
    order = _place(world, [("SHIRT", 1)], at=now)

    response = cph_client.post(reverse("orders:ready", args=[order.number]), follow=True)
    assert response.status_code == 200
    assert "Every line must be picked first." in _messages(response)

    response = cph_client.post(reverse("orders:hand_over_confirm"), {"code": "XXXXXX"}, follow=True)
    assert response.status_code == 200
    assert "No order ready for pickup has this code here." in _messages(response)

    response = cph_client.post(
        reverse("orders:line_short_pick", args=[order.number, 1]),
        {"action": "substitute", "code": "NOPE"},
        follow=True,
    )
    assert "No product with SKU or GTIN 'NOPE'." in _messages(response)
    order.refresh_from_db()
    assert order.status == Order.Status.NEW


def test_store_pages_substitute_shows_stock_and_replaces_the_line(cph_client, world, now):
    order = _place(world, [("SHIRT", 1)], at=now)
    twin = ProductFactory(
        sku="SHIRT-BLUE", name="Linen shirt, blue", category=world.p("SHIRT").category
    )
    receive(world.cph, twin, 4)
    gtin = twin.gtins.get().gtin

    page = cph_client.get(
        reverse("orders:order", args=[order.number]), {"substitute_line": 1, "code": gtin}
    )
    assert page.context["substitute"]["product"] == twin
    assert page.context["substitute"]["available"] == 4
    assert "4 available in this store" in page.content.decode()

    response = cph_client.post(
        reverse("orders:line_short_pick", args=[order.number, 1]),
        {"action": "substitute", "code": "SHIRT-BLUE"},
        follow=True,
    )
    assert "Replaced Linen shirt by Linen shirt, blue; the customer is told." in _messages(response)
    original, substitute = order.lines.order_by("line_no")
    assert original.status == OrderLine.Status.SUBSTITUTED
    assert (substitute.sku, substitute.substitute_for, substitute.status) == (
        "SHIRT-BLUE",
        original,
        "open",
    )
    assert response.context["next_step"] == "pick"


def test_store_pages_collect_elsewhere_send_then_receive(client, cph_client, world, now):
    order = _place(
        world,
        [("SHIRT", 1)],
        at=now,
        fulfilment=Order.Fulfilment.COLLECT_OTHER,
        collect_store=world.ros,
        source_store=world.cph,
    )
    cph_client.post(reverse("orders:line_pick", args=[order.number, 1]))
    page = cph_client.get(reverse("orders:order", args=[order.number]))
    assert page.context["next_step"] == "send"
    response = cph_client.post(reverse("orders:ready", args=[order.number]), follow=True)
    assert f"Order {order.number} is on its way to Roskilde Algade." in _messages(response)

    client.force_login(make_staff("store_clerk", stores=[world.ros], username="clerk-ros"))
    queue = client.get(reverse("orders:queue")).context["queue"]
    assert [row.order.number for row in queue.section("in_transit").rows] == [order.number]
    assert (
        client.get(reverse("orders:order", args=[order.number])).context["next_step"] == "receive"
    )
    client.post(reverse("orders:receive", args=[order.number]))
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    assert client.get(reverse("orders:queue")).context["queue"].counts["ready"] == 1


def test_store_pages_ship_from_store_with_tracking(client, world, now):
    order = _place(
        world,
        [("MUG", 1)],
        at=now,
        fulfilment=Order.Fulfilment.SHIP_FROM_STORE,
        source_store=world.aar,
        collect_store=None,
        shipping_address={
            "name": "Mette",
            "street": "Vej 1",
            "postal_code": "8000",
            "city": "Aarhus",
        },
    )
    client.force_login(make_staff("store_clerk", stores=[world.aar], username="clerk-aar"))
    client.post(reverse("orders:line_pick", args=[order.number, 1]))
    assert client.get(reverse("orders:order", args=[order.number])).context["next_step"] == "ship"
    response = client.post(
        reverse("orders:ship", args=[order.number]), {"tracking": "GLS123"}, follow=True
    )
    assert f"Order {order.number} is shipped." in _messages(response)
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
