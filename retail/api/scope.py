"""Who an API call is for: the calling client, its channel and store, and what the call names.

An API key belongs to one channel client, and a POS or handheld key also to
one store: a key's channel and store are fixed, and naming another is
refused (403, ``channel_not_allowed``, ``store_not_allowed``).  Signed-in
staff (the API browser, HQ tools) name the channel and store themselves.  A
code that matches nothing is 400 on its field (``channel_not_found``,
``store_not_found``); a customer is named by the public id channels know
them by (``customer_not_found``).

Customers' data, by channel kind (``customer_readable``): a key reads only
customers of its own market (``Customer.market``, the market of the channel
they signed up in) and those its channel knows by an id of its own; any
other is ``customer_not_found`` (404), so a key never learns that a
customer of another market exists.  A till (POS) finds the
customer in front of it by member number or card only, and sees no e-mail,
phone, consents or other channels' ids (``customer_fields_for``); a webshop
or app reads its signed-in customer by public id.  Signed-in HQ staff read
everyone.

Each app's ``api/scope.py`` keeps only what is its own (pricing's call
scope, inventory's buffers and SKU lists, the orders a caller may see) and
resolves the rest here.  Every helper costs at most one query.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext

from retail.api.auth import request_client
from retail.errors import (
    ApiKeyRequiredError,
    ChannelNotAllowedError,
    ChannelNotFoundError,
    ChannelRequiredError,
    CustomerNotFoundError,
    StoreKeyRequiredError,
    StoreNotAllowedError,
    StoreNotFoundError,
    StoreRequiredError,
)
from retail.models import ApiClient, Channel, Customer, Store
from retail.selectors import stores_for_user, user_sees_all_stores


def api_client(request) -> ApiClient:
    """Return the calling key's client; raise ``ApiKeyRequiredError`` for a signed-in user."""
    client = request_client(request)
    if client is None:
        raise ApiKeyRequiredError()
    return client


def key_store(request) -> Store:
    """Return the store the calling key is bound to.

    Raises ``ApiKeyRequiredError`` without a key and ``StoreKeyRequiredError``
    for a key of no store.
    """
    client = api_client(request)
    if client.store is None:
        raise StoreKeyRequiredError()
    return client.store


def call_channel(request, *, channel_code: str = "", required: bool = False) -> Channel | None:
    """Return the channel the call is for: the key's own, or the one staff name (None if none).

    Raises ``ChannelNotAllowedError`` when a key names another channel,
    ``ChannelRequiredError`` when ``required`` and staff name none,
    ``ChannelNotFoundError`` for a code of no active channel (all on ``channel``).
    """
    client = request_client(request)
    if client is not None:
        if channel_code and channel_code != client.channel.code:
            raise ChannelNotAllowedError(field="channel", extra={"channel": client.channel.code})
        return client.channel
    if not channel_code:
        if required:
            raise ChannelRequiredError(field="channel")
        return None
    channel = Channel.objects.filter(code=channel_code, is_active=True).first()
    if channel is None:
        raise ChannelNotFoundError(field="channel", extra={"channel": channel_code})
    return channel


def call_store(
    request, *, store_code: str = "", required: bool = False, own_only: bool = False
) -> Store | None:
    """Return the store the call is about: a store key's own, else the one named (None if none).

    ``own_only`` limits signed-in staff to their own stores (for data such as
    the movement ledger).  Raises ``StoreNotAllowedError`` when a store key
    names another store or staff another's, ``StoreRequiredError`` when
    ``required`` and none is named, ``StoreNotFoundError`` for a code of no
    active store (all on ``store``).
    """
    client = request_client(request)
    bound = client.store if client is not None else None
    if bound is not None:
        if store_code and store_code != bound.code:
            raise StoreNotAllowedError(
                gettext("This API key belongs to one store; it cannot use another."),
                field="store",
                extra={"store": bound.code},
            )
        return bound
    if not store_code:
        if required:
            raise StoreRequiredError(field="store")
        return None
    store = store_get(store_code)
    if (
        own_only
        and client is None
        and not user_sees_all_stores(request.user)
        and not stores_for_user(request.user).filter(pk=store.pk).exists()
    ):
        raise StoreNotAllowedError(field="store", extra={"store": store_code})
    return store


def store_get(code: str, *, field: str = "store") -> Store | None:
    """Return the active store or warehouse ``code`` (None for "").

    Raises ``StoreNotFoundError`` on ``field``.  Whether the caller may use
    it is the caller's question (``call_store`` asks it for the call's store).
    """
    if not code:
        return None
    store = Store.objects.filter(code=code, is_active=True).first()
    if store is None:
        raise StoreNotFoundError(field=field, extra={"store": code})
    return store


def customer_get(public_id: uuid.UUID | None, *, field: str = "customer") -> Customer | None:
    """Return the customer with this public id (None for None); ``CustomerNotFoundError``."""
    if public_id is None:
        return None
    customer = Customer.objects.filter(public_id=public_id).first()
    if customer is None:
        raise CustomerNotFoundError(field=field)
    return customer


def customer_readable(request, customer: Customer) -> Customer:
    """Return ``customer`` when the caller may read their data; else ``CustomerNotFoundError``.

    A key reads the customers of its channel's market, and those its channel
    knows by an external id of its own (an account there); HQ staff everyone.
    """
    client = request_client(request)
    if (
        client is not None
        and customer.market != client.channel.country
        and not customer.external_ids.filter(channel_id=client.channel_id).exists()
    ):
        raise CustomerNotFoundError()
    return customer


def is_till(request) -> bool:
    """Whether the caller is a till or handheld (a key of a POS channel)."""
    client = request_client(request)
    return client is not None and client.channel.kind == Channel.Kind.POS
