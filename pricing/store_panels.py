"""Pricing's panel on the store's product lookup: price, campaign price, prior price.

The figures come from ``pricing.shelf.store_prices`` (``prices_lookup``, as
``GET /api/v1/pricing/prices/`` answers) in the store's channel and store.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from pricing.shelf import store_prices
from retail.store.panels import PRODUCT, StorePanel, store_panel_register


def product_price_panel(request, *, store, channel, product, at) -> str:
    """Render what one unit of ``product`` costs at ``store`` in ``channel`` at ``at``."""
    price = None
    if channel is not None:
        price = store_prices(products=[product], store=store, channel=channel, at=at).get(
            product.pk
        )
    return render_to_string(
        "pricing/store/_product_price.html",
        {"price": price, "channel": channel, "store": store, "product": product},
        request=request,
    )


def register() -> None:
    store_panel_register(
        StorePanel(key="price", page=PRODUCT, render=product_price_panel, order=10)
    )
