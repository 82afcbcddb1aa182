"""Helpers of the returns counter page tests (tests/orders/test_returns_pages*.py)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from orders.models import Order
from tests.orders.returns_support import collect


def find_page(client, text):
    return client.get(reverse("returns:find"), {"q": text})


def choose_page(client, order, **params):
    return client.get(reverse("returns:choose", args=[order.number]), params)


def form_data(order, *lines, mode="original", key_="k-1", **extra):
    """The choose form: (line_no, quantity[, condition]) lines."""
    data = {"key": key_, "mode": mode, "reason": extra.pop("reason", "")}
    for line in order.lines.all():
        data[f"qty_{line.line_no}"] = "0"
    for line_no, quantity, *condition in lines:
        data[f"qty_{line_no}"] = str(quantity)
        data[f"condition_{line_no}"] = condition[0] if condition else "resellable"
    data.update(extra)
    return data


def review_post(client, order, data):
    return client.post(reverse("returns:review", args=[order.number]), data)


def confirm_post(client, order, data):
    return client.post(reverse("returns:confirm", args=[order.number]), data)


def page_text(response) -> str:
    return response.content.decode()


def collected(world, lines=(("SHIRT", 1),), *, at, **kwargs):
    order = world.place(lines, at=at - timedelta(hours=2), **kwargs)
    return collect(Order.objects.get(pk=order.pk), at=at - timedelta(hours=1))
