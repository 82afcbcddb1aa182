"""Issue 16, "Safety buffers do not hold at reservation time": a channel never reserves into
its buffer (the store keeps those units for walk-in customers); tills and staff may."""

import pytest

from inventory.errors import InsufficientStockError
from inventory.models import Reservation, SafetyBuffer, StockLevel
from inventory.services import stock_reserve
from tests.concurrency import run_concurrently
from tests.factories import ChannelFactory, ProductFactory, StoreFactory
from tests.inventory.helpers import receive
from tests.inventory.invariant import assert_stock_invariant

INV = "/api/v1/inventory"


def _reserve(api, quantity, idem, store=None):
    body = {
        "reference": idem,
        "reference_kind": "order",
        "lines": [{"sku": "JACKET-1", "quantity": quantity}],
    }
    if store is not None:
        body["store"] = store.code
    return api.post(f"{INV}/reservations/", body, format="json", HTTP_IDEMPOTENCY_KEY=idem)


@pytest.mark.django_db
def test_safety_buffer_webshop_cannot_reserve_12_of_12_at_a_store_whose_buffer_is_2(callers):
    """The webshop reserved 12 of 12 units at a store whose buffer for it is 2."""
    product = ProductFactory(sku="JACKET-1")
    receive(callers.store_a, product, 12)
    SafetyBuffer.objects.create(channel=callers.web_dk, store=callers.store_a, quantity=2)

    refused = _reserve(callers.web.api, 12, "w-1", store=callers.store_a)

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "insufficient_stock"
    assert body["extra"]["lines"][0]["requested"] == 12
    assert body["extra"]["lines"][0]["available"] == 10  # as the webshop sees it
    assert not Reservation.objects.exists()
    assert _reserve(callers.web.api, 10, "w-2", store=callers.store_a).status_code == 201
    assert _reserve(callers.web.api, 1, "w-3", store=callers.store_a).status_code == 409
    # The till sells what is on the shelf: it may take the buffered units.
    assert _reserve(callers.till_a.api, 2, "t-1").status_code == 201
    level = StockLevel.objects.get(location=callers.store_a, product=product)
    assert (level.on_hand, level.reserved) == (12, 12)


@pytest.mark.django_db
def test_safety_buffer_holds_for_a_basket_of_several_lines(callers):
    """A two-line basket is refused whole when one line would reach into the buffer."""
    jacket, mug = ProductFactory(sku="JACKET-1"), ProductFactory(sku="MUG-1")
    receive(callers.store_a, jacket, 5)
    receive(callers.store_a, mug, 5)
    SafetyBuffer.objects.create(channel=callers.web_dk, product=mug, quantity=3)
    body = {
        "store": callers.store_a.code,
        "reference": "b-1",
        "reference_kind": "order",
        "lines": [{"sku": "JACKET-1", "quantity": 5}, {"sku": "MUG-1", "quantity": 3}],
    }

    refused = callers.web.api.post(
        f"{INV}/reservations/", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1"
    )

    assert refused.status_code == 409, refused.json()
    assert [(x["sku"], x["available"]) for x in refused.json()["extra"]["lines"]] == [("MUG-1", 2)]
    assert not Reservation.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("basket", [False, True], ids=["one_statement", "basket_statement"])
def test_safety_buffer_40_racing_webshop_reservations_of_on_hand_12_buffer_2_take_exactly_10(
    basket,
):
    """With on hand 12 and buffer 2, exactly 10 of 40 racing webshop reservations succeed."""
    webshop = ChannelFactory(code="WEB-DK", kind="webshop")
    store = StoreFactory(code="DK-A01")
    product, other = ProductFactory(sku="JACKET-1"), ProductFactory(sku="MUG-1")
    receive(store, product, 12)
    receive(store, other, 100)
    SafetyBuffer.objects.create(channel=webshop, store=store, quantity=2)
    lines = [(product, 1), (other, 1)] if basket else [(product, 1)]

    def attempt(n: int):
        def work():
            try:
                stock_reserve(
                    location=store,
                    lines=lines,
                    reference_kind="order",
                    reference=f"race:{n}",
                    channel=webshop,
                )
            except InsufficientStockError as exc:
                return exc.extra["lines"][0]["available"]
            return "reserved"

        return work

    results = run_concurrently([attempt(n) for n in range(40)])

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results.count("reserved") == 10
    assert set(results) - {"reserved"} == {0}
    level = StockLevel.objects.get(location=store, product=product)
    assert (level.on_hand, level.reserved) == (12, 10)
    assert_stock_invariant()
