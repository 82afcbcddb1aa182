"""The replica router: which reads may go to the replica, and which must stay on the primary.

Here the "replica" alias is Django's test mirror of the primary's test database (or, in CI,
the real streaming replica, see tests/test_replica.py): these tests count the queries each
alias runs, so they need committed rows (``transaction=True``) and PostgreSQL.
"""

import pytest
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient, APIRequestFactory

from inventory.selectors import availability_at_store
from retail.db_router import (
    PIN_KEY,
    REPLICA_ALIAS,
    ReplicaRoutingMiddleware,
    caller_key,
    read_alias,
    replica_reads,
)
from retail.models import Product
from tests.factories import ProductFactory, make_api_client
from tests.inventory.api_support import BASE
from tests.inventory.helpers import make_chain
from tests.replica_support import settle

# Committed rows, which the replica connection can see; flushed after each test.
routed_db = pytest.mark.django_db(transaction=True, databases=["default", REPLICA_ALIAS])
pytestmark = pytest.mark.postgres


@pytest.fixture
def routed(settings):
    settings.RETAIL_READ_REPLICA = REPLICA_ALIAS
    settings.RETAIL_REPLICA_PIN_SECONDS = 5


def _client(channel) -> APIClient:
    _, key = make_api_client(channel=channel)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


class _Counts:
    """Queries run on the primary and on the replica while the block runs."""

    def __enter__(self):
        self._primary = CaptureQueriesContext(connections["default"])
        self._replica = CaptureQueriesContext(connections[REPLICA_ALIAS])
        self._primary.__enter__()
        self._replica.__enter__()
        return self

    def __exit__(self, *exc):
        self._replica.__exit__(*exc)
        self._primary.__exit__(*exc)

    @property
    def primary(self) -> int:
        return len(self._primary)

    @property
    def replica(self) -> int:
        return len(self._replica)


@routed_db
def test_router_without_a_replica_reads_everything_on_the_primary(settings):
    settings.RETAIL_READ_REPLICA = ""
    ProductFactory(sku="SKU-1")
    with replica_reads(), _Counts() as counts:
        assert read_alias() is None
        assert Product.objects.filter(sku="SKU-1").exists()
    assert (counts.primary, counts.replica) == (1, 0)


@routed_db
def test_router_reads_outside_replica_reads_stay_on_the_primary(routed):
    ProductFactory(sku="SKU-1")
    with _Counts() as counts:
        assert Product.objects.filter(sku="SKU-1").exists()
    assert (counts.primary, counts.replica) == (1, 0)
    assert router.db_for_read(Product) == "default"


@routed_db
def test_router_replica_reads_go_to_the_replica_orm_and_raw_sql(routed):
    chain = make_chain()
    settle()
    with replica_reads(), _Counts() as counts:
        assert Product.objects.filter(sku="JACKET-1").exists()
        rows = availability_at_store(store=chain.cph, products=[chain.jacket], channel=None)
    assert rows[0].on_hand == 5
    assert counts.primary == 0 and counts.replica >= 2


@routed_db
def test_router_after_a_write_in_the_block_reads_stay_on_the_primary(routed):
    ProductFactory(sku="SKU-1")
    settle()
    with replica_reads():
        with _Counts() as before:
            Product.objects.filter(sku="SKU-1").exists()
        Product.objects.filter(sku="SKU-1").update(name="Renamed")
        with _Counts() as after:
            assert Product.objects.get(sku="SKU-1").name == "Renamed"
    assert (before.primary, before.replica) == (0, 1)
    assert (after.primary, after.replica) == (1, 0)


@routed_db
def test_router_a_raw_sql_write_also_keeps_reads_on_the_primary(routed):
    product = ProductFactory(sku="SKU-1")
    with replica_reads():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE retail_product SET name = 'Raw' WHERE id = %s", [product.pk])
        with _Counts() as after:
            assert Product.objects.get(sku="SKU-1").name == "Raw"
    assert (after.primary, after.replica) == (1, 0)


@routed_db
def test_router_reads_inside_a_transaction_stay_on_the_primary(routed):
    ProductFactory(sku="SKU-1")
    with replica_reads(), transaction.atomic(), _Counts() as counts:
        Product.objects.filter(sku="SKU-1").exists()
    assert counts.replica == 0


def test_router_never_migrates_the_replica():
    assert router.allow_migrate(REPLICA_ALIAS, "retail", model_name="product") is False
    assert router.allow_migrate("default", "retail", model_name="product") is True


@routed_db
def test_router_opted_in_api_views_read_on_the_replica(routed):
    chain = make_chain()
    settle()
    web = _client(chain.webshop)
    with _Counts() as counts:
        response = web.get(f"{BASE}/availability/", {"store": "DK-CPH01", "sku": "JACKET-1"})
    assert response.status_code == 200, response.json()
    assert response.json()["results"][0]["on_hand"] == 5
    # The key is checked on the primary (a revoked key must fail at once); the stock is not.
    assert counts.replica >= 3
    with _Counts() as catalogue:
        assert web.get("/api/v1/products/", {"sku": "JACKET-1"}).status_code == 200
        assert web.get("/api/v1/stores/DK-CPH01/").status_code == 200
    assert catalogue.replica >= 2


@routed_db
def test_router_views_not_opted_in_read_on_the_primary(routed):
    chain = make_chain()
    settle()
    web = _client(chain.webshop)
    with _Counts() as counts:
        response = web.get(f"{BASE}/movements/", {"store": "DK-CPH01", "sku": "JACKET-1"})
    assert response.status_code == 200, response.json()
    assert counts.replica == 0


@routed_db
def test_router_a_caller_who_wrote_reads_its_writes_on_the_primary_for_a_while(routed, settings):
    chain = make_chain()
    settle()
    web, other = _client(chain.webshop), _client(chain.webshop)
    body = {"store": "DK-CPH01", "reference": "R-1", "lines": [{"sku": "JACKET-1", "quantity": 2}]}
    placed = web.post(f"{BASE}/reservations/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert placed.status_code == 201, placed.json()
    settle()
    query = {"store": "DK-CPH01", "sku": "JACKET-1"}
    with _Counts() as writer:
        assert web.get(f"{BASE}/availability/", query).json()["results"][0]["available"] == 3
    with _Counts() as bystander:
        assert other.get(f"{BASE}/availability/", query).status_code == 200
    assert writer.replica == 0
    assert bystander.replica >= 3
    settings.RETAIL_REPLICA_PIN_SECONDS = 0
    with _Counts() as unpinned:
        web.get(f"{BASE}/availability/", query)
    assert unpinned.replica >= 3


def test_router_caller_key_tells_shoppers_of_one_key_apart():
    factory = APIRequestFactory()
    auth = {"HTTP_AUTHORIZATION": "Api-Key abc123.secret-part"}
    one = caller_key(factory.get("/", **auth, HTTP_X_RETAIL_SESSION="shopper-1"))
    two = caller_key(factory.get("/", **auth, HTTP_X_RETAIL_SESSION="shopper-2"))
    bare = caller_key(factory.get("/", **auth))
    same_key_other_secret = caller_key(
        factory.get("/", HTTP_AUTHORIZATION="Api-Key abc123.other-secret")
    )
    assert len({one, two, bare}) == 3
    assert bare == same_key_other_secret  # the public prefix names the key, never the secret
    assert caller_key(factory.get("/")) is None


def _routed_read_view(request):
    with replica_reads():
        return read_alias()


def test_router_middleware_pins_a_caller_until_the_mark_expires(routed):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="Api-Key pin1.secret")
    middleware = ReplicaRoutingMiddleware(_routed_read_view)
    assert middleware(request) == REPLICA_ALIAS
    cache.set(PIN_KEY + caller_key(request), 1, 5)
    assert middleware(request) is None
    cache.delete(PIN_KEY + caller_key(request))
    assert middleware(request) == REPLICA_ALIAS


def test_router_without_the_cache_a_caller_reads_on_the_primary(routed, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="Api-Key pin2.secret")
    assert ReplicaRoutingMiddleware(_routed_read_view)(request) is None
