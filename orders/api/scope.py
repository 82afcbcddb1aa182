"""Who an orders call is for, and which orders it may see.

- A channel client (webshop, app) sees its own channel's orders.
- A key bound to a store (POS, handheld) sees the orders its store fulfils
  or collects, of any channel, and its store's POS receipts.
- "Returns anywhere": any key may also see an order of another channel or
  store when the call names the order's number *and* its customer's public
  id (``customer``), a customer of the key's market.  That shows no more
  than the customer's purchase history, which a key of their market may
  read by the same public id.
- Signed-in HQ staff may read every order (the API browser); writes need a
  key (``retail.api.permissions.IsApiClientOrHQReader``).
- Staff actions (pick, ready, hand-over, ...) are for store keys, on their
  own store's orders only; anything else is ``order_not_found`` (404), so
  a store never learns another store's orders exist.

The caller's client, store, the stores and customers a call names are
resolved by ``retail.api.scope``; this module adds which orders they see.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from orders.errors import OrderNotFoundError
from orders.models import Order
from orders.services.fulfilment import order_for_store
from retail.api.auth import request_client
from retail.api.scope import api_client, key_store
from retail.models import Store


def visible_orders(request, *, customer_id: uuid.UUID | None = None) -> QuerySet[Order]:
    """Return the orders the caller may read (see the module docstring)."""
    client = request_client(request)
    if client is None:
        return Order.objects.all()
    if client.store_id is not None:
        mine = Q(fulfil_location_id=client.store_id) | Q(collect_store_id=client.store_id)
    else:
        mine = Q(channel_id=client.channel_id)
    if customer_id is not None:
        # Only a customer of the key's market (``retail.api.scope.customer_readable``).
        mine |= Q(customer__public_id=customer_id, customer__market=client.channel.country)
    return Order.objects.filter(mine)


def order_get(queryset: QuerySet[Order], number: str) -> Order:
    order = queryset.filter(number=number).first()
    if order is None:
        raise OrderNotFoundError(extra={"number": number})
    return order


def store_order(request, number: str) -> tuple[Order, Store]:
    """Return (order ``number``, the key's store) when that store fulfils or collects it."""
    store = key_store(request)
    return order_for_store(number=number, store=store), store


def own_channel_order(request, number: str) -> Order:
    """Return order ``number`` of the calling key's channel (and store, for a store key)."""
    client = api_client(request)
    queryset = Order.objects.filter(channel_id=client.channel_id, kind=Order.Kind.ORDER)
    if client.store_id is not None:
        queryset = queryset.filter(
            Q(fulfil_location_id=client.store_id) | Q(collect_store_id=client.store_id)
        )
    return order_get(queryset, number)
