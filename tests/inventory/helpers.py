"""Helpers of the availability, API, page, admin and demo tests: a small chain with stock.

Stock is put in place through the real services, so the ledger invariant
holds in every test that uses these (``assert_ledger_holds``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from inventory.invariant import stock_drift
from inventory.models import ChannelLocation, Reservation, SafetyBuffer
from inventory.services import stock_receive, stock_reserve
from retail.models import Category, Channel, Product, Store
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
)

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
_keys = itertools.count(1)

# Real places, so distances read like a map: København, Roskilde (30 km), Odense (135 km),
# Aarhus (155 km), and a warehouse at Taulov.
PLACES = {
    "CPH": ("55.680600", "12.577500"),
    "ROS": ("55.641900", "12.080300"),
    "ODE": ("55.395900", "10.383800"),
    "AAR": ("56.153500", "10.208000"),
    "WH": ("55.544900", "9.615000"),
}


def source_key(prefix: str = "it") -> str:
    return f"{prefix}:{next(_keys)}"


def store_at(code: str, place: str, **kwargs) -> Store:
    """A store at one of ``PLACES``."""
    latitude, longitude = PLACES[place]
    return StoreFactory(
        code=code,
        name=kwargs.pop("name", f"Store {code}"),
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        **kwargs,
    )


def receive(store: Store, product: Product, quantity: int) -> None:
    """Put ``quantity`` units on hand through ``stock_receive``."""
    stock_receive(
        location=store, product=product, quantity=quantity, source_key=source_key(), at=AT
    )


def reserve(store: Store, product: Product, quantity: int, **kwargs) -> Reservation:
    """Reserve one line as an order through ``stock_reserve``."""
    (reservation,) = stock_reserve(
        location=store,
        lines=[(product, quantity)],
        reference_kind=kwargs.pop("reference_kind", "order"),
        reference=kwargs.pop("reference", source_key("order")),
        **kwargs,
    )
    return reservation


def buffer(channel: Channel, quantity: int, **scope) -> SafetyBuffer:
    return SafetyBuffer.objects.create(channel=channel, quantity=quantity, **scope)


def assert_ledger_holds() -> None:
    """On hand equals the sum of movements and reserved the sum of active holds, everywhere."""
    drift = stock_drift()
    assert not drift, "stock drift:\n" + "\n".join(str(item) for item in drift)


@dataclass
class Chain:
    """Four stores and a warehouse around Denmark, a webshop served by two locations."""

    cph: Store
    ros: Store
    ode: Store
    aar: Store
    warehouse: Store
    webshop: Channel
    clothing: Category
    jackets: Category
    jacket: Product
    mug: Product

    @property
    def stores(self) -> list[Store]:
        return [self.cph, self.ros, self.ode, self.aar]


def fresh(product: Product) -> Product:
    """``product`` as loaded now: adding a category may renumber the tree's paths."""
    return Product.objects.select_related("category").get(pk=product.pk)


def make_chain() -> Chain:
    """Build the chain; the jacket (clothing > jackets) and the mug have stock here and there."""
    cph = store_at("DK-CPH01", "CPH", name="København Strøget")
    ros = store_at("DK-ROS01", "ROS", name="Roskilde Algade")
    ode = store_at("DK-ODE01", "ODE", name="Odense Vestergade", click_and_collect=False)
    aar = store_at("DK-AAR01", "AAR", name="Aarhus Søndergade")
    warehouse = store_at(
        "DK-WH01", "WH", name="Warehouse Taulov", kind=Store.Kind.WAREHOUSE, click_and_collect=False
    )
    webshop = ChannelFactory(code="WEB-DK", name="Webshop DK", kind=Channel.Kind.WEBSHOP)
    clothing = CategoryFactory(code="CLOTHING", name="Clothing")
    jackets = CategoryFactory(code="JACKETS", name="Jackets", parent=clothing)
    jacket = ProductFactory(sku="JACKET-1", name="Rain jacket", category=jackets)
    mug = ProductFactory(sku="MUG-1", name="Stoneware mug")
    for store, quantity in ((cph, 5), (ros, 2), (aar, 9), (warehouse, 40)):
        receive(store, jacket, quantity)
    for store, quantity in ((cph, 1), (ode, 12), (warehouse, 3)):
        receive(store, mug, quantity)
    ChannelLocation.objects.create(channel=webshop, location=warehouse)
    ChannelLocation.objects.create(channel=webshop, location=aar)
    return Chain(cph, ros, ode, aar, warehouse, webshop, clothing, jackets, jacket, mug)
