"""A real Celery worker: its lines carry the request_id of the request that sent the task,
and its metrics reach /metrics through the multiprocess directory it shares with the web."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from inventory.models import StockFeedRun
from tests.factories import ChannelFactory, make_api_client
from tests.inventory.sync_support import ledger_holds, make_world, on_hand  # noqa: F401


@pytest.fixture
def shared_dirs(monkeypatch, settings, tmp_path):
    """Set before the worker starts: it inherits the multiprocess and media directories."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    return metrics_dir


def worker_lines(path, *, event: str, request_id: str, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for text in path.read_text().splitlines():
            try:
                line = json.loads(text)
            except ValueError:
                continue  # the worker's start-up banner is plain text
            if line.get("event") == event and line.get("request_id") == request_id:
                found.append(line)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("ledger_holds")
def test_real_worker_logs_the_request_id_and_its_metrics_reach_the_endpoint(
    shared_dirs, celery_worker_process, client, tmp_path
):
    from retail.celery import app

    default_queue, eager = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue = celery_worker_process
    app.conf.task_always_eager = False
    world = make_world()
    client_row, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = b"store,sku,quantity\nDK-CPH01,JACKET-1,4\nDK-ODE01,MUG-1,6\n"
    try:
        sent = api.post(
            "/api/v1/inventory/feeds/",
            {"kind": "snapshot", "feed_id": "erp-obs", "file": SimpleUploadedFile("c.csv", body)},
            format="multipart",
            HTTP_X_REQUEST_ID="req-worker-feed-1",
        )
        assert sent.status_code == 202, sent.json()
        assert sent["X-Request-ID"] == "req-worker-feed-1"
        deadline = time.monotonic() + 60
        while True:
            run = api.get("/api/v1/inventory/feeds/erp-obs/").json()
            if run["status"] in ("succeeded", "rejected", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert run["status"] == "succeeded", run
        assert (on_hand(world.cph, world.jacket), on_hand(world.ode, world.mug)) == (4, 6)
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = default_queue, eager
        for row in StockFeedRun.objects.all():
            row.file.delete(save=False)

    log = tmp_path / "celery-worker.log"
    (started,) = worker_lines(log, event="task_started", request_id="req-worker-feed-1")
    assert started["task"] == "inventory.apply_stock_feed"
    assert started["api_client_id"] == client_row.pk
    assert started["task_id"] and started["level"] == "info" and started["timestamp"]
    (succeeded,) = worker_lines(log, event="task_succeeded", request_id="req-worker-feed-1")
    assert succeeded["task_id"] == started["task_id"]

    # The web process reads every process's samples from the shared directory.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    samples = {
        s.name: s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
        if not s.labels
    }
    assert samples["retail_stock_feed_rows_applied_total"] == 2
    assert samples["retail_stock_feed_apply_seconds_count"] == 1
