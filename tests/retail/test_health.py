"""/healthz tells a load balancer whether the database and the broker answer."""

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    expected_mode = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker"
    assert body["checks"]["broker"]["mode"] == expected_mode


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    from retail.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.broker_url
    # Nothing listens on port 1: the broker is unreachable.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_shows_worker_heartbeat(client):
    from retail.tasks import worker_heartbeat

    worker_heartbeat.apply()
    worker = client.get("/healthz").json()["checks"]["worker"]
    assert worker["age_seconds"] <= 5
