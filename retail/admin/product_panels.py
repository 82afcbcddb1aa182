"""Panels other apps add to the product page in the admin (prices, stock, ...).

``retail`` imports no other app, so it cannot ask pricing or inventory for a
product's figures; they register a panel here when their admin loads, and the
product page shows every registered panel, in ``order``.  A panel renders
safe HTML for one product and the request (for links and the user's rights).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join


@dataclass(frozen=True, slots=True)
class ProductPanel:
    key: str
    title: str
    render: Callable  # (request, product) -> safe HTML
    order: int = 100


_PANELS: dict[str, ProductPanel] = {}


def product_panel_register(panel: ProductPanel) -> None:
    """Add (or replace, by ``key``) a panel of the product page."""
    _PANELS[panel.key] = panel


def product_panels() -> list[ProductPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def product_summary_html(request, product) -> str:
    """Every registered panel for ``product``, each under its title."""
    return format_html_join(
        "",
        '<div class="product-panel" data-panel="{}"><h3>{}</h3>{}</div>',
        ((panel.key, panel.title, panel.render(request, product)) for panel in product_panels()),
    ) or format_html("{}", "-")
