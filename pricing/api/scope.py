"""Who a pricing call is for: the caller's channel, store and customer.

An API key fixes its channel, and a POS key its store: a POS key prices for
its own store unless told otherwise, and is refused another store.  Signed-in
staff (the API browser, HQ tools) name the channel themselves.  A customer is
presented by the public id channels know them by.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pricing.api.errors import (
    ChannelNotAllowedError,
    ChannelNotFoundError,
    ChannelRequiredError,
    StoreNotAllowedError,
    StoreNotFoundError,
)
from retail.api.auth import request_client
from retail.errors import CustomerNotFoundError
from retail.models import Channel, Customer, Store


@dataclass(frozen=True)
class CallScope:
    channel: Channel
    store: Store | None
    customer: Customer | None


def call_scope(
    request,
    *,
    channel_code: str = "",
    store_code: str = "",
    customer_id: uuid.UUID | None = None,
) -> CallScope:
    """Resolve the channel, store and customer of this call, within what the caller may use.

    Raises ``ChannelRequiredError``, ``ChannelNotFoundError``,
    ``ChannelNotAllowedError`` (``channel``), ``StoreNotFoundError``,
    ``StoreNotAllowedError`` (``store``) or ``CustomerNotFoundError``
    (``customer``).  At most one query each for the store and the customer.
    """
    client = request_client(request)
    if client is not None:
        channel = client.channel
        if channel_code and channel_code != channel.code:
            raise ChannelNotAllowedError(field="channel", extra={"channel": channel.code})
    elif not channel_code:
        raise ChannelRequiredError(field="channel")
    else:
        channel = Channel.objects.filter(code=channel_code, is_active=True).first()
        if channel is None:
            raise ChannelNotFoundError(field="channel", extra={"channel": channel_code})
    return CallScope(
        channel=channel,
        store=_store(client, store_code),
        customer=_customer(customer_id),
    )


def _store(client, store_code: str) -> Store | None:
    bound = client.store if client is not None else None
    if bound is not None:
        if store_code and store_code != bound.code:
            raise StoreNotAllowedError(field="store", extra={"store": bound.code})
        return bound
    if not store_code:
        return None
    store = Store.objects.filter(code=store_code, is_active=True).first()
    if store is None:
        raise StoreNotFoundError(field="store", extra={"store": store_code})
    return store


def _customer(customer_id: uuid.UUID | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.objects.filter(public_id=customer_id).first()
    if customer is None:
        raise CustomerNotFoundError(field="customer")
    return customer
