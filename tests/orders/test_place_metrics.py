"""Orders placed are counted by fulfilment once committed, and every placement is timed."""

from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from orders.errors import PriceChangedError
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


def placed(fulfilment: str = "click_collect") -> float:
    value = REGISTRY.get_sample_value("retail_orders_placed_total", {"fulfilment": fulfilment})
    return value or 0.0


def timings() -> float:
    return REGISTRY.get_sample_value("retail_order_place_seconds_count") or 0.0


def test_order_place_counts_the_order_and_times_it(django_capture_on_commit_callbacks):
    world = make_world()
    before, timed = placed(), timings()
    with django_capture_on_commit_callbacks(execute=True):
        order = world.place([("SHIRT", 1)])
    assert order.fulfilment == "click_collect"
    assert (placed(), timings()) == (before + 1, timed + 1)


def test_order_place_refused_is_timed_but_not_counted(django_capture_on_commit_callbacks):
    world = make_world()
    before, timed = placed(), timings()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PriceChangedError):
        world.place([("SHIRT", 1)], expected_total=Decimal("1.00"))
    assert (placed(), timings()) == (before, timed + 1)
