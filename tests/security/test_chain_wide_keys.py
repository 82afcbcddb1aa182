"""Issue 16, "Chain-wide keys": a key of no store reaches only what it made itself."""

import pytest

from inventory.models import Reservation, StockFeedRun, StockLevel
from tests.factories import ProductFactory
from tests.inventory.helpers import receive
from tests.security.conftest import caller

pytestmark = pytest.mark.django_db

INV = "/api/v1/inventory"


def _reserve(api, body, idem):
    return api.post(f"{INV}/reservations/", body, format="json", HTTP_IDEMPOTENCY_KEY=idem)


def test_chain_wide_key_cannot_extend_or_release_a_tills_reservation_by_store_code(callers):
    """The ERP key extended and released till A's reservation by naming '<store code>:<ref>'."""
    product = ProductFactory(sku="JACKET-1")
    receive(callers.store_a, product, 5)
    held = _reserve(
        callers.till_a.api,
        {
            "reference": "R1",
            "reference_kind": "order",
            "lines": [{"sku": "JACKET-1", "quantity": 2}],
        },
        "a-res-1",
    )
    assert held.status_code == 201, held.json()

    named = f"{callers.store_a.code}:R1"
    extended = callers.erp.api.post(
        f"{INV}/reservations/{named}/extend/", {"ttl_minutes": 600}, format="json"
    )
    released = callers.erp.api.post(f"{INV}/reservations/{named}/release/")

    assert extended.status_code == 404 and extended.json()["code"] == "reservation_not_found"
    assert released.status_code == 404 and released.json()["code"] == "reservation_not_found"
    assert Reservation.objects.get().status == "active"
    assert StockLevel.objects.get(location=callers.store_a, product=product).reserved == 2
    # The store owns its reservations: another till of the same store may release them.
    same_store = caller(callers.pos, callers.store_a, "Till A2")
    assert same_store.api.post(f"{INV}/reservations/R1/release/").status_code == 200


def test_chain_wide_keys_own_their_reservations_and_do_not_share_them(callers):
    """Two integrations of one channel that both say "R1" never touch each other's stock."""
    product = ProductFactory(sku="MUG-1")
    receive(callers.store_a, product, 5)
    body = {
        "store": callers.store_a.code,
        "reference": "R1",
        "reference_kind": "order",
        "lines": [{"sku": "MUG-1", "quantity": 1}],
    }
    other = caller(callers.pos, name="Second ERP")
    assert _reserve(callers.erp.api, body, "e-1").status_code == 201
    assert _reserve(other.api, body, "o-1").status_code == 201

    assert other.api.post(f"{INV}/reservations/R1/release/").status_code == 200
    assert sorted(Reservation.objects.values_list("status", flat=True)) == ["active", "released"]
    assert (
        callers.erp.api.post(
            f"{INV}/reservations/R1/extend/", {"ttl_minutes": 60}, format="json"
        ).status_code
        == 200
    )


def test_chain_wide_key_reads_only_its_own_stock_feed_runs(callers, settings, tmp_path):
    """The ERP key read every other client's stock feed runs, though each should see its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ProductFactory(sku="MUG-1")
    other = caller(callers.pos, name="Second ERP")
    rows = [{"store": callers.store_a.code, "sku": "MUG-1", "quantity": 3}]
    by_till = callers.till_a.api.post(
        f"{INV}/feeds/", {"kind": "snapshot", "feed_id": "till-a-1", "rows": rows}, format="json"
    )
    by_erp = callers.erp.api.post(
        f"{INV}/feeds/", {"kind": "snapshot", "feed_id": "erp-1", "rows": rows}, format="json"
    )
    assert by_till.status_code == by_erp.status_code == 202, by_erp.json()

    assert callers.erp.api.get(f"{INV}/feeds/till-a-1/").status_code == 404
    assert other.api.get(f"{INV}/feeds/erp-1/").status_code == 404
    assert other.api.get(f"{INV}/feeds/erp-1/").json()["code"] == "stock_feed_not_found"
    assert callers.erp.api.get(f"{INV}/feeds/erp-1/").status_code == 200
    assert callers.till_a.api.get(f"{INV}/feeds/till-a-1/").status_code == 200
    assert StockFeedRun.objects.get(feed_id="erp-1").api_client == callers.erp.client
