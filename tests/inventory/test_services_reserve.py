"""``stock_reserve`` hands back saved reservations that reach what the caller passed in, free."""

import pytest

from inventory.services import stock_reserve
from tests.factories import CustomerFactory
from tests.inventory.factories import reserve, stocked

pytestmark = pytest.mark.django_db


def test_stock_reserve_reservations_keep_the_objects_passed_in(django_assert_num_queries):
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=5)
    customer = CustomerFactory()
    single = reserve(store, product, 1, reference="order:objs", customer=customer)
    double = stock_reserve(
        location=store, lines=[(product, 1), (other, 1)], reference_kind="order", reference="o:3"
    )
    with django_assert_num_queries(0):
        assert (single.location, single.product, single.customer) == (store, product, customer)
        assert single.channel is None and single.actor is None
        assert [r.product for r in double] == [product, other]
