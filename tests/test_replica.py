"""Reads on a real streaming replica (.ci/replica.sh: ``pg_basebackup -R`` on port 5433).

The "replica" alias is the standby's copy of the primary's test database: it sees only
what the primary committed and replayed, so every test here commits (``transaction=True``).
Lag is made on purpose by pausing the standby's WAL replay; a fixture always resumes it.
"""

import pytest
from django.db import connections

from inventory.selectors import availability_at_store
from orders.models import Order
from retail.db_router import REPLICA_ALIAS, replica_reads
from retail.models import Product
from tests.factories import ProductFactory
from tests.inventory.api_support import BASE
from tests.inventory.helpers import make_chain, receive
from tests.orders.api_support import client_for, place
from tests.orders.world import make_world
from tests.replica_support import caught_up, eventually, on_replica

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA_ALIAS]),
]


@pytest.fixture
def routed(settings):
    settings.RETAIL_READ_REPLICA = REPLICA_ALIAS
    settings.RETAIL_REPLICA_PIN_SECONDS = 5


@pytest.fixture
def lag():
    """Call to pause the standby's replay (writes from then on stay off it); resumed after."""

    def pause() -> None:
        on_replica("SELECT pg_wal_replay_pause()::text")
        eventually(
            lambda: on_replica("SELECT pg_get_wal_replay_pause_state()") == "paused",
            "its replay paused",
        )

    yield pause
    on_replica("SELECT pg_wal_replay_resume()::text")


def test_replica_is_a_streaming_standby_of_the_primary():
    assert on_replica("SELECT pg_is_in_recovery()") is True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False
    assert on_replica("SELECT current_database()") == connections["default"].settings_dict["NAME"]
    assert on_replica("SELECT status FROM pg_stat_wal_receiver") == "streaming"


def test_replica_shows_what_the_primary_commits():
    ProductFactory(sku="REPLICATED-1", name="Wool scarf")
    eventually(
        lambda: Product.objects.using(REPLICA_ALIAS).filter(sku="REPLICATED-1").exists(),
        "the new product",
    )
    assert Product.objects.using(REPLICA_ALIAS).get(sku="REPLICATED-1").name == "Wool scarf"


def test_replica_routed_reads_really_run_on_the_standby(routed):
    with replica_reads():
        assert Product.objects.filter(pk=-1).exists() is False  # a routed read
        connection = connections[REPLICA_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True


def test_replica_availability_lags_for_a_bystander_and_catches_up(routed, lag):
    chain = make_chain()
    eventually(caught_up, "the chain")
    lag()
    receive(chain.cph, chain.jacket, 10)
    bystander = client_for(chain.webshop)
    query = {"store": "DK-CPH01", "sku": "JACKET-1"}

    stale = bystander.get(f"{BASE}/availability/", query)

    assert stale.status_code == 200, stale.json()
    assert stale.json()["results"][0]["on_hand"] == 5  # the standby has not replayed it
    on_replica("SELECT pg_wal_replay_resume()::text")
    eventually(
        lambda: bystander.get(f"{BASE}/availability/", query).json()["results"][0]["on_hand"] == 15,
        "the delivery",
    )


def test_replica_reservation_then_availability_reads_your_writes_while_it_lags(routed, lag):
    chain = make_chain()
    web, bystander = client_for(chain.webshop), client_for(chain.webshop)
    eventually(caught_up, "the chain and the keys")
    lag()
    body = {"store": "DK-CPH01", "reference": "R-1", "lines": [{"sku": "JACKET-1", "quantity": 2}]}
    query = {"store": "DK-CPH01", "sku": "JACKET-1"}

    placed = web.post(f"{BASE}/reservations/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    mine = web.get(f"{BASE}/availability/", query)
    theirs = bystander.get(f"{BASE}/availability/", query)

    assert placed.status_code == 201, placed.json()
    assert mine.json()["results"][0]["reserved"] == 2
    assert mine.json()["results"][0]["available"] == 3
    assert theirs.json()["results"][0]["reserved"] == 0  # the standby's moment-old answer


def test_replica_a_write_and_a_read_in_one_block_read_the_write_while_it_lags(routed, lag):
    chain = make_chain()
    eventually(caught_up, "the chain")
    lag()
    with replica_reads():
        receive(chain.cph, chain.mug, 4)
        rows = availability_at_store(store=chain.cph, products=[chain.mug], channel=None)
    assert rows[0].on_hand == 5


def test_replica_order_then_history_reads_your_writes_while_it_lags(routed, lag):
    world = make_world()
    web, other_till = client_for(world.webshop), client_for(world.webshop)
    eventually(caught_up, "the world and the keys")
    lag()

    order = place(web, world)
    mine = web.get("/api/v1/orders/history/", {"customer": str(world.customer.public_id)})
    theirs = other_till.get("/api/v1/orders/history/", {"customer": str(world.customer.public_id)})

    assert mine.status_code == 200, mine.json()
    assert [row["number"] for row in mine.json()["results"]] == [order["number"]]
    assert theirs.json()["results"] == []
    assert Order.objects.filter(number=order["number"]).exists()  # on the primary, committed
