"""What the click-and-collect pages share besides ``page_context``: orders and service calls."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from orders.models import Order
from orders.queue import orders_of_store
from retail.errors import DomainError


def no_store(request, context: dict) -> TemplateResponse:
    """The page shown to staff not linked to any store yet."""
    return TemplateResponse(request, "orders/store/no_store.html", context)


def store_order(context: dict, number: str) -> Order:
    """Return the order ``number`` of the page's store, or 404 (another store's order too)."""
    store = context["store"]
    if store is None:
        raise Http404
    return get_object_or_404(
        orders_of_store(store=store).select_related("customer", "fulfil_location", "collect_store"),
        number=number,
    )


def call_service(request, service, **kwargs):
    """Call ``service``; a domain error becomes an error message for the user and None."""
    try:
        return service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None


def customer_name(order: Order) -> str:
    customer = order.customer
    if customer is None:
        return ""
    return f"{customer.first_name} {customer.last_name}".strip()
