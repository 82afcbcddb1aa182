"""Feed runs in the HQ admin: progress bars, summaries, an upload form, queueing again."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import StockFeedRun
from inventory.tasks import apply_stock_feed
from retail.models import StaffRole
from retail.roles import sync_role_groups
from tests.factories import make_staff
from tests.inventory.sync_support import (
    AT,
    ledger_holds,  # noqa: F401 (fixture)
    make_world,
    media,  # noqa: F401 (fixture)
    on_hand,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "ledger_holds")]


@pytest.fixture(autouse=True)
def _role_permissions():
    # The role groups were synced when retail migrated, before inventory's permissions existed.
    sync_role_groups()


CHANGELIST = "admin:inventory_stockfeedrun_changelist"
UPLOAD = "admin:inventory_stockfeedrun_upload"


def a_run(**fields) -> StockFeedRun:
    values = {"kind": "snapshot", "source": "erp", "feed_id": "erp-1", "created_at": AT}
    return StockFeedRun.objects.create(**{**values, **fields})


def test_the_run_list_shows_a_progress_bar_per_run(admin_client):
    a_run(feed_id="half", status="running", rows_total=10_000, rows_read=5_000)
    a_run(feed_id="checking", status="running")
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert 'title="5,000 / 10,000"' in page and "width:50%" in page and ">50%<" in page
    assert "checking the feed" in page
    assert 'http-equiv="refresh"' in page  # runs are under way: the list reloads itself
    assert reverse(UPLOAD) in page


def test_a_run_page_lists_its_errors_and_unknown_skus(admin_client):
    run = a_run(
        status="rejected",
        rows_total=3,
        rows_read=3,
        errors=[{"line": 3, "column": "quantity", "code": "invalid_quantity", "message": "bad"}],
        unknown_skus=[{"sku": "NEW-1", "rows": 2, "lines": [2, 4]}],
    )
    page = admin_client.get(reverse("admin:inventory_stockfeedrun_change", args=[run.pk]))
    text = page.content.decode()
    assert "<td>3</td><td>quantity</td><td>invalid_quantity</td><td>bad</td>" in text
    assert "<td>NEW-1</td><td>2</td><td>2, 4</td>" in text


def test_hq_uploads_a_feed_file_and_lands_on_its_run(client, django_capture_on_commit_callbacks):
    world = make_world()
    hq = make_staff(StaffRole.HQ, is_staff=True)
    client.force_login(hq)
    assert client.get(reverse(UPLOAD)).status_code == 200
    data = {
        "kind": "snapshot",
        "source": "erp",
        "feed_id": "erp-2026-03-02",
        "file": SimpleUploadedFile("count.csv", b"store,sku,quantity\nDK-CPH01,MUG-1,9\n"),
    }
    with (
        mock.patch.object(apply_stock_feed, "delay", side_effect=apply_stock_feed),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse(UPLOAD), data)
    run = StockFeedRun.objects.get()
    assert response.url == reverse("admin:inventory_stockfeedrun_change", args=[run.pk])
    assert (run.created_by, run.source, run.status) == (hq, "erp", "succeeded")
    assert on_hand(world.cph, world.mug) == 9


def test_a_store_manager_cannot_upload_feeds(client):
    manager = make_staff(StaffRole.STORE_MANAGER, stores=[make_world().cph], is_staff=True)
    client.force_login(manager)
    assert client.get(reverse(UPLOAD)).status_code == 403


def test_failed_runs_can_be_queued_again_finished_ones_not(
    admin_client, django_capture_on_commit_callbacks
):
    failed = a_run(feed_id="failed", status="failed")
    done = a_run(feed_id="done", status="succeeded")
    with (
        mock.patch.object(apply_stock_feed, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_client.post(
            reverse(CHANGELIST),
            {"action": "requeue", "_selected_action": [failed.pk, done.pk]},
        )
    assert [c.args for c in delay.call_args_list] == [(failed.pk,)]
