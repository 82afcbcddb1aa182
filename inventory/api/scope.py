"""What an inventory call asks about beyond its caller: the buffer that applies, the SKUs.

Channel and store come from ``retail.api.scope``: an API key fixes its
channel, and a POS key its store (asking about another is refused).
Signed-in staff (the API browser, HQ tools) see stock without a channel
buffer unless they name a channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext

from inventory.api.errors import SkuRequiredError
from retail.errors import TooManySkusError
from retail.models import Channel, Product


def buffered(channel: Channel | None) -> Channel | None:
    """The channel whose safety buffers apply: none for a till, which sells what is on the shelf."""
    if channel is None or channel.kind == Channel.Kind.POS:
        return None
    return channel


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
            gettext("Ask for at most %(limit)s SKUs in one call.") % {"limit": limit},
            field="sku",
            extra={"max": limit},
        )
    return skus


def products_by_sku(skus: Sequence[str]) -> tuple[list[Product], list[str]]:
    """Return the products of ``skus`` in their order (categories loaded) and the unknown SKUs."""
    # Only what availability reads: the SKU and the category's path (for category buffers).
    products = Product.objects.select_related("category").only("sku", "category__path")
    found = products.in_bulk(skus, field_name="sku")
    return [found[s] for s in skus if s in found], [s for s in skus if s not in found]
