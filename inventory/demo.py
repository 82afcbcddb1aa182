"""Inventory's part of ``seed_demo``: who sells from where, buffers, stock, transfers and holds.

``retail.demo.builder.demo_steps`` finds ``STEPS`` here and runs them after
the core's (stores, channels, products, customers and staff exist by then).

- **Channel locations**: a market's webshop and app sell from its warehouse
  (only Denmark has one, ``DK-WH01``, which also serves the marketplace);
  a market without a warehouse sells online from its ship-from-store stores.
- **Safety buffers**: webshop 2, app 2, POS 0, marketplace 3; the webshops
  keep 3 of clothing but 1 of clothing accessories (the nearest category
  wins), and the Stockholm flagship keeps 4 from the Swedish webshop.
- **Stock**: every store carries the first ``STORE_ASSORTMENT`` products of
  the catalogue (the warehouse the first ``WAREHOUSE_ASSORTMENT``), with one
  opening receipt movement per stocked row so on hand equals the ledger.
  About 10% of store rows are empty and 15% low (1 to 3).  The caps keep
  ``--stores 200 --products 50000`` to a few hundred thousand rows; the
  availability benchmark builds its own 10M rows.  Quantities come from a
  generator per location, so a store's stock does not depend on how many
  other stores there are.
- **Transfers and holds** go through the services at fixed demo times; the
  holds last until ``DEMO_HOLDS_UNTIL`` so the store pages show them.
  Transfer numbers are the service's own (random) ones; a rerun finds the
  transfers by their ``demo:`` reference and adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection

from inventory.models import (
    ChannelLocation,
    Reservation,
    SafetyBuffer,
    StockLevel,
    StockMovement,
    Transfer,
)
from inventory.services import stock_reserve, stock_transfer_receive, stock_transfer_ship
from retail.demo.builder import BATCH_SIZE, DEMO_EPOCH, SeedContext, Step
from retail.models import Category, Channel, Customer, Product, Store

STORE_ASSORTMENT = 2_000
WAREHOUSE_ASSORTMENT = 10_000
OPENING_STOCK_AT = DEMO_EPOCH - timedelta(days=1)
DEMO_HOLDS_UNTIL = datetime(2028, 1, 1, tzinfo=UTC)
TRANSFERS = 3
HOLDS = 4

# (channel kind, default buffer)
CHANNEL_BUFFERS = {"webshop": 2, "app": 2, "pos": 0, "marketplace": 3}
# (channel kind, category code, buffer): the nearest category rule wins.
CATEGORY_BUFFERS = (("webshop", "CLOTHING", 3), ("webshop", "CLO-ACCESSORIES", 1))
# (channel code, store code, buffer)
STORE_BUFFERS = (("WEB-SE", "SE-STO01", 4),)


def _sku(number: int) -> str:
    return f"SKU-{number:06d}"


def assortment(*, store: Store, products: int) -> int:
    """How many of the first products of the catalogue ``store`` carries."""
    cap = WAREHOUSE_ASSORTMENT if store.kind == Store.Kind.WAREHOUSE else STORE_ASSORTMENT
    return min(products, cap)


def opening_quantities(rng: random.Random, *, warehouse: bool, count: int) -> list[int]:
    """The opening stock of products 1..count at one location; some empty, some low."""
    quantities = []
    for _number in range(count):
        draw = rng.random()
        if warehouse:
            quantity = 0 if draw < 0.03 else rng.randint(1, 10) if draw < 0.08 else None
            quantities.append(rng.randint(20, 400) if quantity is None else quantity)
        else:
            quantity = 0 if draw < 0.10 else rng.randint(1, 3) if draw < 0.25 else None
            quantities.append(rng.randint(4, 30) if quantity is None else quantity)
    return quantities


def seed_channel_locations(*, ctx: SeedContext) -> None:
    """Let each market's online channels sell from its warehouse, else its ship-from stores."""
    stores = ctx.shared["stores"]
    wanted = []
    for channel in Channel.objects.exclude(kind=Channel.Kind.POS).order_by("code"):
        in_market = [s for s in stores if s.country == channel.country and s.is_active]
        warehouses = [s for s in in_market if s.kind == Store.Kind.WAREHOUSE]
        serving = warehouses or [s for s in in_market if s.ship_from_store]
        if channel.kind == Channel.Kind.MARKETPLACE:
            serving = warehouses
        wanted += [(channel.pk, store.pk) for store in serving]
    existing = set(ChannelLocation.objects.values_list("channel_id", "location_id"))
    ctx.bulk_create(
        ChannelLocation,
        [ChannelLocation(channel_id=c, location_id=s) for c, s in wanted if (c, s) not in existing],
    )
    ctx.summary["channel locations"] = ChannelLocation.objects.count()


def seed_safety_buffers(*, ctx: SeedContext) -> None:
    """Create the channel defaults, the clothing overrides and the flagship's store rule."""
    channels = list(Channel.objects.order_by("code"))
    categories = dict(Category.objects.values_list("code", "pk"))
    stores = {s.code: s.pk for s in ctx.shared["stores"]}
    wanted = {}
    for channel in channels:
        wanted[channel.pk, None, None] = CHANNEL_BUFFERS[channel.kind]
        for kind, code, quantity in CATEGORY_BUFFERS:
            if channel.kind == kind and code in categories:
                wanted[channel.pk, None, categories[code]] = quantity
    by_code = {c.code: c.pk for c in channels}
    for channel_code, store_code, quantity in STORE_BUFFERS:
        if channel_code in by_code and store_code in stores:
            wanted[by_code[channel_code], stores[store_code], None] = quantity
    existing = set(
        SafetyBuffer.objects.filter(product__isnull=True).values_list(
            "channel_id", "store_id", "category_id"
        )
    )
    ctx.bulk_create(
        SafetyBuffer,
        [
            SafetyBuffer(channel_id=c, store_id=s, category_id=cat, quantity=q)
            for (c, s, cat), q in wanted.items()
            if (c, s, cat) not in existing
        ],
    )
    ctx.summary["safety buffers"] = SafetyBuffer.objects.count()


@dataclass(frozen=True)
class _Stocked:
    location: Store
    product_ids: list[int]
    quantities: list[int]


def _stock_plan(ctx: SeedContext) -> list[_Stocked]:
    products = dict(
        Product.objects.filter(
            sku__in=[_sku(n) for n in range(1, min(ctx.config.products, WAREHOUSE_ASSORTMENT) + 1)]
        ).values_list("sku", "pk")
    )
    plan = []
    for store in ctx.shared["stores"]:
        count = assortment(store=store, products=ctx.config.products)
        warehouse = store.kind == Store.Kind.WAREHOUSE
        quantities = opening_quantities(
            ctx.rng("stock", store.code), warehouse=warehouse, count=count
        )
        ids = [products.get(_sku(n)) for n in range(1, count + 1)]
        kept = [(pk, q) for pk, q in zip(ids, quantities, strict=True) if pk is not None]
        plan.append(_Stocked(store, [pk for pk, _q in kept], [q for _pk, q in kept]))
    return plan


LEVEL_COLUMNS = ("location_id", "product_id", "on_hand", "reserved", "updated_at")
MOVEMENT_COLUMNS = (
    "location_id",
    "product_id",
    "kind",
    "quantity",
    "on_hand_after",
    "reason",
    "actor_label",
    "source_document",
    "source_key",
    "created_at",
)


def _insert(ctx: SeedContext, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL (hundreds of thousands a second), else bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ctx.bulk_create(model, [model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    copy_sql = f"COPY {table} ({names}) FROM STDIN"
    bar = ctx.progress(total=len(rows), desc=model._meta.verbose_name_plural)
    with bar, connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for start in range(0, len(rows), BATCH_SIZE):
            for row in rows[start : start + BATCH_SIZE]:
                copy.write_row(row)
            bar.update(min(BATCH_SIZE, len(rows) - start))
    ctx.count(model, len(rows))


def seed_stock(*, ctx: SeedContext) -> None:
    """Create the missing stock rows, each with its opening receipt, in bulk.

    Bypasses ``stock_receive`` for speed (COPY, or one INSERT per batch,
    instead of a locked write per row) while keeping its invariant: every new
    row's on hand equals its one movement, and a row that exists already is
    left with its history as it is.
    """
    plan = _stock_plan(ctx)
    existing = set(StockLevel.objects.values_list("location_id", "product_id"))
    levels, movements = [], []
    receipt = StockMovement.Kind.RECEIPT
    for stocked in plan:
        location_id, code = stocked.location.pk, stocked.location.code
        for product_id, quantity in zip(stocked.product_ids, stocked.quantities, strict=True):
            if (location_id, product_id) in existing:
                continue
            levels.append((location_id, product_id, quantity, 0, OPENING_STOCK_AT))
            if quantity:
                movements.append(
                    (
                        location_id,
                        product_id,
                        receipt,
                        quantity,
                        quantity,
                        "opening stock",
                        "seed_demo",
                        "DEMO-OPENING",
                        f"demo:opening:{code}:{product_id}",
                        OPENING_STOCK_AT,
                    )
                )
    _insert(ctx, StockLevel, LEVEL_COLUMNS, levels)
    _insert(ctx, StockMovement, MOVEMENT_COLUMNS, movements)
    ctx.shared["stock_plan"] = plan
    ctx.summary["stock rows"] = StockLevel.objects.count()
    ctx.summary["stock movements"] = StockMovement.objects.count()


def _well_stocked(plan: list[_Stocked], store: Store, *, skip: int, minimum: int) -> list[int]:
    """Products ``store`` has at least ``minimum`` of, in catalogue order, after ``skip``."""
    stocked = next((s for s in plan if s.location.pk == store.pk), None)
    if stocked is None:
        return []
    pairs = zip(stocked.product_ids, stocked.quantities, strict=True)
    return [pk for pk, quantity in pairs if quantity >= minimum][skip:]


def seed_transfers(*, ctx: SeedContext) -> None:
    """Ship a few transfers from the warehouse to the first stores; receive the first one."""
    plan = ctx.shared.get("stock_plan", [])
    locations = ctx.shared["stores"]
    source = next((s for s in locations if s.kind == Store.Kind.WAREHOUSE), None)
    targets = [s for s in locations if s.kind == Store.Kind.STORE][:TRANSFERS]
    done = set(
        Transfer.objects.filter(reference__startswith="demo:").values_list("reference", flat=True)
    )
    created = 0
    for index, destination in enumerate(targets, start=1):
        reference = f"demo:transfer:{index}"
        if source is None or reference in done:
            continue
        product_ids = _well_stocked(plan, source, skip=index * 2, minimum=10)[:2]
        if not product_ids:
            continue
        products = Product.objects.in_bulk(product_ids)
        at = DEMO_EPOCH + timedelta(days=index)
        transfer = stock_transfer_ship(
            source=source,
            destination=destination,
            lines=[(products[pk], 2 + index) for pk in product_ids],
            reference=reference,
            at=at,
        )
        if index == 1:
            stock_transfer_receive(transfer=transfer, at=at + timedelta(days=1))
        created += 1
    ctx.count(Transfer, created)
    ctx.summary["transfers"] = Transfer.objects.count()


def seed_holds(*, ctx: SeedContext) -> None:
    """Place a few staff holds for customers, by each store's clerk, through ``stock_reserve``."""
    plan = ctx.shared.get("stock_plan", [])
    stores = [s for s in ctx.shared["stores"] if s.kind == Store.Kind.STORE][:HOLDS]
    clerks = get_user_model().objects.in_bulk(
        [f"clerk-{s.code.lower()}" for s in stores], field_name="username"
    )
    customers = list(Customer.objects.exclude(email="").order_by("email")[:HOLDS])
    existing = set(
        Reservation.objects.filter(reference__startswith="hold:DEMO-").values_list(
            "reference", flat=True
        )
    )
    created = 0
    for index, store in enumerate(stores, start=1):
        reference = f"hold:DEMO-{index}"
        product_ids = _well_stocked(plan, store, skip=index, minimum=4)[:1]
        if reference in existing or not product_ids:
            continue
        stock_reserve(
            location=store,
            lines=[(Product.objects.get(pk=product_ids[0]), 1 + index % 2)],
            reference_kind=Reservation.ReferenceKind.STAFF_HOLD,
            reference=reference,
            customer=customers[index - 1] if index <= len(customers) else None,
            actor=clerks.get(f"clerk-{store.code.lower()}"),
            ttl=DEMO_HOLDS_UNTIL - DEMO_EPOCH,
            at=DEMO_EPOCH,
        )
        created += 1
    ctx.count(Reservation, created)
    ctx.summary["active holds"] = Reservation.objects.filter(
        status=Reservation.Status.ACTIVE, reference_kind=Reservation.ReferenceKind.STAFF_HOLD
    ).count()


STEPS = [
    Step("channel locations", seed_channel_locations),
    Step("safety buffers", seed_safety_buffers),
    Step("stock", seed_stock),
    Step("transfers", seed_transfers),
    Step("staff holds", seed_holds),
]
