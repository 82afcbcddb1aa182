"""Summaries and examples of the inventory API operations (see ``retail.api.examples``)."""

from retail.api.examples import CUSTOMER_FREDERIK, POS_DK, Call, Operation, idempotency

RESERVATION = "web-4711"  # the reference a webshop gives its basket's reservation

DOCS = {
    "inventory_availability_at_store": Operation(
        "Show what a store can sell of some SKUs",
        (
            Call(
                "Two SKUs in Copenhagen for the webshop",
                query={"sku": "SKU-000001,SKU-000003", "store": "DK-CPH01"},
            ),
            Call("The till's own store", client=POS_DK, query={"sku": "SKU-000003"}),
        ),
    ),
    "inventory_availability_across_stores": Operation(
        "Find the stores that have a SKU, nearest first",
        (
            Call(
                "Near Copenhagen Central Station, collect only",
                query={
                    "sku": "SKU-000003",
                    "lat": "55.6727",
                    "lon": "12.5646",
                    "click_and_collect": "true",
                    "in_stock": "true",
                },
            ),
        ),
    ),
    "inventory_availability_for_channel": Operation(
        "Show what the channel can promise of some SKUs",
        (Call("Three SKUs for the webshop", query={"sku": "SKU-000001,SKU-000002,SKU-000003"}),),
    ),
    "inventory_movements_list": Operation(
        "List the stock movements of a SKU at a store",
        (
            Call("The till's own store", client=POS_DK, query={"sku": "SKU-000001"}),
            Call(
                "Since a time, for the webshop",
                query={"sku": "SKU-000001", "store": "DK-CPH01", "since": "2025-01-01T00:00Z"},
            ),
        ),
    ),
    "inventory_reservation_create": Operation(
        "Reserve stock for a basket or an order",
        (
            Call(
                "Hold a webshop basket in Copenhagen for 20 minutes",
                headers=idempotency("docs-reservation-1"),
                body={
                    "store": "DK-CPH01",
                    "reference": RESERVATION,
                    "reference_kind": "order",
                    "customer": CUSTOMER_FREDERIK,
                    "lines": [{"sku": "SKU-000003", "quantity": 1}],
                    "ttl_minutes": 20,
                },
                status=201,
            ),
        ),
    ),
    "inventory_reservation_extend": Operation(
        "Extend a reservation",
        (
            Call(
                "Another 30 minutes for the basket",
                path={"reference": RESERVATION},
                headers=idempotency("docs-reservation-extend-1"),
                body={"ttl_minutes": 30},
            ),
        ),
    ),
    "inventory_reservation_release": Operation(
        "Release a reservation",
        (
            Call(
                "The customer left the basket",
                path={"reference": RESERVATION},
                headers=idempotency("docs-reservation-release-1"),
            ),
        ),
    ),
    "inventory_feed_submit": Operation(
        "Send a stock feed (snapshot or delta)",
        (
            Call(
                "A till's sales as JSON rows",
                client=POS_DK,
                headers=idempotency("docs-feed-1"),
                body={
                    "kind": "delta",
                    "feed_id": "pos-DK-CPH01-docs-001",
                    "rows": [
                        {"store": "DK-CPH01", "sku": "SKU-000003", "quantity": -1},
                        {"store": "DK-CPH01", "gtin": "5701140000015", "quantity": 2},
                    ],
                },
                status=202,
            ),
        ),
    ),
    "inventory_feed_detail": Operation(
        "Follow a stock feed's run",
        (Call("The feed sent above", client=POS_DK, path={"feed_id": "pos-DK-CPH01-docs-001"}),),
    ),
}
