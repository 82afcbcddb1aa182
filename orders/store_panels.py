"""The orders app's panel on "My store": today's orders by state, each a link to the queue."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from orders.store_day import store_day_counts
from retail.store.panels import HOME, StorePanel, store_panel_register


def home_today_panel(request, *, store, at) -> str:
    """Render today's counts of ``store`` at ``at`` (one query)."""
    queue = reverse("orders:queue")
    counts = [
        {"count": count, "url": f"{queue}?{urlencode({'show': count.key})}"}
        for count in store_day_counts(store=store, at=at)
    ]
    return render_to_string(
        "orders/store/_home_today.html", {"counts": counts, "store": store}, request=request
    )


def register() -> None:
    store_panel_register(StorePanel(key="orders_today", page=HOME, render=home_today_panel))
