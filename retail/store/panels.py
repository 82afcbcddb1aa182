"""Panels other apps add to the store pages: today's orders on "My store", price and stock
on the product lookup.

``retail`` imports no other app, so it cannot ask orders, pricing or inventory
for their figures; each registers a panel here when it is ready
(``AppConfig.ready``), and the page shows every registered panel of its kind,
in ``order``.  A panel renders safe HTML; it is given the request, the store
the page works in and the moment the page is for (``at``), and on the product
page the product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

HOME = "home"
PRODUCT = "product"


@dataclass(frozen=True, slots=True)
class StorePanel:
    key: str
    # HOME: render(request, *, store, at); PRODUCT: render(..., channel, product) where
    # ``channel`` is the store's sales channel (``store_sales_channel``) or None.
    page: str
    render: Callable[..., str]
    order: int = 100


_PANELS: dict[tuple[str, str], StorePanel] = {}


def store_panel_register(panel: StorePanel) -> None:
    """Add (or replace, by page and ``key``) a panel of a store page."""
    _PANELS[(panel.page, panel.key)] = panel


def store_panels(page: str) -> list[StorePanel]:
    return sorted(
        (panel for panel in _PANELS.values() if panel.page == page),
        key=lambda p: (p.order, p.key),
    )


def store_panels_html(page: str, request, **kwargs) -> SafeString:
    """Every registered panel of ``page``, each in a ``data-panel`` wrapper."""
    return format_html_join(
        "",
        '<div class="store-panel" data-panel="{}">{}</div>',
        ((panel.key, panel.render(request, **kwargs)) for panel in store_panels(page)),
    ) or SafeString("")
