"""Who an inventory call is for: the caller's channel and store, and the products it names.

An API key fixes its channel, and a POS key its store: a POS key asks about
its own store unless told otherwise, and is refused another store.  Signed-in
staff (the API browser, HQ tools) see stock without a channel buffer unless
they name a channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory.api.errors import (
    ChannelNotAllowedError,
    ChannelNotFoundError,
    ChannelRequiredError,
    SkuRequiredError,
    StoreNotAllowedError,
    StoreNotFoundError,
    StoreRequiredError,
    TooManySkusError,
)
from retail.api.auth import request_client
from retail.models import Channel, Product, Store
from retail.selectors import stores_for_user, user_sees_all_stores


def call_channel(request, *, channel_code: str = "", required: bool = False) -> Channel | None:
    """Return the channel the call is for: the key's own, or the one staff name.

    Raises ``ChannelNotAllowedError`` when a key names another channel,
    ``ChannelRequiredError`` when ``required`` and staff name none,
    ``ChannelNotFoundError`` for an unknown code (all on ``channel``).
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


def buffered(channel: Channel | None) -> Channel | None:
    """The channel whose safety buffers apply: none for a till, which sells what is on the shelf."""
    if channel is None or channel.kind == Channel.Kind.POS:
        return None
    return channel


def call_store(request, *, store_code: str = "", own_only: bool = False) -> Store:
    """Return the store the call is about; a POS key is bound to its own.

    ``own_only`` limits signed-in staff to their own stores (for data such
    as the movement ledger).  Raises ``StoreRequiredError``,
    ``StoreNotFoundError`` or ``StoreNotAllowedError`` (on ``store``).
    """
    client = request_client(request)
    bound = client.store if client is not None else None
    if bound is not None:
        if store_code and store_code != bound.code:
            raise StoreNotAllowedError(
                "This API key belongs to one store; it cannot use another.",
                field="store",
                extra={"store": bound.code},
            )
        return bound
    if not store_code:
        raise StoreRequiredError(field="store")
    store = Store.objects.filter(code=store_code, is_active=True).first()
    if store is None:
        raise StoreNotFoundError(field="store", extra={"store": store_code})
    if (
        own_only
        and client is None
        and not user_sees_all_stores(request.user)
        and not stores_for_user(request.user).filter(pk=store.pk).exists()
    ):
        raise StoreNotAllowedError(field="store", extra={"store": store_code})
    return store


def parse_skus(values: Sequence[str], *, limit: int) -> list[str]:
    """Split ``sku=A,B&sku=C`` into distinct SKUs in order; at most ``limit``.

    Raises ``SkuRequiredError`` or ``TooManySkusError`` (on ``sku``).
    """
    skus = list(
        dict.fromkeys(sku.strip() for value in values for sku in value.split(",") if sku.strip())
    )
    if not skus:
        raise SkuRequiredError(field="sku")
    if len(skus) > limit:
        raise TooManySkusError(
            f"Ask for at most {limit} SKUs in one call.", field="sku", extra={"max": limit}
        )
    return skus


def products_by_sku(skus: Sequence[str]) -> tuple[list[Product], list[str]]:
    """Return the products of ``skus`` in their order (categories loaded) and the unknown SKUs."""
    # Only what availability reads: the SKU and the category's path (for category buffers).
    products = Product.objects.select_related("category").only("sku", "category__path")
    found = products.in_bulk(skus, field_name="sku")
    return [found[s] for s in skus if s in found], [s for s in skus if s not in found]
