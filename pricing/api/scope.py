"""Who a pricing call is for: the caller's channel, store and customer.

An API key fixes its channel, and a POS key its store: a POS key prices for
its own store unless told otherwise, and is refused another store.  Signed-in
staff (the API browser, HQ tools) name the channel themselves.  A customer is
presented by the public id channels know them by.  The rules are
``retail.api.scope``'s; pricing only insists on a channel.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from retail.api.scope import call_channel, call_store, customer_get
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
    channel = call_channel(request, channel_code=channel_code, required=True)
    return CallScope(
        channel=channel,
        store=call_store(request, store_code=store_code),
        customer=customer_get(customer_id),
    )
