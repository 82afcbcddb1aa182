"""Availability: buffers (most specific wins), one store, across stores, per channel."""

import pytest

from inventory.models import ChannelLocation
from inventory.selectors import (
    MAX_CHANNEL_PRODUCTS,
    availability_across_stores,
    availability_at_store,
    availability_for_channel,
    buffer_for,
    buffer_table,
    distance_km,
)
from retail.models import Product, Store
from tests.factories import CategoryFactory, ChannelFactory, ProductFactory
from tests.inventory.helpers import (
    PLACES,
    assert_ledger_holds,
    buffer,
    fresh,
    make_chain,
    receive,
    reserve,
    store_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db):
    return make_chain()


# --- buffers ---------------------------------------------------------------------------------


def test_buffer_for_without_channel_is_zero(chain, django_assert_num_queries):
    buffer(chain.webshop, 5)
    with django_assert_num_queries(0):
        assert buffer_for(channel=None, store=chain.cph, product=chain.jacket) == 0


def test_buffer_for_falls_back_to_the_channel_default_then_zero(chain):
    assert buffer_for(channel=chain.webshop, store=chain.cph, product=chain.jacket) == 0
    buffer(chain.webshop, 2)
    assert buffer_for(channel=chain.webshop, store=chain.cph, product=chain.jacket) == 2


def test_buffer_for_most_specific_rule_wins(chain):
    web, cph, ros, jacket = chain.webshop, chain.cph, chain.ros, fresh(chain.jacket)
    buffer(web, 2)
    buffer(web, 4, store=cph)
    assert buffer_for(channel=web, store=cph, product=jacket) == 4  # store beats default
    assert buffer_for(channel=web, store=ros, product=jacket) == 2
    buffer(web, 3, category=chain.clothing)
    assert buffer_for(channel=web, store=cph, product=jacket) == 3  # category beats store
    buffer(web, 1, category=chain.jackets)
    assert buffer_for(channel=web, store=cph, product=jacket) == 1  # nearest ancestor wins
    buffer(web, 7, store=cph, category=chain.clothing)
    # A farther category naming the store still loses to the nearer category.
    assert buffer_for(channel=web, store=cph, product=jacket) == 1
    buffer(web, 6, store=cph, category=chain.jackets)
    assert buffer_for(channel=web, store=cph, product=jacket) == 6  # this store's beats all's
    assert buffer_for(channel=web, store=ros, product=jacket) == 1
    buffer(web, 0, product=jacket)
    assert buffer_for(channel=web, store=cph, product=jacket) == 0  # product beats category
    buffer(web, 9, store=ros, product=jacket)
    assert buffer_for(channel=web, store=ros, product=jacket) == 9
    assert buffer_for(channel=web, store=cph, product=jacket) == 0


def test_buffer_for_ignores_other_channels_and_unrelated_categories(chain):
    app = ChannelFactory(code="APP-DK", kind="app")
    buffer(app, 8)
    buffer(chain.webshop, 5, category=CategoryFactory(code="FOOD"))
    jacket = fresh(chain.jacket)
    assert buffer_for(channel=chain.webshop, store=chain.cph, product=jacket) == 0
    assert buffer_for(channel=app, store=chain.cph, product=jacket) == 8


def test_buffer_table_reads_category_paths_only_when_a_category_rule_exists(
    chain, django_assert_num_queries
):
    buffer(chain.webshop, 2)
    products = list(Product.objects.all())  # categories not loaded
    with django_assert_num_queries(1):
        table = buffer_table(channel=chain.webshop, stores=[chain.cph], products=products)
    assert table.get(chain.cph.pk, chain.jacket.pk) == 2
    buffer(chain.webshop, 3, category=chain.clothing)
    with django_assert_num_queries(2):
        table = buffer_table(channel=chain.webshop, stores=[chain.cph], products=products)
    assert table.get(chain.cph.pk, chain.jacket.pk) == 3
    assert table.get(chain.cph.pk, chain.mug.pk) == 2


# --- one store -------------------------------------------------------------------------------


def test_availability_at_store_subtracts_reserved_and_buffer(chain):
    reserve(chain.cph, chain.jacket, 2)
    buffer(chain.webshop, 2)
    rows = availability_at_store(
        store=chain.cph, products=[chain.jacket, chain.mug], channel=chain.webshop
    )
    assert [tuple(row) for row in rows] == [
        (chain.jacket, 5, 2, 2, 1),
        (chain.mug, 1, 0, 2, 0),  # never below zero
    ]
    assert_ledger_holds()


def test_availability_at_store_without_channel_shows_everything(chain):
    reserve(chain.cph, chain.jacket, 2)
    buffer(chain.webshop, 2)
    (row,) = availability_at_store(store=chain.cph, products=[chain.jacket])
    assert (row.on_hand, row.reserved, row.buffer, row.available) == (5, 2, 0, 3)


def test_availability_at_store_never_stocked_is_zero(chain):
    (row,) = availability_at_store(store=chain.ode, products=[chain.jacket])
    assert (row.on_hand, row.reserved, row.buffer, row.available) == (0, 0, 0, 0)


def test_availability_at_store_query_budget_is_constant(chain, django_assert_max_num_queries):
    products = [ProductFactory(category=chain.jackets) for _ in range(50)]
    for product in products[:10]:
        receive(chain.cph, product, 3)
    buffer(chain.webshop, 2)
    buffer(chain.webshop, 1, category=chain.clothing)
    products = list(Product.objects.filter(pk__in=[p.pk for p in products]))
    with django_assert_max_num_queries(3):
        rows = availability_at_store(store=chain.cph, products=products, channel=chain.webshop)
    assert len(rows) == 50
    assert sum(row.available for row in rows) == 10 * (3 - 1)
    loaded = list(
        Product.objects.select_related("category").filter(pk__in=[r.product.pk for r in rows])
    )
    with django_assert_max_num_queries(2):
        availability_at_store(store=chain.cph, products=loaded, channel=chain.webshop)


# --- across stores ---------------------------------------------------------------------------


def test_distance_km_matches_the_map():
    cph, aar = PLACES["CPH"], PLACES["AAR"]
    km = distance_km(float(cph[0]), float(cph[1]), float(aar[0]), float(aar[1]))
    assert 150 < km < 160


def test_availability_across_stores_nearest_first(chain):
    lat, lon = (float(v) for v in PLACES["CPH"])
    rows = availability_across_stores(product=chain.jacket, near=(lat, lon))
    codes = [row.store.code for row in rows]
    assert codes == ["DK-CPH01", "DK-ROS01", "DK-ODE01", "DK-AAR01", "DK-WH01"]
    assert rows[0].distance_km < 1
    assert [row.distance_km for row in rows] == sorted(row.distance_km for row in rows)
    by_code = {row.store.code: row for row in rows}
    assert (by_code["DK-AAR01"].on_hand, by_code["DK-ODE01"].on_hand) == (9, 0)


def test_availability_across_stores_without_a_point_sorts_by_code(chain):
    rows = availability_across_stores(product=chain.jacket)
    assert [row.store.code for row in rows] == sorted(s.code for s in Store.objects.all())
    assert all(row.distance_km is None for row in rows)


def test_availability_across_stores_click_and_collect_only_drops_warehouse_and_others(chain):
    rows = availability_across_stores(product=chain.jacket, click_and_collect_only=True)
    assert {row.store.code for row in rows} == {"DK-CPH01", "DK-ROS01", "DK-AAR01"}


def test_availability_across_stores_skips_inactive_stores_and_applies_buffers(chain):
    Store.objects.filter(pk=chain.ros.pk).update(is_active=False)
    buffer(chain.webshop, 3)
    buffer(chain.webshop, 0, store=chain.aar)
    rows = {
        row.store.code: row
        for row in availability_across_stores(product=chain.jacket, channel=chain.webshop)
    }
    assert "DK-ROS01" not in rows
    assert (rows["DK-CPH01"].buffer, rows["DK-CPH01"].available) == (3, 2)
    assert (rows["DK-AAR01"].buffer, rows["DK-AAR01"].available) == (0, 9)


def test_availability_across_stores_query_budget_does_not_grow_with_stores(
    chain, django_assert_max_num_queries
):
    for index in range(30):
        receive(store_at(f"DK-X{index:02d}", "ODE"), chain.jacket, 1 + index % 3)
    buffer(chain.webshop, 1, category=chain.clothing)
    product = Product.objects.get(pk=chain.jacket.pk)
    with django_assert_max_num_queries(4):
        rows = availability_across_stores(product=product, channel=chain.webshop, near=(55, 12))
    assert len(rows) == 35


# --- per channel -----------------------------------------------------------------------------


def test_availability_for_channel_sums_serving_locations_each_after_its_buffer(chain):
    buffer(chain.webshop, 2)
    buffer(chain.webshop, 5, store=chain.warehouse)
    reserve(chain.aar, chain.jacket, 3)
    totals = availability_for_channel(channel=chain.webshop, products=[chain.jacket, chain.mug])
    # jacket: warehouse 40 - 5 = 35, Aarhus 9 - 3 - 2 = 4; Copenhagen does not serve the webshop.
    # mug: warehouse 3 - 5 < 0 counts 0, Aarhus has none.
    assert totals == {chain.jacket.pk: 39, chain.mug.pk: 0}


def test_availability_for_channel_ignores_inactive_and_unserved_locations(chain):
    Store.objects.filter(pk=chain.warehouse.pk).update(is_active=False)
    app = ChannelFactory(code="APP-DK", kind="app")
    ChannelLocation.objects.create(channel=app, location=chain.cph)
    assert availability_for_channel(channel=chain.webshop, products=[chain.jacket]) == {
        chain.jacket.pk: 9
    }
    assert availability_for_channel(channel=app, products=[chain.jacket]) == {chain.jacket.pk: 5}


def test_availability_for_channel_refuses_more_than_the_bulk_limit(chain):
    products = [Product(pk=n) for n in range(1, MAX_CHANNEL_PRODUCTS + 2)]
    with pytest.raises(ValueError, match="at most"):
        availability_for_channel(channel=chain.webshop, products=products)


def test_availability_for_channel_query_budget_is_constant(chain, django_assert_max_num_queries):
    products = [ProductFactory(category=chain.jackets, gtin=False) for _ in range(100)]
    for product in products[::3]:
        receive(chain.warehouse, product, 4)
        receive(chain.aar, product, 1)
    buffer(chain.webshop, 1)
    buffer(chain.webshop, 0, category=chain.clothing)
    products = list(Product.objects.filter(pk__in=[p.pk for p in products]))
    with django_assert_max_num_queries(3):
        totals = availability_for_channel(channel=chain.webshop, products=products)
    assert sum(totals.values()) == 34 * 5
    assert_ledger_holds()


def test_availability_for_channel_sums_in_sql_exactly_as_the_rules_resolve(chain):
    # Every kind of rule at once; the database's sum must match the per-store figures.
    web = chain.webshop
    for store in (chain.cph, chain.ros, chain.ode):
        ChannelLocation.objects.create(channel=web, location=store)
    receive(chain.ros, chain.mug, 6)
    reserve(chain.ros, chain.mug, 1)
    reserve(chain.warehouse, chain.jacket, 4)
    buffer(web, 2)
    buffer(web, 7, store=chain.ode)
    buffer(web, 1, store=chain.cph)
    buffer(web, 3, category=chain.clothing)
    buffer(web, 0, store=chain.aar, category=chain.jackets)
    buffer(web, 4, store=chain.warehouse, product=chain.mug)
    products = [fresh(chain.jacket), fresh(chain.mug)]
    serving = [chain.cph, chain.ros, chain.ode, chain.aar, chain.warehouse]
    expected = {p.pk: 0 for p in products}
    for store in serving:
        for row in availability_at_store(store=store, products=products, channel=web):
            expected[row.product.pk] += row.available
    assert availability_for_channel(channel=web, products=products) == expected
    # jacket: CPH 5-3, ROS 2-3 -> 0, AAR 9-0, WH 40-4-3; mug: CPH 1-1, ROS 6-1-2, ODE 12-7, WH 3-4
    assert expected == {chain.jacket.pk: 2 + 9 + 33, chain.mug.pk: 3 + 5}
