"""The feed API: send a feed as a file or as rows, follow its run; who may send and see what."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from inventory.models import StockFeedRun
from inventory.tasks import apply_stock_feed
from retail.models import StaffRole
from tests.factories import ChannelFactory, make_api_client, make_staff
from tests.inventory.sync_support import (
    ledger_holds,  # noqa: F401 (fixture)
    make_world,
    media,  # noqa: F401 (fixture)
    on_hand,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media", "ledger_holds"),
]

FEEDS = "/api/v1/inventory/feeds/"
SNAPSHOT = b"store,sku,quantity\nDK-CPH01,JACKET-1,7\nDK-CPH01,NEW-SKU,1\n"


@pytest.fixture
def world():
    return make_world()


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def erp(world):
    """A chain-wide integration: a POS-channel key without a store."""
    _, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    return client_for(key)


@pytest.fixture
def pos_cph(world):
    channel = ChannelFactory(code="POS-DK", kind="pos")
    _, key = make_api_client(channel=channel, store=world.cph, name="Till 1")
    return client_for(key)


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Run queued feed tasks at commit, in this process, whatever the broker settings.

    Use it around a request: ``with worker(): ...``; ``worker.queued`` counts the tasks.
    """

    @contextmanager
    def committed():
        with (
            mock.patch.object(apply_stock_feed, "delay", side_effect=apply_stock_feed) as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield
        committed.queued += delay.call_count

    committed.queued = 0
    return committed


def upload(client, body: bytes = SNAPSHOT, *, worker=None, **fields):
    data = {"kind": "snapshot", "file": SimpleUploadedFile("stock.csv", body), **fields}
    if worker is None:
        return client.post(FEEDS, data, format="multipart")
    with worker():
        return client.post(FEEDS, data, format="multipart")


def test_a_file_upload_is_queued_and_its_run_shows_progress_and_summary(world, erp, worker):
    response = upload(erp, feed_id="erp-2026-03-02", worker=worker)
    assert response.status_code == 202, response.json()
    assert response.json()["feed_id"] == "erp-2026-03-02"
    assert worker.queued == 1
    body = erp.get(FEEDS + "erp-2026-03-02/").json()
    assert {k: body[k] for k in ("status", "source", "rows_total", "rows_read", "progress")} == {
        "status": "succeeded",
        "source": "erp",
        "rows_total": 2,
        "rows_read": 2,
        "progress": 100,
    }
    assert body["rows_changed"] == 1
    assert body["unknown_skus"] == [{"sku": "NEW-SKU", "rows": 1, "lines": [3]}]
    assert on_hand(world.cph, world.jacket) == 7


def test_rows_as_json_with_the_idempotency_key_as_feed_id(world, erp, worker):
    rows = [{"store": "DK-CPH01", "sku": "MUG-1", "quantity": 2, "kind": "sale"}]
    headers = {"Idempotency-Key": "pos-batch-17"}
    with worker():
        first = erp.post(FEEDS, {"kind": "delta", "rows": rows}, format="json", headers=headers)
    with worker():
        again = erp.post(FEEDS, {"kind": "delta", "rows": rows}, format="json", headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["feed_id"] == "pos-batch-17"
    assert StockFeedRun.objects.count() == 1 and worker.queued == 1
    assert on_hand(world.cph, world.mug) == 2


def test_a_feed_id_seen_before_returns_its_run_and_changes_nothing(world, erp, worker):
    upload(erp, feed_id="erp-1", worker=worker)
    response = upload(
        erp, b"store,sku,quantity\nDK-CPH01,JACKET-1,1\n", feed_id="erp-1", worker=worker
    )
    assert response.status_code == 202
    assert response.json()["status"] == "succeeded"
    assert worker.queued == 1
    assert on_hand(world.cph, world.jacket) == 7


def test_a_rejected_feed_reports_its_errors_by_line_and_column(world, erp, worker):
    upload(erp, b"store,sku,quantity\nDK-CPH01,JACKET-1,seven\n", feed_id="erp-1", worker=worker)
    body = erp.get(FEEDS + "erp-1/").json()
    assert body["status"] == "rejected"
    assert body["errors"] == [
        {
            "line": 2,
            "column": "quantity",
            "code": "invalid_quantity",
            "message": "Line 2, column quantity: 'seven' is not a whole number.",
        }
    ]
    assert on_hand(world.cph, world.jacket) == 10


def test_a_store_pos_key_sends_as_its_store_and_cannot_feed_another(world, pos_cph, worker):
    body = b"store,sku,quantity,kind\nDK-ODE01,JACKET-1,1,sale\n"
    response = upload(pos_cph, body, kind="delta", feed_id="till-1", source="erp", worker=worker)
    assert response.json()["source"] == "pos:DK-CPH01"
    run = pos_cph.get(FEEDS + "till-1/").json()
    assert run["status"] == "rejected"
    assert [e["code"] for e in run["errors"]] == ["store_not_allowed"]
    assert on_hand(world.ode, world.jacket) == 3


def test_a_key_sees_only_its_own_runs_and_may_not_reuse_their_feed_ids(world, erp, pos_cph, worker):
    upload(erp, feed_id="erp-1", worker=worker)
    assert pos_cph.get(FEEDS + "erp-1/").json()["code"] == "stock_feed_not_found"
    taken = upload(pos_cph, feed_id="erp-1", worker=worker)
    assert (taken.status_code, taken.json()["code"]) == (409, "feed_id_taken")
    assert erp.get(FEEDS + "nope/").status_code == 404


def test_only_hq_and_pos_integrations_may_send_or_read_feeds(world, api, client):
    forbidden = upload(api, feed_id="web-1")  # a webshop key
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "stock_feed_not_allowed")
    manager = make_staff(StaffRole.STORE_MANAGER, stores=[world.cph])
    client.force_login(manager)
    assert client.get(FEEDS + "x/").status_code == 403
    assert StockFeedRun.objects.count() == 0


def test_hq_staff_send_feeds_from_their_session(world, client, worker):
    hq = make_staff(StaffRole.HQ)
    client.force_login(hq)
    data = {"kind": "snapshot", "file": SimpleUploadedFile("x.csv", SNAPSHOT), "feed_id": "hq-1"}
    with worker():
        assert client.post(FEEDS, data).status_code == 202
    run = StockFeedRun.objects.get()
    assert (run.source, run.created_by, run.status) == ("hq", hq, "succeeded")


@pytest.mark.parametrize(
    "data,field",
    [
        ({"kind": "snapshot", "feed_id": "a"}, "file"),
        ({"kind": "weekly", "feed_id": "a", "rows": []}, "kind"),
        ({"kind": "delta", "rows": [{"store": "DK-CPH01"}]}, "feed_id"),
    ],
)
def test_an_unusable_submission_is_a_400_naming_the_field(world, erp, data, field):
    response = erp.post(FEEDS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert StockFeedRun.objects.count() == 0


def test_the_feed_api_is_in_the_openapi_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--file",
        str(out),
    )
    text = out.read_text()
    assert "/api/v1/inventory/feeds/{feed_id}/" in text
    assert "inventory_feed_submit" in text
