"""/metrics: Prometheus text for the configured networks or a bearer token, a 404 for others."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

PUBLIC = "203.0.113.9"


def sample_names(response) -> set[str]:
    text = response.content.decode()
    return {s.name for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_answer_loopback_by_default(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    names = sample_names(response)
    # django-prometheus' HTTP and database basics beside the domain's own.
    assert "django_http_requests_before_middlewares_total" in names
    assert "retail_basket_pricing_seconds_count" in names


def test_metrics_are_not_found_from_a_public_address(client):
    response = client.get("/metrics", REMOTE_ADDR=PUBLIC)
    assert response.status_code == 404
    assert b"retail_" not in response.content


def test_metrics_ignore_a_forwarded_for_header_the_caller_wrote(client):
    response = client.get("/metrics", REMOTE_ADDR=PUBLIC, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


def test_metrics_answer_a_configured_network_and_only_it(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_answer_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "scrape-token-7f3a9c"
    response = client.get(
        "/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION="Bearer scrape-token-7f3a9c"
    )
    assert response.status_code == 200
    assert "django_http_requests_before_middlewares_total" in sample_names(response)


def test_metrics_refuse_a_wrong_or_missing_token(client, settings):
    settings.METRICS_TOKEN = "scrape-token-7f3a9c"
    wrong = client.get("/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION="Bearer scrape-token")
    assert wrong.status_code == 404
    assert client.get("/metrics", REMOTE_ADDR=PUBLIC).status_code == 404
    other_scheme = client.get(
        "/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION="Api-Key scrape-token-7f3a9c"
    )
    assert other_scheme.status_code == 404


def test_metrics_with_no_token_set_take_no_empty_bearer(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_metrics_only_answer_get(client):
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 405
