"""Summaries and examples of the core API operations (see ``retail.api.examples``)."""

from retail.api.examples import (
    APP_DK,
    MEMBER_CAMILLA,
    POS_DK,
    Call,
    Operation,
    idempotency,
)

DOCS = {
    "me_retrieve": Operation(
        "Show who the calling key belongs to",
        (Call("The Danish webshop's key"), Call("A till's key", client=POS_DK)),
    ),
    "channels_list": Operation(
        "List the sales channels",
        (Call("Active Danish channels", query={"country": "DK", "is_active": "true"}),),
    ),
    "channels_retrieve": Operation(
        "Show one sales channel", (Call("The Danish webshop", path={"code": "WEB-DK"}),)
    ),
    "stores_list": Operation(
        "List stores and warehouses",
        (
            Call(
                "Danish click-and-collect stores",
                query={"country": "DK", "click_and_collect": "true"},
            ),
        ),
    ),
    "stores_retrieve": Operation(
        "Show one store with its opening hours",
        (Call("Copenhagen Strøget", path={"code": "DK-CPH01"}),),
    ),
    "products_list": Operation(
        "List or search the catalogue",
        (
            Call("Two SKUs", query={"sku": "SKU-000001,SKU-000002"}),
            Call("A scanned GTIN", query={"gtin": "5701140000015"}, client=POS_DK),
            Call("Words in the name", query={"q": "rain suit"}),
        ),
    ),
    "products_retrieve": Operation(
        "Show one product by SKU", (Call("The rain suit", path={"sku": "SKU-000001"}),)
    ),
    "customers_create": Operation(
        "Register a customer",
        (
            Call(
                "A new webshop account",
                headers=idempotency("docs-customer-create-1"),
                body={
                    "first_name": "Ida",
                    "last_name": "Holm",
                    "email": "ida.holm@example.dk",
                    "phone": "+4520123456",
                    "language": "da",
                    "preferred_store": "DK-CPH01",
                    "external_id": "shop-100482",
                    "email_marketing_consent": True,
                },
                status=201,
                description="A retry with the same key replays the first answer.",
            ),
        ),
    ),
    "customers_lookup_create": Operation(
        "Find a customer by one identifier",
        (
            Call(
                "By member number at the till",
                client=POS_DK,
                headers=idempotency("docs-customer-lookup-1"),
                body={"member_number": MEMBER_CAMILLA},
            ),
            Call(
                "By e-mail in the app",
                client=APP_DK,
                headers=idempotency("docs-customer-lookup-2"),
                body={"email": "frederik.mortensen@example.org"},
            ),
        ),
    ),
}
