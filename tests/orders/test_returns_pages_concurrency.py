"""The returns counter's confirm, double-tapped for real: two requests at once refund once."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderLine, Refund, Return
from tests.concurrency import run_in_threads
from tests.factories import make_staff
from tests.orders.returns_support import on_hand, sell
from tests.orders.world import assert_books_balance, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_returns_confirm_sent_twice_at_once_refunds_once():
    world = make_world()
    receipt = sell(world, [("MUG", 3)], at=timezone.now())
    clerk = make_staff("store_clerk", stores=[world.cph], username="clerk-cph")
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(clerk)
        clients.append(client)
    data = {"key": "one-tap", "mode": "original", "qty_1": "1", "condition_1": "resellable"}
    url = reverse("returns:confirm", args=[receipt.number])

    results, errors = run_in_threads(2, lambda i: clients[i].post(url, data))

    assert errors == []
    record = Return.objects.get()
    assert [r.status_code for r in results] == [302, 302]
    assert {r.url for r in results} == {reverse("returns:receipt", args=[record.number])}
    assert OrderLine.objects.get(order=receipt).returned_quantity == 1
    assert Refund.objects.filter(order=receipt).count() == 1
    assert on_hand(world.cph, world.p("MUG")) == 8
    assert_books_balance()
