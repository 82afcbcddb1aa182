"""Issue 16, "Refunds of another store": a till sees and pays out only its own store's refunds."""

import pytest
from django.utils import timezone

from orders.models import Refund
from tests.orders.api_support import client_for, idem
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _receipt_and_return(pos, receipt_id="R-1"):
    """A card sale at the till, then one line brought back there: a pending card refund."""
    sale = pos.post(
        "/api/v1/orders/receipts/",
        {
            "receipt_id": receipt_id,
            "sold_at": timezone.now().isoformat(),
            "lines": [{"sku": "SHIRT", "quantity": 1, "unit_price": "200.00", "total": "200.00"}],
            "tenders": [{"kind": "external", "amount": "200.00", "reference": "term-1"}],
        },
        format="json",
    )
    assert sale.status_code == 201, sale.json()
    number = sale.json()["number"]
    back = pos.post(
        f"/api/v1/orders/{number}/returns/",
        {"lines": [{"line_no": 1, "quantity": 1}]},
        format="json",
        **idem(),
    )
    assert back.status_code == 201, back.json()
    return Refund.objects.get(order__number=number, status=Refund.Status.PENDING)


def test_refunds_till_a_key_does_not_list_or_mark_paid_till_bs_pending_refund(world):
    """Till A's key listed till B's pending refund (amount, card last 4) and marked it paid."""
    till_a = client_for(world.pos, store=world.cph)
    till_b = client_for(world.pos, store=world.ros)
    refund_b = _receipt_and_return(till_b, "R-B")
    refund_a = _receipt_and_return(till_a, "R-A")

    listed_by_a = till_a.get("/api/v1/orders/refunds/pending/").json()["results"]
    done_by_a = till_a.post(
        f"/api/v1/orders/refunds/{refund_b.pk}/done/", {"provider_reference": "x"}, format="json"
    )

    assert [r["id"] for r in listed_by_a] == [refund_a.pk]
    assert done_by_a.status_code == 404
    assert done_by_a.json()["code"] == "refund_not_found"
    refund_b.refresh_from_db()
    assert refund_b.status == Refund.Status.PENDING
    listed_by_b = till_b.get("/api/v1/orders/refunds/pending/").json()["results"]
    assert [r["id"] for r in listed_by_b] == [refund_b.pk]
    done_by_b = till_b.post(
        f"/api/v1/orders/refunds/{refund_b.pk}/done/", {"provider_reference": "t-9"}, format="json"
    )
    assert done_by_b.status_code == 200 and done_by_b.json()["status"] == "done"


def test_refunds_of_a_return_belong_to_the_store_it_was_brought_back_to(world):
    """A receipt of store A returned at store B: B's till pays the card refund, not A's."""
    till_a = client_for(world.pos, store=world.cph)
    till_b = client_for(world.pos, store=world.ros)
    sale = till_a.post(
        "/api/v1/orders/receipts/",
        {
            "receipt_id": "R-X",
            "sold_at": timezone.now().isoformat(),
            "customer": str(world.customer.public_id),
            "lines": [{"sku": "SHIRT", "quantity": 1, "unit_price": "200.00", "total": "200.00"}],
            "tenders": [{"kind": "external", "amount": "200.00", "reference": "term-1"}],
        },
        format="json",
    ).json()
    back = till_b.post(
        f"/api/v1/orders/{sale['number']}/returns/",
        {"lines": [{"line_no": 1, "quantity": 1}], "customer": str(world.customer.public_id)},
        format="json",
        **idem(),
    )
    assert back.status_code == 201, back.json()

    assert till_a.get("/api/v1/orders/refunds/pending/").json()["results"] == []
    assert len(till_b.get("/api/v1/orders/refunds/pending/").json()["results"]) == 1
