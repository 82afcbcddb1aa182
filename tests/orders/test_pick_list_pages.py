"""Pick lists in the store pages: batched by category or one page per order, barcodes, and
queries that do not grow with the orders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.queue import pick_list
from tests.factories import make_staff
from tests.orders.world import make_world

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


def _place(world, lines, *, at):
    return world.place(lines, at=at - timedelta(hours=1))


def test_pick_list_batches_orders_sorted_by_category(cph_client, world, now):
    first = _place(world, [("MUG", 1), ("SOCKS", 3)], at=now)
    second = _place(world, [("SHIRT", 2)], at=now)

    response = cph_client.post(
        reverse("orders:pick_list_print"), {"order": [first.number, second.number]}, follow=True
    )

    assert response.status_code == 200
    assert response.context["layout"] == "batch"
    rows = [(item["row"].line.sku, item["row"].order.number) for item in response.context["rows"]]
    # Clothing (shirt, socks) before Home (mug), whichever order they came from.
    assert rows == [("SHIRT", second.number), ("SOCKS", first.number), ("MUG", first.number)]
    html = response.content.decode()
    assert html.count('<svg role="img" aria-label="GTIN ') == 3
    assert first.lines.get(sku="MUG").gtin in html
    assert world.customer.first_name in html and "Clothing" in html
    # Printing starts picking.
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.PICKING
    assert first.events.filter(kind="picking_started").count() == 1


def test_pick_list_one_page_per_order_layout(cph_client, world, now):
    first = _place(world, [("MUG", 1), ("SHIRT", 1)], at=now)
    second = _place(world, [("SOCKS", 1)], at=now)
    url = reverse("orders:pick_list") + f"?order={first.number}&order={second.number}&layout=orders"

    response = cph_client.get(url)

    pages = response.context["pages"]
    assert [page["order"] for page in pages] == [first, second]
    assert [item["row"].line.sku for item in pages[0]["rows"]] == ["SHIRT", "MUG"]
    assert response.content.decode().count('data-testid="pick-order"') == 2
    # Opening the list by its link does not change state; printing from the queue does.
    first.refresh_from_db()
    assert first.status == Order.Status.NEW


def test_pick_list_queries_do_not_grow_with_orders(world, django_assert_num_queries):
    numbers = [world.place([("MUG", 1), ("SHIRT", 1), ("SOCKS", 1)]).number for _ in range(4)]
    with django_assert_num_queries(3):
        listed = pick_list(store=world.cph, numbers=numbers[:1])
    with django_assert_num_queries(3):
        listed = pick_list(store=world.cph, numbers=numbers)
    assert len(listed.rows) == 12 and listed.total_units == 12


def test_pick_list_barcode_falls_back_to_code128():
    from orders.views.barcodes import gtin_svg

    assert gtin_svg("") == ""
    assert "<svg" in gtin_svg("5701234567899") and "<?xml" not in gtin_svg("5701234567899")
    assert "<svg" in gtin_svg("5701234567890")  # wrong check digit: Code 128
    assert "<svg" in gtin_svg("15701234567896")
