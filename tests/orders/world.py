"""A small chain to place, pick, collect and return orders in; the shared builder of order tests.

Everything is put in place through the real services (stock received,
prices set, gift cards issued), so the ledger checks hold afterwards:
``assert_books_balance()``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from inventory.models import ChannelLocation
from loyalty.models import Membership
from loyalty.services.membership import membership_join
from loyalty.services.points import points_book_check
from loyalty.services.stored_value import stored_value_book_check, stored_value_issue
from orders.models import Order
from orders.services.place import order_place
from orders.services.tenders import TenderRequest
from pricing.models import Campaign
from retail.models import Channel, Customer, OpeningHours, Product, Store
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    CustomerFactory,
    ProductFactory,
    make_staff,
)
from tests.inventory.helpers import assert_ledger_holds, receive, store_at
from tests.pricing.factories import (
    CampaignFactory,
    PriceListEntryFactory,
    PriceListFactory,
    dk_market,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}:{next(_keys)}"


def D(value) -> Decimal:
    return Decimal(str(value))


@dataclass
class World:
    """Two click-and-collect stores, a ship-from-store store, a warehouse, a webshop and a POS."""

    webshop: Channel
    pos: Channel
    cph: Store  # click-and-collect, stocked
    ros: Store  # click-and-collect, little stock
    aar: Store  # ships from store
    warehouse: Store
    customer: Customer  # a club member with e-mail and phone, Danish
    products: dict[str, Product] = field(default_factory=dict)
    three_for_two: Campaign | None = None

    def p(self, sku: str) -> Product:
        return self.products[sku]

    def gift_card(self, amount="500.00", *, pin=None) -> str:
        """Issue an active gift card; return its code."""
        _, code = stored_value_issue(
            kind="gift_card", amount=D(amount), currency="DKK", source_key=key("gc"), pin=pin, at=AT
        )
        return code

    def membership(self) -> Membership:
        return Membership.objects.get(customer=self.customer)

    def place(
        self,
        lines=(("SHIRT", 1),),
        *,
        store: Store | None = None,
        fulfilment: str = Order.Fulfilment.CLICK_COLLECT,
        tenders=None,
        at: datetime = AT,
        **kwargs,
    ) -> Order:
        """Place a click-and-collect order at ``store`` (default cph), paid by card unless told."""
        return order_place(
            channel=kwargs.pop("channel", self.webshop),
            customer=kwargs.pop("customer", self.customer),
            lines=list(lines),
            fulfilment=fulfilment,
            collect_store=kwargs.pop("collect_store", store or self.cph),
            tenders=tenders
            or [TenderRequest(kind="external", external_reference=key("psp"), provider="card")],
            at=at,
            **kwargs,
        )

    def staff(self, store: Store, role: str = "store_clerk"):
        return make_staff(role, stores=[store])


def make_world(*, stock: int = 10, three_for_two: bool = True) -> World:
    """Build the world: SHIRT 200.00, SOCKS 50.00 (3 for 2), MUG 80.00, JACKET 1000.00."""
    webshop = dk_market(code="WEB-DK", kind="webshop")
    pos = ChannelFactory(code="POS-DK", name="Stores DK", kind="pos")
    cph = store_at("DK-CPH01", "CPH", name="København Strøget", click_and_collect=True)
    ros = store_at("DK-ROS01", "ROS", name="Roskilde Algade", click_and_collect=True)
    aar = store_at(
        "DK-AAR01", "AAR", name="Aarhus Søndergade", ship_from_store=True, click_and_collect=False
    )
    warehouse = store_at(
        "DK-WH01", "WH", name="Warehouse Taulov", kind=Store.Kind.WAREHOUSE, click_and_collect=False
    )
    for store in (cph, ros, aar):
        for weekday in range(7):
            OpeningHours.objects.create(
                store=store, weekday=weekday, opens_at="10:00", closes_at="18:00"
            )
    ChannelLocation.objects.create(channel=webshop, location=warehouse)
    prices = PriceListFactory(code="DK-PUBLIC", currency="DKK", channels=[webshop, pos])
    clothing = CategoryFactory(code="CLOTHING", name="Clothing")
    home = CategoryFactory(code="HOME", name="Home")
    world = World(
        webshop=webshop,
        pos=pos,
        cph=cph,
        ros=ros,
        aar=aar,
        warehouse=warehouse,
        customer=CustomerFactory(
            first_name="Mette", email="mette@example.dk", phone="+4520123456", language="da"
        ),
    )
    for sku, name, amount, category in (
        ("SHIRT", "Linen shirt", "200.00", clothing),
        ("SOCKS", "Wool socks", "50.00", clothing),
        ("MUG", "Stoneware mug", "80.00", home),
        ("JACKET", "Rain jacket", "1000.00", clothing),
    ):
        product = ProductFactory(sku=sku, name=name, category=category)
        PriceListEntryFactory(price_list=prices, product=product, amount=D(amount))
        world.products[sku] = product
        for store, quantity in ((cph, stock), (ros, 1), (aar, stock), (warehouse, 5 * stock)):
            receive(store, product, quantity)
    if three_for_two:
        world.three_for_two = CampaignFactory(
            code="SOCKS-3FOR2",
            name="3 for 2 socks",
            kind=Campaign.Kind.MULTIBUY,
            percent=None,
            buy_quantity=3,
            pay_quantity=2,
            targets=[{"product": world.products["SOCKS"]}],
        )
    membership_join(customer=world.customer, at=AT - timedelta(days=30))
    return world


def assert_books_balance() -> None:
    """Stock, points and stored value each equal the sum of their ledgers."""
    assert_ledger_holds()
    assert points_book_check() == []
    assert stored_value_book_check() == []
