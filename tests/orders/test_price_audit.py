"""The tills' prices, audited: a stale till's receipt is reported, a correct one is not."""

from datetime import timedelta

import pytest

from orders.models import PriceDeviation, ReceiptPriceAudit
from orders.price_audit_tasks import receipt_prices_audit, receipt_prices_audit_sweep
from orders.services.price_audit import receipt_price_audit, receipts_price_audit_due
from orders.services.receipts import ReceiptLine
from pricing.services.revision import rules_revision_bump
from tests.factories import ProductFactory
from tests.orders.api_support import client_for
from tests.orders.price_audit_support import (
    make_audit_world,
    record,
    shirt,
    socks,
    stale_receipt,
    version,
)
from tests.orders.world import AT, D

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_audit_world()


@pytest.fixture
def eager(settings):
    """Run tasks in this process whatever REDIS_URL says (the app's own conf too)."""
    from retail.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_receipt_price_audit_reports_the_stale_till_that_missed_a_campaign_start(world):
    order = stale_receipt(world)

    audit = receipt_price_audit(order=order, at=AT + timedelta(minutes=5))

    assert audit.outcome == ReceiptPriceAudit.Outcome.DEVIATIONS
    assert audit.rules_version_in_force == version(world) != world.snapshot
    deviation = PriceDeviation.objects.get()
    assert (deviation.sku, deviation.store, deviation.till) == ("SHIRT", world.cph, "T-3")
    assert deviation.line == order.lines.get(sku="SHIRT")
    assert deviation.day == AT.date()
    assert (deviation.till_amount, deviation.engine_amount) == (D("200.00"), D("160.00"))
    assert deviation.difference_amount == D("40.00")
    assert (deviation.till_discount_amount, deviation.engine_discount_amount) == (
        D("0.00"),
        D("40.00"),
    )
    assert deviation.till_unit_price_amount == deviation.engine_unit_price_amount == D("200.00")
    assert deviation.engine_only_campaigns == ["SHIRT-20"]
    assert deviation.till_only_campaigns == []
    assert deviation.stale is True
    assert deviation.rules_version == world.snapshot


def test_receipt_price_audit_leaves_a_correct_receipt_alone(world):
    order = record(
        world,
        [shirt("160.00", ({"campaign": "SHIRT-20", "amount": "40.00"},)), socks()],
        rules_version=version(world),
    )

    audit = receipt_price_audit(order=order, at=AT)

    assert audit.outcome == ReceiptPriceAudit.Outcome.MATCHED
    assert not PriceDeviation.objects.exists()


def test_receipt_price_audit_again_keeps_the_same_rows(world):
    order = stale_receipt(world)
    first = receipt_price_audit(order=order, at=AT)
    deviation = PriceDeviation.objects.get()

    again = receipt_price_audit(order=order, at=AT + timedelta(hours=1))

    assert again.pk == first.pk and ReceiptPriceAudit.objects.count() == 1
    assert list(PriceDeviation.objects.values_list("pk", flat=True)) == [deviation.pk]
    assert PriceDeviation.objects.get().audited_at == AT + timedelta(hours=1)


def test_receipt_price_audit_stale_is_unknown_when_the_rules_changed_after_the_sale(world):
    order = stale_receipt(world)
    rules_revision_bump(at=AT + timedelta(minutes=1))

    receipt_price_audit(order=order, at=AT + timedelta(minutes=5))

    deviation = PriceDeviation.objects.get()
    assert deviation.stale is None and deviation.rules_version_in_force == ""
    assert deviation.difference_amount == D("40.00")


def test_receipt_price_audit_records_could_not_price_instead_of_failing(world):
    ProductFactory(sku="NOPRICE", name="Unpriced lamp")
    order = record(
        world, [ReceiptLine(sku="NOPRICE", quantity=1, unit_price=D("99.00"), total=D("99.00"))]
    )

    audit = receipt_price_audit(order=order, at=AT)

    assert audit.outcome == ReceiptPriceAudit.Outcome.UNPRICED
    assert audit.note.startswith("no_price")
    assert not PriceDeviation.objects.exists()


def test_receipt_record_audits_prices_after_commit(
    world, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = stale_receipt(world)

    assert len(callbacks) == 1
    assert order.price_audit.outcome == ReceiptPriceAudit.Outcome.DEVIATIONS
    assert PriceDeviation.objects.get().order == order


def test_receipt_record_does_not_audit_before_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stale_receipt(world)
        assert not ReceiptPriceAudit.objects.exists()

    assert len(callbacks) == 1


def test_audit_receipt_prices_task_is_idempotent_and_named(world):
    order = stale_receipt(world)

    assert receipt_prices_audit.name == "orders.audit_receipt_prices"
    assert receipt_prices_audit(order.pk) == "deviations"
    assert receipt_prices_audit(order.pk) == "deviations"
    assert receipt_prices_audit(order.pk + 1000) == "missing"
    assert PriceDeviation.objects.count() == 1


def test_receipts_price_audit_due_sweeps_receipts_never_audited(world):
    stale = stale_receipt(world)
    correct = record(
        world,
        [shirt("160.00", ({"campaign": "SHIRT-20", "amount": "40.00"},))],
        receipt_id="R-2",
    )
    world.place()  # an order, not a receipt: not audited

    assert receipts_price_audit_due(at=AT + timedelta(hours=1)) == 2
    assert receipts_price_audit_due(at=AT + timedelta(hours=1)) == 0
    assert stale.price_audit.outcome == "deviations"
    assert correct.price_audit.outcome == "matched"
    assert receipt_prices_audit_sweep.name == "orders.audit_receipt_prices_sweep"


def test_audit_sweep_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "orders.audit_receipt_prices_sweep" in tasks


def test_receipt_api_keeps_rules_version_and_till_and_audits(
    world, eager, django_capture_on_commit_callbacks
):
    api = client_for(world.pos, store=world.cph)
    body = {
        "receipt_id": "R-API",
        "sold_at": AT.isoformat(),
        "rules_version": world.snapshot,
        "till": "T-9",
        "lines": [{"sku": "SHIRT", "quantity": 1, "unit_price": "200.00", "total": "200.00"}],
        "tenders": [{"kind": "external", "amount": "200.00", "reference": "term-1"}],
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/orders/receipts/", body, format="json")

    assert response.status_code == 201, response.json()
    deviation = PriceDeviation.objects.get()
    assert (deviation.order.rules_version, deviation.order.till) == (world.snapshot, "T-9")
    assert (deviation.till, deviation.stale, deviation.difference_amount) == (
        "T-9",
        True,
        D("40.00"),
    )
