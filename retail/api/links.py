"""OpenAPI links: which answer of one operation feeds which request of the next.

A client reads them as "after placing an order, get it by its `number`";
schemathesis's stateful run follows them (``tests/test_api_fuzz.py``), so a
fuzzed journey reaches the operations that need something real (an order to
pick, a reservation to release, a gift card to redeem) instead of 404s.

``LINKS`` maps a source operation id to its links: ``Link(status, name,
target operation id, parameters, body)``.  Parameters are
``"<in>.<name>": "$response.body#/<pointer>"`` (runtime expressions of the
OpenAPI spec); a body is merged into the request body the client builds.
``add_links``, a drf-spectacular post-processing hook, writes them into the
responses (and fails the schema build if one names an operation that does not
exist, so a renamed operation cannot leave a dead link).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    status: int
    name: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None
    description: str = ""


NUMBER = {"path.number": "$response.body#/number"}
FIRST_LINE = {**NUMBER, "path.line_no": "$response.body#/lines/0/line_no"}


def _order_links(status: int) -> list[Link]:
    """What staff and the customer can do next with the order in the answer."""
    return [
        Link(status, "GetOrder", "orders_detail", NUMBER, description="The order as it is now."),
        Link(status, "CancelOrder", "orders_cancel", NUMBER),
        Link(status, "StartPicking", "orders_pick_start", NUMBER),
        Link(status, "PickFirstLine", "orders_line_pick", FIRST_LINE),
        Link(status, "ShortPickFirstLine", "orders_line_short", FIRST_LINE),
        Link(status, "MarkReady", "orders_ready", NUMBER),
        Link(status, "Ship", "orders_ship", NUMBER),
        Link(status, "Receive", "orders_receive", NUMBER),
        Link(
            status,
            "HandOver",
            "orders_hand_over",
            body=PICKUP_CODE,
            description="Hand the order over with its pickup code (once it is ready).",
        ),
        Link(status, "ReturnLines", "orders_return_create", NUMBER),
        Link(status, "Exchange", "orders_exchange_create", NUMBER),
    ]


RESERVATION = {"path.reference": "$response.body#/reference"}
HOLD = {"path.source_key": "$response.body#/source_key"}
CARD = {"code": "$response.body#/code"}
PICKUP_CODE = {"pickup_code": "$response.body#/pickup_code"}
MEMBER = {"path.member_number": "$response.body#/member_number"}
RUN = {"path.run_id": "$response.body#/id"}

LINKS: dict[str, list[Link]] = {
    # Catalogue: a list names what its detail and the availability lookups take.
    "products_list": [
        Link(200, "GetProduct", "products_retrieve", {"path.sku": "$response.body#/results/0/sku"}),
        Link(
            200,
            "AvailabilityAcrossStores",
            "inventory_availability_across_stores",
            {"query.sku": "$response.body#/results/0/sku"},
        ),
    ],
    "stores_list": [
        Link(200, "GetStore", "stores_retrieve", {"path.code": "$response.body#/results/0/code"})
    ],
    "channels_list": [
        Link(
            200, "GetChannel", "channels_retrieve", {"path.code": "$response.body#/results/0/code"}
        )
    ],
    # Customers and the club.
    "customers_create": [
        Link(201, "JoinClub", "loyalty_members_create", body={"customer": "$response.body#/id"}),
    ],
    "loyalty_members_create": [
        Link(201, "GetMember", "loyalty_members_retrieve", MEMBER),
        Link(201, "GetPoints", "loyalty_members_points_list", MEMBER),
        Link(
            201,
            "LookUpMember",
            "customers_lookup_create",
            body={"member_number": "$response.body#/member_number"},
        ),
    ],
    # Stored value: a card sold can be looked up, held on and redeemed.
    "loyalty_gift_cards_create": [
        Link(201, "Balance", "loyalty_stored_value_balance_create", body=CARD),
        Link(201, "Redeem", "loyalty_stored_value_redeem_create", body=CARD),
        Link(201, "Hold", "loyalty_stored_value_holds_create", body=CARD),
    ],
    "loyalty_stored_value_holds_create": [
        Link(201, "Capture", "loyalty_stored_value_holds_capture_create", HOLD),
        Link(201, "Release", "loyalty_stored_value_holds_release_create", HOLD),
    ],
    "loyalty_stored_value_redeem_create": [
        Link(
            201,
            "Refund",
            "loyalty_stored_value_refund_create",
            body={"redemption_source_key": "$response.body#/source_key"},
        ),
        Link(201, "Balance", "loyalty_stored_value_balance_create", body=CARD),
    ],
    # Stock.
    "inventory_reservation_create": [
        Link(201, "Extend", "inventory_reservation_extend", RESERVATION),
        Link(201, "Release", "inventory_reservation_release", RESERVATION),
    ],
    "inventory_reservation_extend": [
        Link(200, "Release", "inventory_reservation_release", RESERVATION),
    ],
    "inventory_feed_submit": [
        Link(202, "GetFeed", "inventory_feed_detail", {"path.feed_id": "$response.body#/feed_id"}),
    ],
    # Imports: upload, poll, preview, confirm.
    "imports_run_create": [
        Link(202, "GetRun", "imports_run_detail", RUN),
        Link(202, "Preview", "imports_run_preview", RUN),
        Link(202, "Confirm", "imports_run_confirm", RUN),
    ],
    "imports_run_confirm": [Link(202, "GetRun", "imports_run_detail", RUN)],
    # Orders: placed, picked, made ready, handed over, returned; receipts from the tills.
    "orders_place": _order_links(201),
    "orders_receipt_record": [
        *(
            Link(status, name, target, NUMBER)
            for status in (200, 201)
            for name, target in (
                ("GetOrder", "orders_detail"),
                ("ReturnLines", "orders_return_create"),
                ("Exchange", "orders_exchange_create"),
            )
        )
    ],
    "orders_pick_start": [
        Link(200, "PickFirstLine", "orders_line_pick", FIRST_LINE),
        Link(200, "ShortPickFirstLine", "orders_line_short", FIRST_LINE),
    ],
    "orders_line_pick": [
        Link(200, "MarkReady", "orders_ready", NUMBER),
        Link(200, "Ship", "orders_ship", NUMBER),
    ],
    "orders_line_short": [Link(200, "MarkReady", "orders_ready", NUMBER)],
    "orders_ready": [
        Link(200, "HandOver", "orders_hand_over", body=PICKUP_CODE),
        Link(200, "GetOrder", "orders_detail", NUMBER),
    ],
    "orders_hand_over": [
        Link(200, "ReturnLines", "orders_return_create", NUMBER),
        Link(200, "Exchange", "orders_exchange_create", NUMBER),
        Link(200, "GetOrder", "orders_detail", NUMBER),
    ],
    "orders_history": [
        Link(200, "GetOrder", "orders_detail", {"path.number": "$response.body#/results/0/number"}),
    ],
    "orders_return_create": [
        Link(
            201,
            "RefundDone",
            "orders_refund_done",
            {"path.refund_id": "$response.body#/refunds/0/id"},
        ),
        Link(201, "GetOrder", "orders_detail", {"path.number": "$response.body#/order"}),
    ],
    "orders_refunds_pending": [
        Link(
            200,
            "RefundDone",
            "orders_refund_done",
            {"path.refund_id": "$response.body#/results/0/id"},
        ),
    ],
}


def add_links(result, generator, request, public):
    """drf-spectacular post-processing hook: write ``LINKS`` into the operations' responses."""
    operations = {
        operation["operationId"]: operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for source, links in LINKS.items():
        for link in links:
            if source not in operations or link.target not in operations:
                raise ValueError(f"Link {source} -> {link.target}: no such operation.")
            response = operations[source]["responses"].get(str(link.status))
            if response is None:
                raise ValueError(f"Link {source} -> {link.target}: no {link.status} response.")
            definition: dict = {"operationId": link.target}
            if link.parameters:
                definition["parameters"] = dict(link.parameters)
            if link.body is not None:
                definition["requestBody"] = dict(link.body)
            if link.description:
                definition["description"] = link.description
            response.setdefault("links", {})[link.name] = definition
    return result
