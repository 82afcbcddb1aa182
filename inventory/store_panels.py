"""Inventory's panel on the store's product lookup: stock here, and a link to every store."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from inventory.selectors import availability_at_store
from retail.store.panels import PRODUCT, StorePanel, store_panel_register


def product_stock_panel(request, *, store, channel, product, at) -> str:
    """Render on hand, reserved and available of ``product`` at ``store`` now (``at`` unused).

    Available is as ``channel`` (the store's till) sees it, after its safety buffer.
    """
    (stock,) = availability_at_store(store=store, products=[product], channel=channel)
    return render_to_string(
        "inventory/store/_product_stock.html",
        {
            "stock": stock,
            "store": store,
            "all_stores_url": (
                f"{reverse('inventory_store:stock')}?{urlencode({'code': product.sku})}"
            ),
        },
        request=request,
    )


def register() -> None:
    store_panel_register(
        StorePanel(key="stock", page=PRODUCT, render=product_stock_panel, order=20)
    )
