"""A stock feed counts the rows each committed chunk applied, and times the run."""

import pytest
from prometheus_client import REGISTRY

from inventory.sync import stock_feed_apply
from tests.inventory.sync_support import (
    AT,
    ledger_holds,  # noqa: F401 (fixture)
    make_world,
    media,  # noqa: F401 (fixture)
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "ledger_holds")]


def figures() -> tuple[float, float]:
    rows = REGISTRY.get_sample_value("retail_stock_feed_rows_applied_total") or 0.0
    runs = REGISTRY.get_sample_value("retail_stock_feed_apply_seconds_count") or 0.0
    return rows, runs


def test_stock_feed_apply_counts_rows_once_even_when_the_run_is_applied_again():
    make_world()
    rows, runs = figures()
    feed = "store,sku,quantity\nDK-CPH01,JACKET-1,4\nDK-CPH01,MUG-1,1\nDK-ODE01,JACKET-1,2\n"
    run = submit(feed, feed_id="erp-metrics")
    assert stock_feed_apply(run=run, at=AT, chunk_size=2).status == "succeeded"
    stock_feed_apply(run=run, at=AT, chunk_size=2)  # a redelivered task: nothing more applied
    assert figures() == (rows + 3, runs + 2)
