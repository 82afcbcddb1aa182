"""Pricing a basket over the API is counted and timed, as /metrics shows a scraper."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import make_api_client
from tests.pricing.api_support import api_client, basket

pytestmark = pytest.mark.django_db


def scrape(client) -> dict[tuple[str, tuple], float]:
    """The samples at /metrics, by (name, sorted labels)."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
    }


OK = ("retail_baskets_priced_total", (("outcome", "ok"),))
ERROR = ("retail_baskets_priced_total", (("outcome", "error"),))
COUNT = ("retail_basket_pricing_seconds_count", ())
SUM = ("retail_basket_pricing_seconds_sum", ())


@pytest.fixture
def web(web_channel):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


def test_basket_priced_over_the_api_counts_and_times_it(client, web, three_for_two):
    before = scrape(client)
    response = basket(web, [{"sku": "MUG", "quantity": 3}])
    assert response.status_code == 200, response.json()
    after = scrape(client)
    assert after[OK] == before.get(OK, 0) + 1
    assert after[COUNT] == before[COUNT] + 1
    assert after[SUM] > before[SUM]
    assert after.get(ERROR, 0) == before.get(ERROR, 0)
    # The histogram's buckets hold it too (some bucket up to +Inf grew by one).
    inf = ("retail_basket_pricing_seconds_bucket", (("le", "+Inf"),))
    assert after[inf] == before[inf] + 1


def test_basket_refused_over_the_api_counts_as_an_error(client, web, three_for_two):
    before = scrape(client)
    response = basket(web, [{"sku": "NO-SUCH-SKU", "quantity": 1}])
    assert response.status_code in (400, 404, 422), response.json()
    after = scrape(client)
    assert after[ERROR] == before.get(ERROR, 0) + 1
    assert after.get(OK, 0) == before.get(OK, 0)
    assert after[COUNT] == before[COUNT] + 1
