"""Stock levels for a count: on hand and reserved of many products, in chunks."""

import pytest

from inventory.selectors_counts import stock_levels_for_products
from tests.factories import ProductFactory, StoreFactory
from tests.inventory.factories import reserve, stocked

pytestmark = pytest.mark.django_db


def test_stock_levels_for_products_keys_by_location_and_product():
    cph, ros = StoreFactory(), StoreFactory()
    _, jacket = stocked(location=cph, on_hand=5)
    stocked(location=ros, product=jacket, on_hand=2)
    _, boots = stocked(location=cph, on_hand=3)
    reserve(cph, boots, 2)
    unstocked = ProductFactory()

    levels = stock_levels_for_products(product_ids=[jacket.pk, boots.pk, unstocked.pk], chunk=900)

    assert levels == {
        (cph.pk, jacket.pk): (5, 0),
        (ros.pk, jacket.pk): (2, 0),
        (cph.pk, boots.pk): (3, 2),
    }


def test_stock_levels_for_products_leaves_other_products_out():
    store = StoreFactory()
    _, wanted = stocked(location=store, on_hand=1)
    stocked(location=store, on_hand=4)

    assert stock_levels_for_products(product_ids=[wanted.pk], chunk=900) == {
        (store.pk, wanted.pk): (1, 0)
    }


def test_stock_levels_for_products_one_query_per_chunk(django_assert_num_queries):
    store = StoreFactory()
    products = [stocked(location=store, on_hand=n + 1)[1] for n in range(5)]

    with django_assert_num_queries(3):
        levels = stock_levels_for_products(product_ids=[p.pk for p in products], chunk=2)
    assert len(levels) == 5
    with django_assert_num_queries(0):
        assert stock_levels_for_products(product_ids=[], chunk=2) == {}
