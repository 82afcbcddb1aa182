"""The store's day: "My store" counts by state in the store's zone, and the self-refreshing
work queue (its partial shows new orders and only the store's own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.store_day import store_day_counts
from tests.factories import make_staff
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db

# 10:00 in Copenhagen on a Monday (UTC+1): "today" there began at 23:00 UTC on Sunday.
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world():
    return make_world()


def _set(order, **fields):
    Order.objects.filter(pk=order.pk).update(**fields)


def _counts(store, at):
    return {row.key: row.count for row in store_day_counts(store=store, at=at)}


def test_store_day_counts_each_state_in_the_stores_day(world, django_assert_num_queries):
    placed = AT - timedelta(hours=3)
    new = world.place(at=placed)
    overdue = world.place(at=placed)
    _set(overdue, promised_at=AT - timedelta(minutes=5))
    picking = world.place(at=placed)
    _set(picking, status=Order.Status.PICKING, promised_at=AT + timedelta(hours=5))
    ready = world.place(at=placed)
    # Expires at 23:30 local today (22:30 UTC): expiring today, not yet overdue.
    _set(
        ready, status=Order.Status.READY, pickup_expires_at=datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    )
    ready_later = world.place(at=placed)
    # 00:30 local tomorrow: not today, though it is still the same UTC date.
    _set(
        ready_later,
        status=Order.Status.READY,
        pickup_expires_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
    )
    collected_today = world.place(at=placed)
    # 00:30 local on Monday is 23:30 UTC on Sunday: today in Copenhagen.
    _set(
        collected_today,
        status=Order.Status.COLLECTED,
        closed_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
    )
    collected_yesterday = world.place(at=placed)
    _set(
        collected_yesterday,
        status=Order.Status.COLLECTED,
        closed_at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
    )
    world.place(store=world.ros, at=placed)  # another store's order counts nowhere here
    _set(new, promised_at=AT + timedelta(hours=5))

    with django_assert_num_queries(1):
        counts = _counts(world.cph, AT)
    assert counts == {
        "new": 2,
        "picking": 1,
        "ready": 2,
        "overdue": 1,
        "collected_today": 1,
        "expiring_today": 1,
    }


def test_store_home_links_each_count_to_the_filtered_queue(client, world):
    placed = timezone.now() - timedelta(hours=1)
    order = world.place(at=placed)
    collected = world.place(at=placed)
    _set(collected, status=Order.Status.COLLECTED, closed_at=timezone.now())
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="clerk-day"))
    page = client.get(reverse("store:home")).content.decode()
    assert 'data-testid="day-count-new">1<' in page
    assert 'data-testid="day-count-collected_today">1<' in page
    assert f'href="{reverse("orders:queue")}?show=collected_today"' in page

    shown = client.get(reverse("orders:queue"), {"show": "collected_today"})
    assert [s.key for s in shown.context["shown"]] == ["collected_today"]
    assert collected.number in shown.content.decode()
    assert order.number not in shown.content.decode().split('id="collected_today"')[1]


def test_queue_live_partial_shows_new_orders_of_own_store_only(client, world):
    placed = timezone.now() - timedelta(hours=1)
    first = world.place(at=placed)
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="clerk-live"))
    page = client.get(reverse("orders:queue"))
    live_url = page.context["live_url"]
    assert f"after={first.pk}" in live_url
    assert page.context["arrived"] == []

    second = world.place(at=placed)
    elsewhere = world.place(store=world.ros, at=placed)
    live = client.get(live_url, headers={"HX-Request": "true"})
    body = live.content.decode()
    assert live.status_code == 200
    assert [row.order for row in live.context["arrived"]] == [second]
    assert body.startswith("<title>(1) ")
    assert 'data-new-count="1"' in body
    assert second.number in body and first.number in body
    assert elsewhere.number not in body


def test_queue_live_partial_refuses_anonymous_and_other_stores_staff(client, world):
    placed = timezone.now() - timedelta(hours=1)
    order = world.place(at=placed)
    url = reverse("orders:queue_live")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_staff("store_clerk", stores=[world.ros], username="clerk-ros"))
    assert order.number not in client.get(url, {"after": 0}).content.decode()


def test_queue_live_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    placed = timezone.now() - timedelta(hours=1)
    client.force_login(make_staff("store_clerk", stores=[world.cph], username="clerk-q"))
    world.place(at=placed)
    # The queue's one query, session, user, staff profile and stores, language.
    with django_assert_max_num_queries(7):
        client.get(reverse("orders:queue_live"), {"after": 0})
    for _ in range(4):
        world.place([("MUG", 1)], at=placed)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("orders:queue_live"), {"after": 0})
    assert len(response.context["arrived"]) == 5
