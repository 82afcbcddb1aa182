"""Summaries and examples of the loyalty API operations (see ``retail.api.examples``)."""

from retail.api.examples import (
    CUSTOMER_SIGNE,
    MEMBER_FREDERIK,
    POS_DK,
    Call,
    Operation,
    idempotency,
)

GIFT_CARD = "4449288716207644"  # one demo gift card; every seed draws new codes
ON_GIFT_CARD = {"body.code": "gift_card"}

DOCS = {
    "loyalty_members_create": Operation(
        "Make a customer a club member",
        (
            Call(
                "Signe joins in the webshop",
                headers=idempotency("docs-join-1"),
                body={"customer": CUSTOMER_SIGNE},
                status=201,
            ),
        ),
    ),
    "loyalty_members_retrieve": Operation(
        "Show a member's tier and points",
        (Call("Frederik's membership", path={"member_number": MEMBER_FREDERIK}),),
    ),
    "loyalty_members_points_list": Operation(
        "List a member's points entries",
        (Call("Frederik's points", path={"member_number": MEMBER_FREDERIK}),),
    ),
    "loyalty_stored_value_balance_create": Operation(
        "Show the balance of a gift card, credit note or voucher",
        (
            Call(
                "A gift card at the till",
                client=POS_DK,
                body={"code": GIFT_CARD},
                demo=ON_GIFT_CARD,
            ),
        ),
    ),
    "loyalty_stored_value_redeem_create": Operation(
        "Pay with a gift card, credit note or voucher",
        (
            Call(
                "50 DKK from a gift card at the till",
                client=POS_DK,
                headers=idempotency("docs-redeem-1"),
                body={"code": GIFT_CARD, "amount": "50.00", "currency": "DKK"},
                status=201,
                demo=ON_GIFT_CARD,
            ),
        ),
    ),
    "loyalty_stored_value_holds_create": Operation(
        "Hold an amount on stored value",
        (
            Call(
                "Hold 40 DKK for a webshop order",
                headers=idempotency("docs-hold-1"),
                body={"code": GIFT_CARD, "amount": "40.00", "currency": "DKK"},
                status=201,
                demo=ON_GIFT_CARD,
            ),
            Call(
                "Hold 25 DKK, released later",
                headers=idempotency("docs-hold-2"),
                body={"code": GIFT_CARD, "amount": "25.00", "currency": "DKK"},
                status=201,
                demo=ON_GIFT_CARD,
            ),
        ),
    ),
    "loyalty_stored_value_holds_capture_create": Operation(
        "Capture a hold",
        (
            Call(
                "Capture all of the 40 DKK hold",
                path={"source_key": "docs-hold-1"},
                headers=idempotency("docs-capture-1"),
                body={},
                status=201,
            ),
        ),
    ),
    "loyalty_stored_value_holds_release_create": Operation(
        "Release a hold",
        (
            Call(
                "Release the 25 DKK hold",
                path={"source_key": "docs-hold-2"},
                headers=idempotency("docs-release-1"),
            ),
        ),
    ),
    "loyalty_stored_value_refund_create": Operation(
        "Refund a redemption",
        (
            Call(
                "Give 20 DKK of the till's redemption back",
                client=POS_DK,
                headers=idempotency("docs-refund-1"),
                body={"redemption_source_key": "docs-redeem-1", "amount": "20.00"},
                status=201,
            ),
        ),
    ),
    "loyalty_gift_cards_create": Operation(
        "Sell a gift card",
        (
            Call(
                "A new 500 DKK e-gift card",
                headers=idempotency("docs-gift-card-1"),
                body={"amount": "500.00", "currency": "DKK"},
                status=201,
            ),
        ),
    ),
}
