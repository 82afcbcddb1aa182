"""What the orders app reads of inventory: a channel's warehouse, an order's reservations."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import F

from inventory.models import ChannelLocation, Reservation, StockLevel
from retail.models import Channel, Product, Store


def channel_warehouse(*, channels: Sequence[Channel]) -> Store | None:
    """The first active warehouse (by code) linked to the first of ``channels`` that has one.

    One query per channel tried.  Orders deliver from it, and returns by
    post go to it.
    """
    for channel in channels:
        link = (
            ChannelLocation.objects.filter(
                channel=channel, location__kind=Store.Kind.WAREHOUSE, location__is_active=True
            )
            .select_related("location")
            .order_by("location__code")
            .first()
        )
        if link is not None:
            return link.location
    return None


def reservations_active(
    *, reference: str, location: Store | None = None, product: Product | None = None
) -> list[Reservation]:
    """Active reservations under ``reference`` (optionally of one item), pk order; one query."""
    filters = {"reference": reference, "status": Reservation.Status.ACTIVE}
    if location is not None:
        filters["location"] = location
    if product is not None:
        filters["product"] = product
    return list(Reservation.objects.filter(**filters).order_by("pk"))


def skus_with_free_stock(*, store: Store, free: int, count: int) -> list[str]:
    """Up to ``count`` SKUs of active products with at least ``free`` units free at ``store``."""
    return list(
        StockLevel.objects.filter(location=store, product__is_active=True)
        .annotate(free=F("on_hand") - F("reserved"))
        .filter(free__gte=free)
        .order_by("product__sku")
        .values_list("product__sku", flat=True)[:count]
    )
