"""Inventory's reads: buffers and available-to-promise per store, across stores, per channel.

Each selector is fetch, then compute: a constant number of queries whatever
the number of products or stores (the stock rows for all the SKUs in one
query on the ``(product, location)`` index, the buffers in one more), then
plain Python.

Available-to-promise = max(0, on hand - reserved - buffer).  A caller
without a channel (store staff, a till) sees everything: its buffer is 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q

from inventory.models import ChannelLocation, SafetyBuffer, StockLevel
from retail.db_router import read_connection
from retail.models import Category, Channel, Product, Store

# The bulk endpoint of a webshop listing page asks for at most this many SKUs at once.
MAX_CHANNEL_PRODUCTS = 500
EARTH_RADIUS_KM = 6371.0088


class StockAvailability(NamedTuple):
    """One product at one location, as the caller's channel sees it."""

    product: Product
    on_hand: int
    reserved: int
    buffer: int
    available: int


class StoreAvailability(NamedTuple):
    """One product at one store; ``distance_km`` is None when no point was given."""

    store: Store
    on_hand: int
    reserved: int
    buffer: int
    available: int
    distance_km: float | None


def available_to_promise(*, on_hand: int, reserved: int, buffer: int) -> int:
    """Return what may be promised: on hand less reserved less the buffer, never below zero."""
    return max(0, on_hand - reserved - buffer)


# --- Safety buffers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BufferTable:
    """The safety buffers of one channel for a set of stores and products, resolved in memory.

    The most specific rule wins: a product rule, then the rule of the nearest
    category ancestor, then the store's rule, then the channel default; at
    each of the first two levels a rule for this very store beats one for
    every store.  Built by :func:`buffer_table`; ``get`` runs no query.
    """

    default: int = 0
    store_rules: dict[int, int] = field(default_factory=dict)
    # product id -> the buffer of its product or category rule for every store, if any.
    general: dict[int, int] = field(default_factory=dict)
    # (store id, product id) -> the product or category rule that names the store.
    store_specific: dict[tuple[int, int], int] = field(default_factory=dict)

    def get(self, store_id: int, product_id: int) -> int:
        """Return the buffer of ``product_id`` at ``store_id``."""
        if self.store_specific:
            buffer = self.store_specific.get((store_id, product_id))
            if buffer is not None:
                return buffer
        buffer = self.general.get(product_id)
        if buffer is not None:
            return buffer
        return self.store_rules.get(store_id, self.default)

    def as_sql(self) -> tuple[str, list[int]]:
        """The same rules as a SQL expression over a stock row's ``location_id`` and ``product_id``.

        Returns the SQL and its parameters.  One ``WHEN`` per distinct buffer
        value (rules of equal value share an ``IN`` list), so the expression
        stays short however many products.
        """
        whens: list[str] = []
        params: list[int] = []
        for (store_id, product_id), buffer in sorted(self.store_specific.items()):
            whens.append("WHEN location_id = %s AND product_id = %s THEN %s")
            params += [store_id, product_id, buffer]
        for column, rules in (("product_id", self.general), ("location_id", self.store_rules)):
            by_value: dict[int, list[int]] = {}
            for key, buffer in sorted(rules.items()):
                by_value.setdefault(buffer, []).append(key)
            for buffer, keys in sorted(by_value.items()):
                whens.append(f"WHEN {column} IN ({', '.join(['%s'] * len(keys))}) THEN %s")
                params += [*keys, buffer]
        if not whens:
            return "%s", [self.default]
        return f"(CASE {' '.join(whens)} ELSE %s END)", [*params, self.default]


NO_BUFFER = BufferTable()


def _category_paths(products: Sequence[Product]) -> dict[int, str]:
    """Return product id -> materialised path of its category; no query if categories are loaded."""
    paths = {}
    missing = []
    for product in products:
        if Product.category.is_cached(product):
            paths[product.pk] = product.category.path
        else:
            missing.append(product.pk)
    if missing:
        paths.update(Product.objects.filter(pk__in=missing).values_list("pk", "category__path"))
    return paths


def _ancestor_paths(path: str) -> list[str]:
    """Return the paths of the node at ``path`` and its ancestors, nearest first."""
    step = Category.steplen
    return [path[:end] for end in range(len(path), 0, -step)]


def buffer_table(
    *,
    channel: Channel | None,
    stores: Iterable[Store] | Iterable[int] | None,
    products: Sequence[Product],
    store_filter: Q | None = None,
) -> BufferTable:
    """Load and resolve the buffers of ``channel`` for ``products`` at ``stores``.

    ``stores`` are stores or store ids; pass ``store_filter`` (a ``Q`` on
    ``store_id``) instead to select them with a subquery.  No channel means
    no buffer (staff and tills see everything) and no query.  One query for
    the rules, one more for category paths when a category rule exists and
    the products' categories are not loaded.
    """
    if channel is None or not products:
        return NO_BUFFER
    if store_filter is None:
        store_ids = [s if isinstance(s, int) else s.pk for s in (stores or ())]
        store_filter = Q(store_id__in=store_ids)
    product_ids = [p.pk for p in products]
    rules = list(
        SafetyBuffer.objects.filter(channel=channel)
        .filter(Q(store__isnull=True) | store_filter)
        # Category rules are few; all of the channel's come, matched to products below.
        .filter(Q(product_id__in=product_ids) | Q(product__isnull=True))
        .values_list("store_id", "category__path", "product_id", "quantity")
    )
    return _resolve(rules, products)


def _resolve(rules: list[tuple[int | None, str | None, int | None, int]], products) -> BufferTable:
    default = 0
    store_rules: dict[int, int] = {}
    by_product: dict[tuple[int | None, int], int] = {}
    by_category: dict[tuple[int | None, str], int] = {}
    specific_stores: set[int] = set()
    for store_id, path, product_id, quantity in rules:
        if product_id is not None:
            by_product[store_id, product_id] = quantity
        elif path is not None:
            by_category[store_id, path] = quantity
        elif store_id is not None:
            store_rules[store_id] = quantity
            continue
        else:
            default = quantity
            continue
        if store_id is not None:
            specific_stores.add(store_id)

    paths = _category_paths(products) if by_category else {}
    general: dict[int, int] = {}
    store_specific: dict[tuple[int, int], int] = {}
    for product in products:
        ancestors = _ancestor_paths(paths[product.pk]) if by_category else ()
        buffer = _most_specific(None, product.pk, ancestors, by_product, by_category)
        if buffer is not None:
            general[product.pk] = buffer
        for store_id in specific_stores:
            specific = _most_specific(store_id, product.pk, ancestors, by_product, by_category)
            if specific is not None and specific != buffer:
                store_specific[store_id, product.pk] = specific
    return BufferTable(default, store_rules, general, store_specific)


def _most_specific(store_id, product_id, ancestors, by_product, by_category) -> int | None:
    """The product rule, else the nearest category rule; this store's beats every store's."""
    keys = [(store_id, product_id)] if store_id is not None else []
    for key in [*keys, (None, product_id)]:
        if key in by_product:
            return by_product[key]
    for path in ancestors:
        if store_id is not None and (store_id, path) in by_category:
            return by_category[store_id, path]
        if (None, path) in by_category:
            return by_category[None, path]
    return None


def buffer_for(*, channel: Channel | None, store: Store, product: Product) -> int:
    """Return the buffer ``channel`` keeps of ``product`` at ``store`` (0 without a channel)."""
    table = buffer_table(channel=channel, stores=[store], products=[product])
    return table.get(store.pk, product.pk)


# --- Availability -----------------------------------------------------------------------------


def availability_at_store(
    *, store: Store, products: Sequence[Product], channel: Channel | None = None
) -> list[StockAvailability]:
    """Return on hand, reserved, buffer and available of each of ``products`` at ``store``.

    In the order of ``products``; a product the store has never stocked has
    zeros.  At most three queries: stock, buffers, category paths (the last
    only for category rules when ``product.category`` is not loaded).
    """
    if not products:
        return []
    stock = {
        product_id: (on_hand, reserved)
        for product_id, on_hand, reserved in StockLevel.objects.filter(
            location=store, product_id__in=[p.pk for p in products]
        ).values_list("product_id", "on_hand", "reserved")
    }
    buffers = buffer_table(channel=channel, stores=[store], products=products)
    rows = []
    for product in products:
        on_hand, reserved = stock.get(product.pk, (0, 0))
        buffer = buffers.get(store.pk, product.pk)
        available = available_to_promise(on_hand=on_hand, reserved=reserved, buffer=buffer)
        rows.append(StockAvailability(product, on_hand, reserved, buffer, available))
    return rows


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def availability_across_stores(
    *,
    product: Product,
    channel: Channel | None = None,
    near: tuple[float, float] | None = None,
    click_and_collect_only: bool = False,
    stores: Iterable[Store] | None = None,
) -> list[StoreAvailability]:
    """Return ``product``'s stock at every active location, nearest to ``near`` first.

    Without ``near`` the order is by store code.  ``click_and_collect_only``
    keeps the stores customers can collect from (no warehouses).  Pass
    ``stores`` to use an already loaded list instead of every active one.
    Three queries at most: locations, stock, buffers (plus the product's
    category path when it is needed and not loaded).
    """
    if stores is None:
        stores = Store.objects.filter(is_active=True)
        if click_and_collect_only:
            stores = stores.filter(click_and_collect=True)
    stores = [s for s in stores if s.click_and_collect or not click_and_collect_only]
    stock = {
        location_id: (on_hand, reserved)
        for location_id, on_hand, reserved in StockLevel.objects.filter(
            product=product
        ).values_list("location_id", "on_hand", "reserved")
    }
    buffers = buffer_table(channel=channel, stores=stores, products=[product])
    rows = []
    for store in stores:
        on_hand, reserved = stock.get(store.pk, (0, 0))
        buffer = buffers.get(store.pk, product.pk)
        distance = None
        if near is not None:
            distance = distance_km(near[0], near[1], float(store.latitude), float(store.longitude))
        available = available_to_promise(on_hand=on_hand, reserved=reserved, buffer=buffer)
        rows.append(StoreAvailability(store, on_hand, reserved, buffer, available, distance))
    if near is not None:
        rows.sort(key=lambda row: (row.distance_km, row.store.code))
    else:
        rows.sort(key=lambda row: row.store.code)
    return rows


def availability_for_channel(*, channel: Channel, products: Sequence[Product]) -> dict[int, int]:
    """Return product id -> what ``channel`` may promise, summed over the locations serving it.

    Each location counts with its own buffer and never below zero, so one
    store's shortfall never hides another's stock.  Serving locations are
    ``ChannelLocation`` rows of active stores.  At most ``MAX_CHANNEL_PRODUCTS``
    products (raises ``ValueError`` beyond).  Two queries (three with
    category rules and categories not loaded), however many locations serve:
    the buffers are resolved in Python first, then the database sums the
    stock rows with them (500 SKUs x 200 stores is 100,000 rows, which
    should not travel to Python to become 500 numbers).
    """
    if len(products) > MAX_CHANNEL_PRODUCTS:
        raise ValueError(f"at most {MAX_CHANNEL_PRODUCTS} products at once")
    totals = dict.fromkeys((p.pk for p in products), 0)
    if not products:
        return totals
    serving = ChannelLocation.objects.filter(channel=channel, location__is_active=True).values(
        "location_id"
    )
    buffers = buffer_table(
        channel=channel, stores=None, products=products, store_filter=Q(store_id__in=serving)
    )
    sql, params = _channel_sums_sql(channel=channel, product_ids=list(totals), buffers=buffers)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        sums = cursor.fetchall()
    totals.update(sums)
    return totals


def _channel_sums_sql(
    *, channel: Channel, product_ids: list[int], buffers: BufferTable
) -> tuple[str, list]:
    """The bulk endpoint's one statement: per product, the sum over serving locations.

    Written as SQL rather than built by the ORM: it runs for every listing
    page, and composing it through querysets cost more CPU than the database
    spends answering it.  Portable (no GREATEST: SQLite lacks it).
    """
    buffer_sql, buffer_params = buffers.as_sql()
    marks = ", ".join(["%s"] * len(product_ids))
    sql = f"""
        SELECT product_id, SUM(CASE WHEN free > 0 THEN free ELSE 0 END)
        FROM (
            SELECT product_id, on_hand - reserved - {buffer_sql} AS free
            FROM {StockLevel._meta.db_table}
            WHERE product_id IN ({marks}) AND location_id IN (
                SELECT served.location_id
                FROM {ChannelLocation._meta.db_table} served
                JOIN {Store._meta.db_table} store ON store.id = served.location_id
                WHERE served.channel_id = %s AND store.is_active
            )
        ) AS rows_free
        GROUP BY product_id
    """  # noqa: S608  (only table names and placeholders are formatted in)
    return sql, [*buffer_params, *product_ids, channel.pk]
