"""Applying stock feeds: snapshots post count corrections, deltas post sales and receipts.

On PostgreSQL these run the set-based path, on SQLite the ORM path; the
ledger invariant is checked after every test.
"""

import pytest
from django.db import transaction

from inventory.models import Reservation, StockFeedRun, StockMovement
from inventory.services import stock_record_sale
from inventory.sync import services as sync_services
from inventory.sync import stock_feed_apply
from inventory.tasks import apply_stock_feed
from tests.inventory.factories import reserve
from tests.inventory.sync_support import (
    AT,
    ledger,
    ledger_holds,  # noqa: F401 (fixture)
    make_world,
    media,  # noqa: F401 (fixture)
    on_hand,
    run_feed,
    stock_state,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "ledger_holds")]

Status = StockFeedRun.Status
Kind = StockMovement.Kind


@pytest.fixture
def world():
    return make_world()


def feed_movements(feed_id: str) -> list[tuple]:
    return list(
        StockMovement.objects.filter(source_document=feed_id)
        .order_by("pk")
        .values_list("location__code", "product__sku", "kind", "quantity", "on_hand_after")
    )


def test_snapshot_posts_count_corrections_only_for_differences(world):
    run = run_feed(
        "store,sku,quantity\n"
        "DK-CPH01,JACKET-1,7\n"  # 10 -> 7
        "DK-CPH01,MUG-1,4\n"  # matches
        "DK-ODE01,MUG-1,2\n"  # no stock row yet: 0 -> 2
        "DK-ODE01,LAMP-1,0\n",  # no stock row and counted zero: nothing
        feed_id="erp-1",
    )
    assert (run.status, run.rows_total, run.rows_read, run.rows_changed) == (
        Status.SUCCEEDED,
        4,
        4,
        2,
    )
    assert feed_movements("erp-1") == [
        ("DK-CPH01", "JACKET-1", Kind.COUNT_CORRECTION, -3, 7),
        ("DK-ODE01", "MUG-1", Kind.COUNT_CORRECTION, 2, 2),
    ]
    movement = StockMovement.objects.get(source_key="feed:erp-1:2")
    assert (movement.reason, movement.actor_label, movement.created_at) == (
        "counted 7, on record 10",
        "feed:erp",
        AT,
    )
    assert on_hand(world.cph, world.jacket) == 7
    assert on_hand(world.ode, world.lamp) is None  # a zero count creates no empty stock row
    assert (run.errors, run.unknown_skus) == ([], [])


def test_snapshot_below_reserved_releases_the_newest_reservations(world):
    oldest = reserve(world.cph, world.jacket, 3)
    newer = reserve(world.cph, world.jacket, 2)
    newest = reserve(world.cph, world.jacket, 2)
    run_feed("store,sku,quantity\nDK-CPH01,JACKET-1,4\n", feed_id="erp-1")
    assert stock_state()[0] == ("DK-CPH01", "JACKET-1", 4, 3)
    statuses = {r.pk: r.status for r in Reservation.objects.all()}
    assert statuses == {
        oldest.pk: Reservation.Status.ACTIVE,
        newer.pk: Reservation.Status.RELEASED,
        newest.pk: Reservation.Status.RELEASED,
    }
    assert "erp-1" in Reservation.objects.get(pk=newest.pk).close_reason


def test_delta_posts_sales_receipts_and_returns_in_file_order(world):
    run = run_feed(
        "store,sku,quantity,kind,occurred_at\n"
        "DK-CPH01,MUG-1,3,sale,2026-03-02T09:00:00+00:00\n"
        "DK-CPH01,MUG-1,10,receipt,\n"
        "DK-CPH01,MUG-1,1,return,\n"
        "DK-ODE01,LAMP-1,-1,,\n",  # sold without a stock row: posted, then corrected to zero
        feed_id="pos-1",
        kind="delta",
    )
    assert (run.status, run.rows_changed) == (Status.SUCCEEDED, 4)
    assert feed_movements("pos-1") == [
        ("DK-CPH01", "MUG-1", Kind.SALE, -3, 1),
        ("DK-CPH01", "MUG-1", Kind.RECEIPT, 10, 11),
        ("DK-CPH01", "MUG-1", Kind.RETURN, 1, 12),
        ("DK-ODE01", "LAMP-1", Kind.SALE, -1, -1),
        ("DK-ODE01", "LAMP-1", Kind.COUNT_CORRECTION, 1, 0),
    ]
    sale = StockMovement.objects.get(source_key="feed:pos-1:2")
    assert sale.created_at.isoformat() == "2026-03-02T09:00:00+00:00"
    assert StockMovement.objects.get(source_key="feed:pos-1:5:correction").reason == (
        "sold without stock on record: count needed"
    )
    assert (on_hand(world.cph, world.mug), on_hand(world.ode, world.lamp)) == (12, 0)


def test_delta_sale_into_reserved_units_releases_the_newest_reservations(world):
    kept = reserve(world.cph, world.mug, 2)
    released = reserve(world.cph, world.mug, 2)
    run_feed("store,sku,quantity,kind\nDK-CPH01,MUG-1,1,sale\n", feed_id="pos-1", kind="delta")
    assert stock_state()[1] == ("DK-CPH01", "MUG-1", 3, 2)
    kept.refresh_from_db()
    released.refresh_from_db()
    assert (kept.status, released.status) == ("active", "released")


def test_delta_applies_row_by_row_whatever_the_chunk_size(world):
    reserve(world.cph, world.mug, 3)
    text = (
        "store,sku,quantity,kind\n"
        "DK-CPH01,MUG-1,6,sale\n"  # 4 on hand: 6 sold, corrected to zero, the hold released
        "DK-CPH01,MUG-1,5,receipt\n"  # back to 5, not -2 + 5 = 3
        "DK-CPH01,MUG-1,1,sale\n"
    )
    outcomes = {
        size: _outcome_in_a_rolled_back_run(text, feed_id="pos-1", kind="delta", chunk_size=size)
        for size in (1, 2, 100)
    }
    assert outcomes[1] == outcomes[2] == outcomes[100]
    stock, _ = outcomes[100]
    assert stock[1] == ("DK-CPH01", "MUG-1", 4, 0)


def test_delta_line_id_is_the_pos_sale_key_so_a_sale_sent_twice_posts_once(world):
    stock_record_sale(
        location=world.cph, product=world.mug, quantity=1, receipt_id="R9", line_no=1, at=AT
    )
    run = run_feed(
        "store,sku,quantity,kind,line_id\n"
        "DK-CPH01,MUG-1,1,sale,R9:1\n"  # already recorded live through stock_record_sale
        "DK-CPH01,MUG-1,2,sale,R9:2\n",
        feed_id="pos-1",
        kind="delta",
    )
    assert run.rows_changed == 1
    assert on_hand(world.cph, world.mug) == 1
    again = run_feed(
        "store,sku,quantity,kind,line_id\nDK-CPH01,MUG-1,2,sale,R9:2\n",
        feed_id="pos-2",
        kind="delta",
    )
    assert (again.status, again.rows_changed, on_hand(world.cph, world.mug)) == (
        Status.SUCCEEDED,
        0,
        1,
    )


def test_replay_of_a_feed_id_returns_its_run_and_changes_nothing(world):
    first = run_feed("store,sku,quantity\nDK-CPH01,JACKET-1,7\n", feed_id="erp-1")
    before = (stock_state(), ledger())
    replay = submit("store,sku,quantity\nDK-CPH01,JACKET-1,1\n", feed_id="erp-1")
    assert replay.pk == first.pk and replay.status == Status.SUCCEEDED
    assert stock_feed_apply(run=replay).rows_changed == 1
    assert apply_stock_feed(first.pk) == Status.SUCCEEDED
    assert (stock_state(), ledger()) == before
    assert StockFeedRun.objects.count() == 1


@pytest.mark.parametrize("kind", ["snapshot", "delta"])
def test_the_same_content_under_a_new_feed_id_changes_nothing_more(world, kind):
    text = {
        "snapshot": "store,sku,quantity\nDK-CPH01,JACKET-1,7\nDK-ODE01,MUG-1,5\n",
        "delta": "store,sku,quantity,kind,line_id\nDK-CPH01,MUG-1,1,sale,R1:1\n"
        "DK-ODE01,JACKET-1,4,receipt,ASN-7:1\n",
    }[kind]
    run_feed(text, feed_id="a", kind=kind)
    before = (stock_state(), ledger())
    again = run_feed(text, feed_id="b", kind=kind)
    assert (again.status, again.rows_changed) == (Status.SUCCEEDED, 0)
    assert (stock_state(), ledger()) == before


def test_a_feed_with_a_bad_row_is_rejected_whole_and_changes_no_stock(world):
    before = (stock_state(), ledger())
    run = run_feed(
        "store,sku,quantity\n"
        "DK-CPH01,JACKET-1,1\n"
        "DK-CPH01,MUG-1,lots\n"
        "DK-NOPE,MUG-1,1\n"
        "DK-ODE01,NEW-SKU,1\n",
        feed_id="erp-1",
    )
    assert (run.status, run.rows_total, run.rows_read, run.rows_changed) == (
        Status.REJECTED,
        4,
        4,
        0,
    )
    assert [(e["line"], e["column"], e["code"]) for e in run.errors] == [
        (3, "quantity", "invalid_quantity"),
        (4, "store", "unknown_store"),
    ]
    assert run.unknown_skus == [{"sku": "NEW-SKU", "rows": 1, "lines": [5]}]
    assert (stock_state(), ledger()) == before
    assert apply_stock_feed(run.pk) == Status.REJECTED  # final: a rerun does not try again


def test_unknown_skus_are_skipped_and_reported_and_the_rest_applies(world):
    run = run_feed("store,sku,quantity\nDK-CPH01,NEW-SKU,3\nDK-CPH01,JACKET-1,8\n", feed_id="erp-1")
    assert (run.status, run.rows_read, run.rows_changed) == (Status.SUCCEEDED, 2, 1)
    assert run.unknown_skus == [{"sku": "NEW-SKU", "rows": 1, "lines": [2]}]
    assert on_hand(world.cph, world.jacket) == 8


def test_a_pos_source_may_only_feed_its_own_store(world):
    run = run_feed(
        "store,sku,quantity,kind\nDK-CPH01,MUG-1,1,sale\nDK-ODE01,MUG-1,1,sale\n",
        feed_id="pos-1",
        kind="delta",
        source="pos:DK-CPH01",
    )
    assert run.status == Status.REJECTED
    assert [e["code"] for e in run.errors] == ["store_not_allowed"]


class Killed(BaseException):
    """Stands for SIGKILL: no except clause of ours sees it, the transaction just dies."""


def _kill_after(monkeypatch, chunks: int) -> None:
    """Let ``chunks`` chunks commit; the next one does its work and then dies uncommitted."""
    calls = {"n": 0}
    real = {"sql": sync_services.chunk_apply_sql, "orm": sync_services.chunk_apply_orm}

    def wrap(path):
        def apply(chunk, ctx):
            result = real[path](chunk, ctx)
            calls["n"] += 1
            if calls["n"] > chunks:
                raise Killed
            return result

        return apply

    monkeypatch.setattr(sync_services, "chunk_apply_sql", wrap("sql"))
    monkeypatch.setattr(sync_services, "chunk_apply_orm", wrap("orm"))


def _outcome_in_a_rolled_back_run(text: str, **kwargs):
    with transaction.atomic():
        run_feed(text, **kwargs)
        outcome = (stock_state(), ledger())
        transaction.set_rollback(True)
    return outcome


KILL_FEEDS = {
    "snapshot": "store,sku,quantity\n"
    + "".join(
        f"{store},{sku},{n}\n"
        for n, (store, sku) in enumerate(
            [(s, p) for s in ("DK-CPH01", "DK-ODE01") for p in ("JACKET-1", "MUG-1", "LAMP-1")], 1
        )
    ),
    "delta": "store,sku,quantity,kind\n"
    + "".join(
        f"DK-CPH01,{sku},{qty},{kind}\n"
        for sku, qty, kind in [
            ("JACKET-1", 2, "sale"),
            ("MUG-1", 5, "receipt"),
            ("JACKET-1", 3, "receipt"),
            ("LAMP-1", 1, "sale"),
            ("MUG-1", 1, "sale"),
            ("JACKET-1", 20, "sale"),
            ("MUG-1", 2, "return"),
        ]
    ),
}


@pytest.mark.parametrize("kind", ["snapshot", "delta"])
def test_a_killed_job_rerun_gives_identical_stock_and_no_duplicate_movements(
    world, kind, monkeypatch
):
    text = KILL_FEEDS[kind]
    expected = _outcome_in_a_rolled_back_run(text, feed_id="erp-1", kind=kind, chunk_size=2)
    run = submit(text, feed_id="erp-1", kind=kind)
    _kill_after(monkeypatch, chunks=2)
    with pytest.raises(Killed):
        stock_feed_apply(run=run, at=AT, chunk_size=2)
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.status, run.rows_read) == (Status.RUNNING, 4)  # two chunks committed
    assert (stock_state(), ledger()) != expected

    stock_feed_apply(run=run, at=AT, chunk_size=2)  # what the redelivered task does
    run.refresh_from_db()
    assert (run.status, run.rows_read) == (Status.SUCCEEDED, run.rows_total)
    assert (stock_state(), ledger()) == expected


@pytest.mark.parametrize("kind", ["snapshot", "delta"])
def test_reapplying_chunks_already_applied_posts_nothing_twice(world, kind):
    text = KILL_FEEDS[kind]
    run = run_feed(text, feed_id="erp-1", kind=kind, chunk_size=2)
    after = (stock_state(), ledger())
    # As if the progress had been lost: every chunk runs again.
    StockFeedRun.objects.filter(pk=run.pk).update(status=Status.FAILED, rows_read=0)
    assert apply_stock_feed(run.pk) == Status.SUCCEEDED
    assert (stock_state(), ledger()) == after
