"""``manage.py stock_check`` and the expiry task: the invariant for the whole chain, the sweep."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inventory.invariant import stock_drift
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.tasks import expire_reservations
from tests.inventory.factories import key, reserve, stocked

pytestmark = pytest.mark.django_db


def test_stock_check_passes_when_stock_matches_the_ledger():
    store, product = stocked(on_hand=5)
    reserve(store, product, 2)
    out = StringIO()
    call_command("stock_check", stdout=out)
    assert "OK: 1 stock rows" in out.getvalue()


def test_stock_check_reports_each_drift_and_fails(django_assert_max_num_queries):
    store, product = stocked(on_hand=5)
    _, other = stocked(location=store, on_hand=3)
    reserve(store, other, 1)
    StockLevel.objects.filter(product=product).update(on_hand=6)  # a write that bypassed services
    Reservation.objects.filter(product=other).update(quantity=2)
    orphan_store, orphan = stocked(on_hand=0)
    StockMovement.objects.create(
        location=orphan_store,
        product=orphan,
        kind="receipt",
        quantity=1,
        source_key=key(),
        created_at=timezone.now(),
    )

    with django_assert_max_num_queries(2):
        drift = stock_drift()

    assert {(d.check, d.product_id, d.recorded, d.expected) for d in drift} == {
        ("on_hand", product.pk, 6, 5),
        ("on_hand", orphan.pk, 0, 1),
        ("reserved", other.pk, 1, 2),
    }
    out = StringIO()
    with pytest.raises(CommandError, match="stock drift in 3 item"):
        call_command("stock_check", stdout=out)
    assert f"product {product.pk}: stock row says 6, movements say 5" in out.getvalue()


def test_expire_reservations_task_sweeps_due_reservations():
    store, product = stocked(on_hand=5)
    reserve(store, product, 2, ttl=timedelta(seconds=1), at=timezone.now() - timedelta(minutes=1))
    assert expire_reservations.apply().get() == 1
    assert Reservation.objects.get().status == "expired"
    assert not stock_drift()


def test_expire_reservations_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["inventory.expire_reservations"]
    assert entry == {"task": "inventory.expire_reservations", "schedule": 60.0}
