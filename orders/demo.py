"""Orders' part of ``seed_demo``: orders in every state, POS receipts, returns, an exchange.

``retail.demo.builder.demo_steps`` finds ``STEPS`` here and runs them last
(stores, prices, stock, members and staff exist by then).  Everything goes
through the real services: ``order_place``, the fulfilment steps,
``receipt_record``, ``return_create`` and ``exchange_create``, so stock,
stored value and points balance against their ledgers afterwards.

- **Orders**: in each of the first ``ORDER_STORES`` click-and-collect
  stores, one order per ``SCENARIOS`` entry, placed in its market's webshop:
  new, new past its promised time, picking, picking with a short-picked
  (removed and refunded) line, ready, ready past its pickup window
  (overdue), collected, collected and partly returned, expired, cancelled,
  shipped from the store and on its way from another store of the market
  (collect-other, in transit).  Some pay 100 with a gift card issued for
  the demo, all the rest by card.
- **POS receipts**: ``RECEIPTS`` per store at the market's POS channel,
  two of them by club members; one line of the first is returned and one of
  the second exchanged for another item.
- **Logins**: retail's staff step already creates ``manager-<store code>``
  (password ``demo-password``) for every store; its login lands on the
  store's work queue.  The order stores' managers are listed in the report.

Times: the orders have to look alive on the work queue (ages, promised
times, pickup windows, reservations and holds not yet lapsed), so they are
placed relative to the hour of the first run (``ctx.shared["orders_now"]``
overrides it), not to ``DEMO_EPOCH``.  What is ordered, by whom and in which
state is the same on every run.  A rerun finds each order by its card
payment reference ``demo:<store>:<scenario>`` (receipts by their id, returns
by their key) and adds nothing.  The notifications the services queue are
marked sent as of their time (the demo is history: nobody is e-mailed, and
``seed_demo`` does not print dozens of console e-mails).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from inventory.selectors import skus_with_free_stock
from loyalty.services.stored_value import stored_value_issue
from orders.models import Notification, Order, Return, Tender
from orders.services import fulfilment, sweeps
from orders.services.place import order_place
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from orders.services.returns import ReturnRequestLine, exchange_create, return_create
from orders.services.tenders import TenderRequest
from pricing.selectors import basket_price, prices_lookup
from retail.demo.builder import Login, SeedContext, Step
from retail.demo.staff import DEMO_PASSWORD, store_username
from retail.models import Channel, Customer, Store

ORDER_STORES = 3
RECEIPTS = 3
GIFT_CARD_TENDER = Decimal("100.00")
MIN_PRICE = Decimal("10.00")
MIN_FREE = 6  # units free of a SKU the demo orders: far more than it takes
SKUS = 60  # the SKUs a store's demo orders draw from
NOW_KEY = "orders_now"
C = Order.Fulfilment

# (name, lines, pays with gift card, hours before now it was placed)
SCENARIOS = (
    ("new", 2, False, 0.5),
    ("new-late", 1, False, 6),
    ("picking", 3, False, 2),
    ("short-picked", 2, True, 3),
    ("ready", 2, True, 26),
    ("overdue", 1, False, None),  # placed so its pickup window ended 36 hours ago
    ("collected", 2, True, 5 * 24),
    ("returned", 2, False, 12 * 24),
    ("expired", 1, True, None),  # placed so its pickup window ended 5.5 days ago
    ("cancelled", 1, True, 3 * 24),
    ("shipped", 2, False, 30),
    ("in-transit", 2, False, 20),
)
_NAMES = [name for name, *_ in SCENARIOS]


@dataclass
class _Shop:
    """One order store and what its orders draw on."""

    store: Store
    web: Channel
    pos: Channel
    skus: list[str]  # well stocked and priced, in a fixed shuffled order
    customers: list[Customer]
    gift_card: str
    source: Store | None  # another store of the market, for collect-other
    source_skus: list[str]
    now: datetime
    picked: int = 0

    def take(self, count: int, *, skus: list[str] | None = None) -> list[tuple[str, int]]:
        """The next ``count`` SKUs, one unit each; cycling, so no item runs short."""
        pool = skus or self.skus
        start, self.picked = self.picked, self.picked + count
        return [(pool[(start + i) % len(pool)], 1) for i in range(count)]

    def ago(self, hours: float) -> datetime:
        return self.now - timedelta(hours=hours)


def _now(ctx: SeedContext) -> datetime:
    return ctx.shared.setdefault(NOW_KEY, timezone.now().replace(minute=0, second=0, microsecond=0))


def _stocked_skus(store: Store, channel: Channel, *, count: int, at: datetime) -> list[str]:
    """Up to ``count`` SKUs with ``MIN_FREE`` units free at ``store`` that ``channel`` sells."""
    skus = skus_with_free_stock(store=store, free=MIN_FREE, count=count)
    if not skus:
        return []
    # Not free (a zero total would leave no card payment to find the order by on a rerun).
    quotes = prices_lookup(skus=skus, channel=channel, store=store, at=at)
    priced = {quote.sku for quote in quotes if quote.price >= MIN_PRICE}
    return [sku for sku in skus if sku in priced]


def _shops(ctx: SeedContext) -> list[_Shop]:
    now = _now(ctx)
    channels = Channel.objects.in_bulk(field_name="code")
    stores = [s for s in ctx.shared["stores"] if s.kind == Store.Kind.STORE and s.is_active]
    shops = []
    collecting = sorted(
        (s for s in stores if s.click_and_collect), key=lambda s: not s.ship_from_store
    )
    for store in collecting[:ORDER_STORES]:
        country = store.country.code
        web, pos = channels.get(f"WEB-{country}"), channels.get(f"POS-{country}")
        skus = _stocked_skus(store, web, count=SKUS, at=now) if web and pos else []
        if len(skus) < 4:
            continue
        rng = ctx.rng("orders", store.code)
        rng.shuffle(skus)
        source = next((s for s in stores if s.country == store.country and s != store), None)
        source_skus = _stocked_skus(source, web, count=10, at=now) if source else []
        customers = list(Customer.objects.exclude(email="").order_by("pk")[:40])
        if not customers:
            continue
        rng.shuffle(customers)
        _card, code = stored_value_issue(
            kind="gift_card",
            amount=Decimal("5000.00"),
            currency=web.currency,
            source_key=f"demo:orders:gift_card:{store.code}",
            at=now - timedelta(days=60),
        )
        shops.append(_Shop(store, web, pos, skus, customers, code, source, source_skus, now))
    return shops


def _place(shop: _Shop, name: str, lines, *, gift: bool, at: datetime, **kwargs) -> Order:
    """Place one demo order paid by card (and 100 by gift card); its card reference names it."""
    customer = shop.customers[_NAMES.index(name) % len(shop.customers)]
    tenders = [TenderRequest(kind="external", external_reference=f"demo:{shop.store.code}:{name}",
                             provider="card")]  # fmt: skip
    if gift:
        total = basket_price(lines=lines, channel=shop.web, customer=customer, at=at).total
        amount = min(GIFT_CARD_TENDER, (total / 2).quantize(Decimal("0.01")))
        tenders.insert(0, TenderRequest(kind="gift_card", amount=amount, code=shop.gift_card))
    kwargs.setdefault("fulfilment", C.CLICK_COLLECT)
    if kwargs["fulfilment"] in (C.CLICK_COLLECT, C.COLLECT_OTHER):
        kwargs.setdefault("collect_store", shop.store)
    return order_place(
        channel=shop.web, customer=customer, lines=lines, tenders=tenders, at=at, **kwargs
    )


def _pick_all(order: Order, store: Store, *, at: datetime, skip: int = 0) -> None:
    for line in order.lines.order_by("line_no")[skip:]:
        fulfilment.order_line_pick(line=line, store=store, at=at)


def _ready(order: Order, store: Store, *, at: datetime) -> Order:
    _pick_all(order, store, at=at - timedelta(minutes=20))
    return fulfilment.order_ready(order=order, store=store, at=at)


def _scenario(shop: _Shop, name: str, lines: int, gift: bool, hours: float | None) -> None:
    """Play one scenario at ``shop``; skip what it cannot (no other store, does not ship)."""
    store, days = shop.store, shop.store.pickup_days
    if name == "overdue":
        hours = (days + 2) * 24
    elif name == "expired":
        hours = (days + 6) * 24
    at = shop.ago(hours)
    hour = timedelta(hours=1)
    if name == "in-transit":
        if shop.source is None or not shop.source_skus:
            return
        order = _place(shop, name, shop.take(lines, skus=shop.source_skus), gift=gift, at=at,
                       fulfilment=C.COLLECT_OTHER, source_store=shop.source)  # fmt: skip
        _ready(order, shop.source, at=at + 2 * hour)
        return
    if name == "shipped":
        if not store.ship_from_store:
            return
        address = {"name": "Demo Customer", "street": "Demovej 1", "postal_code": store.postal_code,
                   "city": store.city, "country": store.country.code}  # fmt: skip
        order = _place(shop, name, shop.take(lines), gift=gift, at=at,
                       fulfilment=C.SHIP_FROM_STORE, source_store=store,
                       shipping_address=address)  # fmt: skip
        _pick_all(order, store, at=at + 2 * hour)
        tracking = f"DEMO-{store.code}-{name}"
        fulfilment.order_ship(order=order, store=store, tracking=tracking, at=at + 3 * hour)
        return
    promised = at + timedelta(hours=4) if name.startswith("new") else None
    order = _place(shop, name, shop.take(lines), gift=gift, at=at, promised_at=promised)
    if name == "picking":
        fulfilment.order_pick_start(order=order, store=store, at=at + hour / 2)
        _pick_all(order, store, at=at + hour, skip=lines - 1)
    elif name == "short-picked":
        first, second = order.lines.order_by("line_no")
        fulfilment.order_line_pick(line=first, store=store, at=at + hour)
        fulfilment.order_line_short_pick(line=second, store=store, at=at + 1.2 * hour)
    elif name == "ready":
        _ready(order, store, at=at + 4 * hour)
    elif name == "overdue":
        _ready(order, store, at=at + 12 * hour)  # the window ended 36 hours ago
    elif name in ("collected", "returned"):
        _ready(order, store, at=at + 5 * hour)
        fulfilment.order_hand_over(pickup_code=order.pickup_code, store=store, at=at + 8 * hour)
        if name == "returned":
            return_create(
                order=order,
                lines=[ReturnRequestLine(line_no=1, quantity=1)],
                channel=shop.pos,
                store=store,
                source_key=f"demo:return:{store.code}:{name}",
                reason="Wrong size",
                at=at + 3 * 24 * hour,
            )
    elif name == "expired":
        ready = _ready(order, store, at=at + 12 * hour)
        sweeps.orders_expire(at=ready.pickup_expires_at + hour)
    elif name == "cancelled":
        fulfilment.order_cancel(order=order, reason="Customer changed their mind", at=at + 2 * hour)


def _notifications_sent(after: int) -> None:
    """Mark the demo's new outbox rows sent when queued: the demo is history, nobody is mailed."""
    Notification.objects.filter(pk__gt=after, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT, attempts=1, sent_at=F("created_at")
    )


def _last_notification() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def seed_orders(*, ctx: SeedContext) -> None:
    """Place the missing scenario orders in each order store and move them to their state."""
    last = _last_notification()
    shops = _shops(ctx)
    done = set(
        Tender.objects.filter(external_reference__startswith="demo:").values_list(
            "external_reference", flat=True
        )
    )
    before = Order.objects.filter(kind=Order.Kind.ORDER).count()
    for shop in shops:
        for name, lines, gift, hours in SCENARIOS:
            if f"demo:{shop.store.code}:{name}" in done:
                shop.take(lines)  # keep the later scenarios on the same SKUs
                continue
            _scenario(shop, name, lines, gift, hours)
    ctx.count(Order, Order.objects.filter(kind=Order.Kind.ORDER).count() - before)
    _notifications_sent(last)
    ctx.shared["order_shops"] = shops
    _logins(ctx, [shop.store for shop in shops])
    for status, count in _by_status(Order.Kind.ORDER).items():
        ctx.summary[f"orders {status}"] = count


def _logins(ctx: SeedContext, stores: list[Store]) -> None:
    names = {store_username("manager", store.code): store for store in stores}
    existing = set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )
    for username, store in names.items():
        if username in existing:
            ctx.logins.append(
                Login(
                    username,
                    DEMO_PASSWORD,
                    f"Store manager, {store.code}: work queue /store/orders/",
                )
            )


def _by_status(kind: str) -> dict[str, int]:
    rows = Order.objects.filter(kind=kind).values_list("status", flat=True)
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


def _receipt_lines(shop: _Shop, lines, *, at: datetime) -> list[ReceiptLine]:
    priced = basket_price(lines=lines, channel=shop.pos, store=shop.store, at=at)
    return [
        ReceiptLine(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                    total=line.total)
        for line in priced.lines
    ]  # fmt: skip


def seed_receipts(*, ctx: SeedContext) -> None:
    """Record POS receipts in each order store; return a line of one, exchange one of another."""
    last = _last_notification()
    shops = ctx.shared.get("order_shops") or _shops(ctx)
    before = Order.objects.filter(kind=Order.Kind.RECEIPT).count()
    returns_before = Return.objects.count()
    for shop in shops:
        store = shop.store
        if Order.objects.filter(collect_store=store, receipt_id=f"DEMO-{1:04d}").exists():
            continue  # seeded before; what is free to sell has changed since, so do not redo it
        receipts = []
        for n in range(1, RECEIPTS + 1):
            at = shop.ago(24 * (4 - n) + 3)
            lines = _receipt_lines(shop, shop.take(3 - n % 2), at=at)
            total = sum((line.total for line in lines), Decimal(0))
            order, _created = receipt_record(
                channel=shop.pos,
                store=store,
                receipt_id=f"DEMO-{n:04d}",
                lines=lines,
                tenders=[ReceiptTender(kind="external", amount=total, reference=f"demo:pos:{n}")],
                customer=shop.customers[n] if n < RECEIPTS else None,
                sold_at=at,
                at=at,
            )
            receipts.append(order)
        return_create(
            order=receipts[0],
            lines=[ReturnRequestLine(line_no=1, quantity=1, condition="damaged")],
            channel=shop.pos,
            store=store,
            source_key=f"demo:return:{store.code}:receipt",
            reason="Broken in the box",
            at=receipts[0].placed_at + timedelta(days=1),
        )
        _exchange(shop, receipts[1])
    ctx.count(Order, Order.objects.filter(kind=Order.Kind.RECEIPT).count() - before)
    ctx.count(Return, Return.objects.count() - returns_before)
    _notifications_sent(last)
    ctx.summary["POS receipts"] = Order.objects.filter(kind=Order.Kind.RECEIPT).count()
    ctx.summary["returns"] = Return.objects.count()


def _exchange(shop: _Shop, receipt: Order) -> None:
    """Swap one unit of the receipt's first line for a dearer item; the card pays the difference."""
    store, at = shop.store, receipt.placed_at + timedelta(hours=20)
    line = receipt.lines.get(line_no=1)
    paid = line.total_amount / line.quantity
    dearer = None
    for sku, _ in shop.take(10):  # priced as the service prices it: for the customer, here
        total = basket_price(
            lines=[(sku, 1)], channel=shop.pos, store=store, customer=receipt.customer, at=at
        ).total
        if total >= paid + 1:
            dearer = sku
            break
    if dearer is None:
        return
    exchange_create(
        order=receipt,
        lines=[ReturnRequestLine(line_no=1, quantity=1)],
        new_lines=[(dearer, 1)],
        channel=shop.pos,
        store=store,
        source_key=f"demo:exchange:{store.code}",
        tenders=[
            TenderRequest(
                kind="external", provider="card", external_reference=f"demo:{store.code}:exchange"
            )
        ],
        at=at,
    )


STEPS = [
    Step("orders", seed_orders),
    Step("POS receipts and returns", seed_receipts),
]
