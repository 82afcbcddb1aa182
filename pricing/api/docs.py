"""Summaries and examples of the pricing API operations (see ``retail.api.examples``)."""

from retail.api.examples import CUSTOMER_FREDERIK, POS_DK, Call, Operation

DOCS = {
    "pricing_basket_price": Operation(
        "Price a basket with every discount explained",
        (
            Call(
                "A member's webshop basket with a coupon",
                body={
                    "customer": CUSTOMER_FREDERIK,
                    "lines": [
                        {"sku": "SKU-000001", "quantity": 2, "line_id": "1"},
                        {"gtin": "7351260000037", "quantity": 1, "line_id": "2"},
                    ],
                    "coupons": ["WELCOME10"],
                    "language": "da",
                    "hints": 3,
                },
            ),
            Call(
                "A till's basket at its own store",
                client=POS_DK,
                body={"lines": [{"sku": "SKU-000003", "quantity": 3}]},
            ),
        ),
    ),
    "pricing_prices_lookup": Operation(
        "Look up unit prices with the prior price",
        (
            Call("Two SKUs for the webshop", query={"sku": "SKU-000001,SKU-000002"}),
            Call(
                "A member's price at a given time",
                query={
                    "sku": "SKU-000003",
                    "customer": CUSTOMER_FREDERIK,
                    "at": "2026-06-01T12:00",
                },
            ),
        ),
    ),
    "pricing_campaigns_list": Operation(
        "List the campaigns in force", (Call("The webshop's campaigns now"),)
    ),
    "pricing_rules_snapshot": Operation(
        "Download the pricing rules for offline use",
        (Call("The till's snapshot of its store", client=POS_DK),),
    ),
}
