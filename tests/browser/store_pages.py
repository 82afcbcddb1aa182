"""Every store page a GET shows, with the data it needs (``handheld_world``), and the rest.

A new page under ``/store/`` must be added to ``PAGES`` (or, if no GET shows it, to
``EXCLUDED`` with the reason): ``tests/browser/test_store_pages_table.py`` fails otherwise,
so the phone and desktop checks reach every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from tests.browser.handheld_world import LONG_GTIN, LONG_SKU, HandheldWorld


@dataclass(frozen=True)
class StorePage:
    key: str  # unique id of this variant, used in test output
    url_name: str  # namespace:name
    path: Callable[[HandheldWorld], str]
    anonymous: bool = False  # shown logged out (the login page)


def _url(name: str, *args, **query) -> Callable[[HandheldWorld], str]:
    def build(hh: HandheldWorld) -> str:
        resolved = [arg(hh) if callable(arg) else arg for arg in args]
        values = {key: value(hh) if callable(value) else value for key, value in query.items()}
        path = reverse(name, args=resolved)
        return f"{path}?{urlencode(values, doseq=True)}" if values else path

    return build


def _number(state: str) -> Callable[[HandheldWorld], str]:
    return lambda hh: hh.order(state).number


def _pickup_code(state: str) -> Callable[[HandheldWorld], str]:
    return lambda hh: hh.order(state).pickup_code


PAGES: tuple[StorePage, ...] = (
    StorePage("login", "store:login", _url("store:login"), anonymous=True),
    StorePage("home", "store:home", _url("store:home")),
    StorePage("language", "store:language", _url("store:language")),
    StorePage("product-lookup", "store:product_lookup", _url("store:product_lookup")),
    StorePage(
        "product-found",
        "store:product_lookup",
        _url("store:product_lookup", code=LONG_GTIN),
    ),
    StorePage(
        "product-name-matches",
        "store:product_lookup",
        _url("store:product_lookup", code="shirt"),
    ),
    StorePage("queue", "orders:queue", _url("orders:queue")),
    StorePage("queue-overdue", "orders:queue", _url("orders:queue", show="overdue")),
    StorePage("landing", "orders:landing", _url("orders:landing")),
    StorePage(
        "pick-list-one",
        "orders:pick_list",
        _url("orders:pick_list", order=_number("picking")),
    ),
    StorePage(
        "pick-list-batch",
        "orders:pick_list",
        _url(
            "orders:pick_list",
            order=lambda hh: [hh.order("picking").number, hh.order("new").number],
        ),
    ),
    StorePage("hand-over", "orders:hand_over", _url("orders:hand_over")),
    StorePage(
        "hand-over-found",
        "orders:hand_over",
        _url("orders:hand_over", code=_pickup_code("ready")),
    ),
    StorePage("hand-over-not-found", "orders:hand_over", _url("orders:hand_over", code="ZZZZZZ")),
    StorePage("order-new", "orders:order", _url("orders:order", _number("new"))),
    StorePage("order-picking", "orders:order", _url("orders:order", _number("picking"))),
    StorePage(
        "order-substitute",
        "orders:order",
        lambda hh: (
            _url("orders:order", _number("picking"), substitute_line="1", code=LONG_SKU)(hh)
            + "#line-1"
        ),
    ),
    StorePage("order-send", "orders:order", _url("orders:order", _number("send"))),
    StorePage("order-in-transit", "orders:order", _url("orders:order", _number("in_transit"))),
    StorePage("order-ready", "orders:order", _url("orders:order", _number("ready"))),
    StorePage("order-collected", "orders:order", _url("orders:order", _number("collected"))),
    StorePage(
        "remove-confirm",
        "orders:line_remove_confirm",
        _url("orders:line_remove_confirm", _number("picking"), 1),
    ),
    StorePage("returns-find", "returns:find", _url("returns:find")),
    StorePage(
        "returns-customer",
        "returns:find",
        _url("returns:find", q=lambda hh: hh.world.customer.email),
    ),
    StorePage("returns-choose", "returns:choose", _url("returns:choose", _number("collected"))),
    StorePage(
        "returns-choose-partly-returned",
        "returns:choose",
        _url("returns:choose", _number("returned")),
    ),
    StorePage(
        "returns-receipt",
        "returns:receipt",
        _url("returns:receipt", lambda hh: hh.return_number),
    ),
    StorePage("stock", "inventory_store:stock", _url("inventory_store:stock")),
    StorePage("stock-found", "inventory_store:stock", _url("inventory_store:stock", code=LONG_SKU)),
    StorePage("labels", "pricing_store:labels", _url("pricing_store:labels")),
    StorePage("labels-search", "pricing_store:labels", _url("pricing_store:labels", q="o")),
    StorePage(
        "labels-print",
        "pricing_store:labels_print",
        _url("pricing_store:labels_print", codes=f"{LONG_SKU}\nSHIRT\nMUG\nNOPE-404"),
    ),
    StorePage(
        "labels-tomorrow",
        "pricing_store:labels_print",
        _url("pricing_store:labels_print", changes="tomorrow"),
    ),
)

# Store URLs no GET shows as a page, and why. POST-only ones answer a GET with 405.
POST_ONLY = {
    "store:logout": "logs out (POST from the header's button)",
    "store:select_store": "switches the store (POST from My store)",
    "orders:pick_list_print": "starts picking and redirects to the pick list (POST)",
    "orders:hand_over_confirm": "hands the order over (POST from the hand-over page)",
    "orders:line_pick": "marks a line picked (POST from the order page)",
    "orders:line_short_pick": "removes or substitutes a line (POST from the order page)",
    "orders:ready": "readies or sends the order (POST from the order page)",
    "orders:ship": "ships the order (POST from the order page)",
    "orders:receive": "receives a transfer (POST from the order page)",
    "returns:review": "shows what a return will refund (POST from the choose page)",
    "returns:confirm": "takes the return (POST from the review page)",
    "inventory_store:hold_place": "places a hold (POST from the stock page)",
    "inventory_store:hold_release": "releases a hold (POST from the stock page)",
}
EXCLUDED = {
    **POST_ONLY,
    "orders:queue_live": "a fragment the queue page fetches every few seconds, not a page",
}


def page_language(index: int) -> str:
    """The Nordic language page ``index`` is checked in besides English (da, sv, nb in turn)."""
    return ("da", "sv", "nb")[index % 3]
