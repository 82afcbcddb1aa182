"""A store with something on every store page: an order in each state, a hold, long names.

Built through the real services on top of ``tests.orders.world.make_world`` (København
Strøget is the store under test). Clerks reading English, Danish, Swedish and Norwegian
all work there, so one world serves every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from inventory.models import Reservation
from inventory.services.reserve import stock_reserve
from orders.models import Order
from orders.services.fulfilment import (
    order_hand_over,
    order_line_pick,
    order_pick_start,
    order_ready,
)
from orders.services.returns import ReturnRequestLine, return_create
from pricing.models import PriceList
from retail.gtin import gtin_with_check_digit
from retail.models import Product
from tests.factories import ProductFactory, make_staff
from tests.inventory.helpers import receive
from tests.orders.world import World, make_world
from tests.pricing.factories import PriceListEntryFactory

PASSWORD = "pw-for-tests"
LANGUAGES = ("en", "da", "sv", "nb")
# A long name and a long GTIN-less SKU: what makes a phone page scroll sideways if anything does.
LONG_SKU = "BEDSHEET-KING-ORGANIC-DUSTYROSE"
LONG_NAME = "Organic cotton fitted bed sheet, king size 180 x 200 cm, dusty rose"
LONG_GTIN = gtin_with_check_digit("570123456789")


@dataclass
class HandheldWorld:
    world: World
    at: datetime
    product: Product  # the long-named one, with a GTIN
    orders: dict[str, Order] = field(default_factory=dict)  # by state name
    users: dict[str, str] = field(default_factory=dict)  # language -> user name
    return_number: str = ""  # a return taken at the counter (its receipt page)

    @property
    def store(self):
        return self.world.cph

    def order(self, state: str) -> Order:
        order = self.orders[state]
        order.refresh_from_db()
        return order


def _picked(order: Order, *, at: datetime) -> None:
    for line in order.lines.all():
        order_line_pick(line=line, store=order.fulfil_location, at=at)


def make_handheld_world(*, at: datetime) -> HandheldWorld:
    """Build the store, its clerks, an order in every state and a staff hold, as of ``at``."""
    world = make_world()
    product = ProductFactory(sku=LONG_SKU, name=LONG_NAME, gtin=LONG_GTIN)
    PriceListEntryFactory(
        price_list=PriceList.objects.get(code="DK-PUBLIC"),
        product=product,
        amount=Decimal("349.95"),
    )
    for store in (world.cph, world.ros, world.warehouse):
        receive(store, product, 12)
    hh = HandheldWorld(world=world, at=at, product=product)
    for language in LANGUAGES:
        name = f"clerk-{language}"
        make_staff(
            "store_clerk",
            stores=[world.cph],
            username=name,
            first_name="Kirsten-Marie",
            last_name="Østergaard-Lindholm",
            language=language,
        )
        hh.users[language] = name
    placed = at - timedelta(hours=2)

    hh.orders["new"] = world.place([(LONG_SKU, 2), ("SHIRT", 1), ("MUG", 1)], at=placed)
    hh.orders["new_second"] = world.place([("SOCKS", 3)], at=placed + timedelta(minutes=5))

    picking = world.place([("SHIRT", 1), (LONG_SKU, 1)], at=placed)
    hh.orders["picking"] = order_pick_start(order=picking, store=world.cph, at=at)

    ready = world.place([("MUG", 2)], at=placed)
    _picked(ready, at=at)
    hh.orders["ready"] = order_ready(order=ready, store=world.cph, at=at)

    collected = world.place([("SOCKS", 1)], at=placed)
    _picked(collected, at=at)
    collected = order_ready(order=collected, store=world.cph, at=at)
    hh.orders["collected"] = order_hand_over(
        pickup_code=collected.pickup_code, store=world.cph, at=at
    )

    # Collected, then one of its two units brought back at the counter.
    returned = world.place([("MUG", 2)], at=placed)
    _picked(returned, at=at)
    returned = order_ready(order=returned, store=world.cph, at=at)
    returned = order_hand_over(pickup_code=returned.pickup_code, store=world.cph, at=at)
    hh.orders["returned"] = returned
    hh.return_number = return_create(
        order=returned,
        lines=[ReturnRequestLine(line_no=1, quantity=1)],
        channel=world.pos,
        store=world.cph,
        source_key="handheld-return-1",
        at=at,
    ).number

    # Sourced here, collected in Roskilde: picked, waiting to be sent.
    send = world.place(
        [("JACKET", 1)],
        at=placed,
        fulfilment=Order.Fulfilment.COLLECT_OTHER,
        collect_store=world.ros,
        source_store=world.cph,
    )
    _picked(send, at=at)
    hh.orders["send"] = send

    # Sourced in Roskilde, collected here: on its way.
    transit = world.place(
        [("SHIRT", 1)],
        at=placed,
        fulfilment=Order.Fulfilment.COLLECT_OTHER,
        collect_store=world.cph,
        source_store=world.ros,
    )
    _picked(transit, at=at)
    hh.orders["in_transit"] = order_ready(order=transit, store=world.ros, at=at)

    stock_reserve(
        location=world.cph,
        lines=[(product, 1)],
        reference_kind=Reservation.ReferenceKind.STAFF_HOLD,
        reference="hold:handheld-1 Customer calls back after lunch about the colour",
        customer=world.customer,
        ttl=timedelta(hours=24),
        at=at,
    )
    return hh
