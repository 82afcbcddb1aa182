"""Summaries and examples of the orders API operations (see ``retail.api.examples``).

Schema only: ``retail.api.examples.document_operations`` writes these into the
OpenAPI document; no view reads them.
"""

from retail.api.examples import (
    CUSTOMER_FREDERIK,
    POS_DK,
    Call,
    Operation,
    idempotency,
)

ORDER = "8303-8181"  # the shape of an order number; the demo draws new ones on every seed
RECEIPT = "P0991-5314"
GIFT_CARD = "4449288716207644"


def _order(kind: str, **more: str) -> dict[str, str]:
    return {"path.number": kind, **more}


DOCS = {
    "orders_place": Operation(
        "Place an order",
        (
            Call(
                "Click-and-collect in Copenhagen, paid by card",
                headers=idempotency("docs-order-1"),
                body={
                    "customer": CUSTOMER_FREDERIK,
                    "lines": [{"sku": "SKU-000003", "quantity": 1}],
                    "fulfilment": "click_collect",
                    "collect_store": "DK-CPH01",
                    "coupons": [],
                    "tenders": [
                        {"kind": "external", "external_reference": "psp-81723", "provider": "card"}
                    ],
                    "notify_email": True,
                    "language": "da",
                },
                status=201,
            ),
            Call(
                "Click-and-collect paid partly by gift card",
                headers=idempotency("docs-order-2"),
                body={
                    "customer": CUSTOMER_FREDERIK,
                    "lines": [{"sku": "SKU-000003", "quantity": 2}],
                    "fulfilment": "click_collect",
                    "collect_store": "DK-CPH01",
                    "tenders": [
                        {"kind": "gift_card", "amount": "100.00", "code": GIFT_CARD},
                        {"kind": "external", "external_reference": "psp-81724", "provider": "card"},
                    ],
                    "notify_sms": True,
                },
                status=201,
                demo={"body.tenders.0.code": "gift_card"},
                description="The card pays the rest: its `amount` is left out.",
            ),
        ),
    ),
    "orders_detail": Operation(
        "Show an order",
        (
            Call(
                "A collected webshop order", path={"number": ORDER}, demo=_order("order_collected")
            ),
        ),
    ),
    "orders_cancel": Operation(
        "Cancel an open order",
        (
            Call(
                "The customer changed their mind",
                path={"number": ORDER},
                body={"reason": "Customer changed their mind"},
                demo=_order("order_new"),
            ),
        ),
    ),
    "orders_history": Operation(
        "List a customer's purchase history",
        (Call("Frederik's orders and receipts", query={"customer": CUSTOMER_FREDERIK}),),
    ),
    "orders_refunds_pending": Operation(
        "List refunds waiting for the payment provider",
        (Call("The webshop's card refunds", query={"provider": "card"}),),
    ),
    "orders_refund_done": Operation(
        "Mark a refund as paid out",
        (
            Call(
                "The provider paid it back",
                path={"refund_id": 17},
                body={"provider_reference": "psp-refund-90211"},
                demo={"path.refund_id": "refund_pending"},
            ),
        ),
    ),
    "orders_queue": Operation(
        "Show the store's click-and-collect work queue",
        (Call("Copenhagen's queue, by promised time", client=POS_DK, query={"sort": "promised"}),),
    ),
    "orders_pick_start": Operation(
        "Start picking an order",
        (Call("A new order", client=POS_DK, path={"number": ORDER}, demo=_order("order_new")),),
    ),
    "orders_line_pick": Operation(
        "Confirm a line is picked",
        (
            Call(
                "The second line",
                client=POS_DK,
                path={"number": ORDER, "line_no": 2},
                demo=_order("order_picking", **{"path.line_no": "line_unpicked"}),
            ),
        ),
    ),
    "orders_line_short": Operation(
        "Short-pick a missing line",
        (
            Call(
                "Not on the shelf: remove and refund it",
                client=POS_DK,
                path={"number": ORDER, "line_no": 2},
                body={},
                demo=_order("order_picking", **{"path.line_no": "line_unpicked"}),
            ),
        ),
    ),
    "orders_ready": Operation(
        "Mark a picked order ready for pickup",
        (
            Call(
                "Every line picked",
                client=POS_DK,
                path={"number": ORDER},
                demo=_order("order_picked"),
            ),
        ),
    ),
    "orders_receive": Operation(
        "Receive an order from another store",
        (
            Call(
                "The transfer from Aarhus arrived",
                client=POS_DK,
                path={"number": ORDER},
                demo=_order("order_in_transit"),
            ),
        ),
    ),
    "orders_ship": Operation(
        "Hand a shipped order to the carrier",
        (
            Call(
                "Parcel handed to the carrier",
                client=POS_DK,
                path={"number": ORDER},
                body={"tracking": "00370730253330451207"},
                demo=_order("order_shipping"),
                description="The demo's own ship-from-store orders have left already: place "
                "one (`fulfilment` `ship_from_store`, `source_store` DK-CPH01) and pick it first.",
            ),
        ),
    ),
    "orders_hand_over": Operation(
        "Hand an order over by its pickup code",
        (
            Call(
                "The customer shows the QR code",
                client=POS_DK,
                body={"pickup_code": "TCUUAE"},
                demo={"body.pickup_code": "pickup_code_ready"},
            ),
        ),
    ),
    "orders_receipt_record": Operation(
        "Record a POS receipt",
        (
            Call(
                "A member's receipt paid by card",
                client=POS_DK,
                body={
                    "receipt_id": "DOCS-0001",
                    "sold_at": "2026-12-01T14:32:00+01:00",
                    "till": "1",
                    "currency": "DKK",
                    "lines": [
                        {
                            "sku": "SKU-000001",
                            "quantity": 1,
                            "unit_price": "1699.00",
                            "total": "1699.00",
                        }
                    ],
                    "tenders": [
                        {"kind": "external", "amount": "1699.00", "card_last4": "4242"},
                    ],
                },
                status=201,
                description="Re-sent with the same `receipt_id` it answers 200 with the same "
                "order and changes nothing.",
            ),
        ),
    ),
    "orders_return_create": Operation(
        "Take a return",
        (
            Call(
                "One unit back at the store, to the original tenders",
                client=POS_DK,
                path={"number": ORDER},
                headers=idempotency("docs-return-1"),
                body={"lines": [{"line_no": 1, "quantity": 1}], "reason": "Too small"},
                status=201,
                demo=_order("order_collected"),
            ),
        ),
    ),
    "orders_exchange_create": Operation(
        "Exchange items of an order or receipt",
        (
            Call(
                "Swap a receipt's first item for another",
                client=POS_DK,
                path={"number": RECEIPT},
                headers=idempotency("docs-exchange-1"),
                body={
                    "lines": [{"line_no": 1, "quantity": 1}],
                    "new_lines": [{"sku": "SKU-000005", "quantity": 1}],
                    "tenders": [
                        {"kind": "external", "provider": "card", "external_reference": "t-5531"}
                    ],
                },
                status=201,
                demo=_order("receipt_dk"),
            ),
        ),
    ),
}
