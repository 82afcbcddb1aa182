"""Helpers of the stock feed tests: a small chain, feeds as text, the ledger invariant."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.files.base import ContentFile

from inventory.invariant import stock_drift
from inventory.models import StockFeedRun, StockLevel, StockMovement
from inventory.sync import stock_feed_apply, stock_feed_submit
from inventory.sync.feed import ParsedFeed
from inventory.sync.parsing import feed_parse
from retail.models import Product, Store
from tests.factories import ProductFactory, StoreFactory
from tests.inventory.factories import stocked

AT = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)


@pytest.fixture
def media(settings, tmp_path):
    """Feed files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture
def ledger_holds():
    """After the test: on hand == sum(movements) and reserved == sum(active reservations)."""
    yield
    drift = stock_drift()
    assert not drift, "stock drift:\n" + "\n".join(str(item) for item in drift)


@dataclass
class World:
    cph: Store
    ode: Store
    jacket: Product
    mug: Product
    lamp: Product

    @property
    def jacket_gtin(self) -> str:
        return self.jacket.gtins.get().gtin


def make_world() -> World:
    """Two stores, three products; stock put there through ``stock_receive``."""
    cph = StoreFactory(code="DK-CPH01", time_zone="Europe/Copenhagen")
    ode = StoreFactory(code="DK-ODE01", time_zone="Europe/Copenhagen")
    jacket = ProductFactory(sku="JACKET-1")
    mug = ProductFactory(sku="MUG-1")
    lamp = ProductFactory(sku="LAMP-1")
    stocked(location=cph, product=jacket, on_hand=10)
    stocked(location=cph, product=mug, on_hand=4)
    stocked(location=ode, product=jacket, on_hand=3)
    return World(cph, ode, jacket, mug, lamp)


def parse(text: str, *, kind: str = "snapshot", name: str = "feed.csv", **kwargs) -> ParsedFeed:
    data = text.encode() if isinstance(text, str) else text
    return feed_parse(kind=kind, stream=io.BytesIO(data), name=name, **kwargs)


def submit(text: str, *, feed_id: str, kind: str = "snapshot", name: str = "feed.csv", **kw):
    """Record a feed from text; nothing is queued (the tests apply it themselves)."""
    with mock.patch("inventory.tasks.apply_stock_feed.delay") as delay:
        run = stock_feed_submit(
            kind=kind,
            source=kw.pop("source", "erp"),
            feed_id=feed_id,
            file=ContentFile(text.encode(), name=name),
            at=AT,
            **kw,
        )
    assert delay.call_count <= 1
    return run


def run_feed(text: str, *, feed_id: str, kind: str = "snapshot", **kwargs) -> StockFeedRun:
    """Submit and apply a feed in this process; return the finished run."""
    apply_kwargs = {k: kwargs.pop(k) for k in ("chunk_size", "set_based") if k in kwargs}
    run = submit(text, feed_id=feed_id, kind=kind, **kwargs)
    return stock_feed_apply(run=run, at=AT, **apply_kwargs)


def on_hand(store: Store, product: Product) -> int | None:
    row = StockLevel.objects.filter(location=store, product=product).first()
    return None if row is None else row.on_hand


def stock_state() -> list[tuple]:
    """Every stock row as (store, sku, on hand, reserved)."""
    return list(
        StockLevel.objects.order_by("location__code", "product__sku").values_list(
            "location__code", "product__sku", "on_hand", "reserved"
        )
    )


def ledger() -> list[tuple]:
    """Every movement without its id and time: what a rerun must not duplicate."""
    return list(
        StockMovement.objects.order_by("source_key").values_list(
            "source_key", "location__code", "product__sku", "kind", "quantity", "on_hand_after"
        )
    )
