"""End to end: a feed sent through the API is applied by a real Celery worker on Redis."""

import shutil
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inventory.models import StockFeedRun
from tests.factories import ChannelFactory, make_api_client
from tests.inventory.sync_support import ledger_holds, make_world, on_hand  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("ledger_holds")
def test_a_real_worker_applies_a_feed_sent_through_the_api(celery_worker_process, monkeypatch):
    from retail.celery import app

    # The worker consumes a queue of its own; the service queues with the default queue.
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = celery_worker_process
    # The worker finds the feed file under MEDIA_ROOT from the repository root, as we store it.
    monkeypatch.chdir(ROOT)
    feed_dir = ROOT / "stock-feeds"
    feed_dir_existed = feed_dir.exists()
    world = make_world()
    _, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = b"store,sku,quantity\nDK-CPH01,JACKET-1,4\nDK-ODE01,MUG-1,6\nDK-ODE01,NEW-1,1\n"
    try:
        sent = api.post(
            "/api/v1/inventory/feeds/",
            {"kind": "snapshot", "feed_id": "erp-e2e", "file": SimpleUploadedFile("c.csv", body)},
            format="multipart",
        )
        assert sent.status_code == 202, sent.json()
        deadline = time.monotonic() + 60
        while True:
            run = api.get("/api/v1/inventory/feeds/erp-e2e/").json()
            if run["status"] in ("succeeded", "rejected", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert run["status"] == "succeeded", run
        assert (run["rows_total"], run["rows_read"], run["rows_changed"], run["progress"]) == (
            3,
            3,
            2,
            100,
        )
        assert run["unknown_skus"] == [{"sku": "NEW-1", "rows": 1, "lines": [4]}]
        assert (on_hand(world.cph, world.jacket), on_hand(world.ode, world.mug)) == (4, 6)
    finally:
        app.conf.task_default_queue = default_queue
        for run in StockFeedRun.objects.all():
            run.file.delete(save=False)
        if not feed_dir_existed:
            shutil.rmtree(feed_dir, ignore_errors=True)
