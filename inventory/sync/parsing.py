"""Check a whole feed before anything is applied: resolve stores and SKUs, read every value.

The rules (``inventory.sync`` documents them for senders):

- ``store`` is a store or warehouse code (any case).  An unknown store is an
  error, and so is a store the sender may not feed (a POS key feeds its own).
- ``sku`` is a SKU; a value that is no SKU but a valid GTIN is looked up as
  a barcode, and so is a ``gtin`` column.  A multipack GTIN counts its pack
  quantity in units.  A SKU or GTIN the catalogue does not know is *not* an
  error: its rows are skipped and listed in the summary.  A malformed
  ``gtin`` (wrong check digit) is an error.
- ``quantity`` is a whole number (``5``, ``"5"``, ``"5.0"``, ``" +5 "``).
  Snapshot: the counted units, zero or more.  Delta: with ``kind`` (sale,
  receipt, return) the units may be unsigned or carry the kind's sign
  (``-2`` for a sale); without ``kind`` the sign says it (positive: receipt,
  negative: sale).  Zero is an error in a delta; so is a sign against the
  kind, and more than 100,000,000 units.
- Delta rows may carry ``line_id`` (the sender's own line id, at most 100
  characters, unique per store and kind within the feed; use
  ``<receipt id>:<line no>`` for POS lines) and ``occurred_at`` (ISO 8601; without
  an offset it is the store's local time).  Snapshots ignore both.
- A snapshot names each (store, SKU) at most once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from inventory.sync.feed import (
    DELTA_KINDS,
    DELTA_SIGN,
    MAX_LINE_ID,
    MAX_QUANTITY,
    FeedIssue,
    Kind,
    ParsedFeed,
    line_id_key,
)
from inventory.sync.rows import (
    RawRow,
    ValueProblem,
    cell_datetime,
    cell_kind,
    cell_quantity,
    raw_rows,
)
from inventory.sync.rows import cell_text as text
from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.models import Product, ProductGtin, Store

BATCH = 5_000  # rows resolved per catalogue lookup
LOOKUP = 2_000  # SKUs per query (keeps SQLite under its parameter limit)


class _Catalogue:
    """Stores and products by code, looked up in batches and remembered (misses too)."""

    def __init__(self):
        self.stores = {
            code.upper(): (pk, ZoneInfo(tz))
            for pk, code, tz in Store.objects.values_list("pk", "code", "time_zone")
        }
        self.skus: dict[str, int | None] = {}
        self.gtins: dict[str, tuple[int, int] | None] = {}
        self.bad_gtins: set[str] = set()
        # (sku cell, gtin cell) exactly as read -> (product id, pack) or None: the hot path.
        self.cells: dict[tuple, tuple[int, int] | None] = {}

    def prefetch(self, rows: Iterable[RawRow]) -> None:
        """Look up, in a few queries, every SKU and GTIN of ``rows`` not seen before."""
        keys: set[tuple] = set()
        loose: list[tuple[str, str]] = []  # cells that cannot be dict keys (a JSON list)
        columns = None
        for row in rows:
            if row.cells is not None:  # CSV: one header for every row, so look it up once
                if row.columns is not columns:
                    columns = row.columns
                    at_sku, at_gtin = columns.index.get("sku"), columns.index.get("gtin")
                cells = row.cells
                keys.add(
                    (
                        None if at_sku is None else cells[at_sku],
                        None if at_gtin is None else cells[at_gtin],
                    )
                )
                continue
            sku, gtin = row.get("sku"), row.get("gtin")
            if _scalar(sku) and _scalar(gtin):
                keys.add((sku, gtin))
            else:
                loose.append((text(sku), text(gtin)))
        pending = {key: (text(key[0]), text(key[1])) for key in keys - self.cells.keys()}
        wanted = [*pending.values(), *loose]
        self._lookup({sku for sku, _ in wanted}, {gtin for _, gtin in wanted})
        for key, (sku, gtin) in pending.items():
            self.cells[key] = self.product(sku, gtin)

    def _lookup(self, skus: set[str], codes: set[str]) -> None:
        skus = skus - self.skus.keys() - {""}
        for batch in _batches(sorted(skus)):
            found = dict(Product.objects.filter(sku__in=batch).values_list("sku", "pk"))
            self.skus.update({sku: found.get(sku) for sku in batch})
        codes = codes | {sku for sku in skus if self.skus.get(sku) is None and sku.isdigit()}
        wanted = {}
        for code in codes - self.gtins.keys() - {""}:
            try:
                wanted[code] = gtin14(code)
            except InvalidGtinError:
                self.gtins[code] = None
                self.bad_gtins.add(code)
        for batch in _batches(sorted(set(wanted.values()))):
            found = {
                g: (pk, pack)
                for g, pk, pack in ProductGtin.objects.filter(gtin14__in=batch).values_list(
                    "gtin14", "product_id", "pack_quantity"
                )
            }
            for code, g14 in wanted.items():
                if g14 in found or g14 in batch:
                    self.gtins[code] = found.get(g14)

    def product(self, sku: str, gtin: str) -> tuple[int, int] | None:
        """(product id, units per row unit) for a SKU or GTIN; None if unknown."""
        if sku:
            pk = self.skus.get(sku)
            if pk is not None:
                return pk, 1
            if sku.isdigit() and self.gtins.get(sku) is not None:
                return self.gtins[sku]
        return self.gtins.get(gtin) if gtin else None


def _pair(location_id: int, product_id: int) -> object:
    """A compact, well-hashed key for a (location, product) pair."""
    # An int hashes to itself modulo 2**61 - 1: a 32-bit shift keeps pairs apart.
    if product_id < 1 << 32 and location_id < 1 << 28:
        return (location_id << 32) | product_id
    return (location_id, product_id)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float)


def _batches(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), LOOKUP):
        yield values[start : start + LOOKUP]


def feed_parse(
    *,
    kind: str,
    stream: BinaryIO,
    name: str = "",
    allowed_store_ids: frozenset[int] | None = None,
) -> ParsedFeed:
    """Read and check every row of a feed; return its valid rows and everything wrong.

    Reads the catalogue, writes nothing.  ``allowed_store_ids``: the stores
    the sender may feed (None: all).  Never raises for bad content: errors
    and unknown SKUs are collected in the result, each naming its line and
    column.
    """
    delta = kind == Kind.DELTA
    feed = ParsedFeed(kind=kind)
    if delta:
        feed.movement_kinds, feed.source_keys, feed.occurred_at = [], [], []
    checker = _RowChecker(feed, _Catalogue(), allowed_store_ids)
    batch: list[RawRow] = []
    for raw in raw_rows(stream, name=name, report=feed.add_error):
        batch.append(raw)
        if len(batch) >= BATCH:
            checker.check(batch)
            batch = []
    checker.check(batch)
    return feed


class _RowChecker:
    def __init__(self, feed: ParsedFeed, catalogue: _Catalogue, allowed_store_ids):
        self.feed = feed
        self.catalogue = catalogue
        self.allowed = allowed_store_ids
        self.delta = feed.kind == Kind.DELTA
        self.seen_pairs: set[object] = set()
        self.seen_line_ids: dict[str, int] = {}
        self.duplicates = 0
        self.store_cells: dict[object, int] = {}  # store cell as read -> id, once it passed

    def check(self, batch: list[RawRow]) -> None:
        self.catalogue.prefetch(batch)
        fast = self._snapshot_row if not self.delta else None
        for raw in batch:
            self.feed.rows_total += 1
            if fast is not None and raw.cells is not None and fast(self.feed.rows_total, raw):
                continue
            if raw.values:  # an empty row was already reported as unreadable
                self._row(self.feed.rows_total, raw)

    def _snapshot_row(self, ordinal: int, raw: RawRow) -> bool:
        """The common CSV snapshot row (known store and SKU, digits) in a few lookups.

        Returns False, taking nothing, for any row that needs a closer look.
        """
        cells, index = raw.cells, raw.columns.index
        quantity = cells[index["quantity"]]
        if not (quantity.isdigit() and quantity.isascii()):
            return False
        store = self.store_cells.get(cells[index["store"]])
        sku, gtin = index.get("sku"), index.get("gtin")
        cell_key = (None if sku is None else cells[sku], None if gtin is None else cells[gtin])
        product = self.catalogue.cells.get(cell_key)
        if store is None or product is None:
            return False
        units = int(quantity) * product[1]
        pair = _pair(store, product[0])
        if units > MAX_QUANTITY or pair in self.seen_pairs:
            return False
        self.seen_pairs.add(pair)
        feed = self.feed
        feed.ordinals.append(ordinal)
        feed.lines.append(raw.line)
        feed.location_ids.append(store)
        feed.product_ids.append(product[0])
        feed.quantities.append(units)
        return True

    def _error(self, line: int, column: str, code: str, message: str) -> None:
        where = (
            gettext("Line %(line)s, column %(column)s") % {"line": line, "column": column}
            if column
            else gettext("Line %(line)s") % {"line": line}
        )
        self.feed.add_error(FeedIssue(line, column, code, f"{where}: {message}"))

    def _row(self, ordinal: int, raw: RawRow) -> None:
        line, values = raw.line, raw.values
        errors_before = self.feed.error_count
        store = self._store(line, values.get("store"))
        sku, gtin = text(values.get("sku")), text(values.get("gtin"))
        product = None
        if not sku and not gtin:
            self._error(line, "sku", "required", gettext("a SKU or GTIN is required."))
        elif not sku and gtin in self.catalogue.bad_gtins:
            self._error(
                line,
                "gtin",
                "invalid_gtin",
                gettext("'%(gtin)s' is not a valid GTIN.") % {"gtin": gtin},
            )
        else:
            product = self.catalogue.product(sku, gtin)
        quantity, movement_kind = self._quantity(line, values)
        key = when = None
        if self.delta:
            key = self._line_id(line, text(values.get("line_id")), store, movement_kind)
            when = self._when(line, values.get("occurred_at"), store)
        if self.feed.error_count > errors_before:
            return
        if product is None:
            self.feed.add_unknown(sku or gtin, line)
            return
        product_id, pack = product
        units = quantity * pack
        if abs(units) > MAX_QUANTITY:
            self._error(
                line,
                "quantity",
                "invalid_quantity",
                gettext("%(units)s units is too many.") % {"units": units},
            )
            return
        if not self.delta:
            pair = _pair(store[0], product_id)
            if pair in self.seen_pairs:
                self._error(line, "", "duplicate_row", self._duplicate(store[0], product_id))
                return
            self.seen_pairs.add(pair)
        feed = self.feed
        feed.ordinals.append(ordinal)
        feed.lines.append(line)
        feed.location_ids.append(store[0])
        feed.product_ids.append(product_id)
        feed.quantities.append(units)
        if self.delta:
            feed.movement_kinds.append(movement_kind)
            feed.source_keys.append(key)
            feed.occurred_at.append(when)

    def _store(self, line: int, raw: object) -> tuple[int, ZoneInfo] | None:
        code = text(raw)
        if not code:
            self._error(line, "store", "required", gettext("a store code is required."))
            return None
        store = self.catalogue.stores.get(code.upper())
        if store is None:
            self._error(
                line,
                "store",
                "unknown_store",
                gettext("no store or warehouse '%(code)s'.") % {"code": code},
            )
            return None
        if self.allowed is not None and store[0] not in self.allowed:
            self._error(
                line,
                "store",
                "store_not_allowed",
                gettext("this sender cannot feed '%(code)s'.") % {"code": code},
            )
            return None
        if isinstance(raw, str):
            self.store_cells[raw] = store[0]
        return store

    def _quantity(self, line: int, values: dict) -> tuple[int, str]:
        try:
            quantity = cell_quantity(values.get("quantity"))
            kind = cell_kind(values.get("kind")) if self.delta else ""
        except ValueProblem as problem:
            column = "kind" if problem.code == "invalid_kind" else "quantity"
            self._error(line, column, problem.code, problem.message)
            return 0, ""
        if not self.delta:
            if quantity < 0:
                self._error(
                    line, "quantity", "invalid_quantity", gettext("a count cannot be negative.")
                )
            return quantity, ""
        if quantity == 0:
            self._error(
                line, "quantity", "invalid_quantity", gettext("a delta moves at least one unit.")
            )
            return 0, ""
        if not kind:
            return quantity, DELTA_KINDS["receipt" if quantity > 0 else "sale"]
        movement_kind = DELTA_KINDS[kind]
        sign = DELTA_SIGN[movement_kind]
        if quantity * sign < 0 and str(values.get("quantity")).strip()[:1] in "+-":
            self._error(
                line,
                "quantity",
                "invalid_quantity",
                gettext("the sign of %(quantity)s contradicts %(kind)s.")
                % {"quantity": quantity, "kind": kind},
            )
            return 0, ""
        return abs(quantity) * sign, movement_kind

    def _line_id(self, line: int, line_id: str, store, movement_kind: str) -> str | None:
        if not line_id:
            return None
        if len(line_id) > MAX_LINE_ID:
            self._error(line, "line_id", "invalid_line_id", f"over {MAX_LINE_ID} characters.")
            return None
        if store is None or not movement_kind:
            return None  # the row has an error already
        key = line_id_key(movement_kind, store[0], line_id)
        first = self.seen_line_ids.setdefault(key, line)
        if first != line:
            self._error(
                line,
                "line_id",
                "duplicate_line_id",
                gettext("'%(line_id)s' was used on line %(first)s.")
                % {"line_id": line_id, "first": first},
            )
            return None
        return key

    def _when(self, line: int, value: object, store):
        try:
            return cell_datetime(value, tz=store[1] if store else ZoneInfo("UTC"))
        except ValueProblem as problem:
            self._error(line, "occurred_at", problem.code, problem.message)
            return None

    def _duplicate(self, location_id: int, product_id: int) -> str:
        feed = self.feed
        self.duplicates += 1
        # Naming the earlier line costs a scan; enough to show the pattern.
        for i in range(len(feed.lines) if self.duplicates <= 20 else 0):
            if feed.location_ids[i] == location_id and feed.product_ids[i] == product_id:
                return gettext("this store and SKU were already counted on line %(line)s.") % {
                    "line": feed.lines[i]
                }
        return gettext("this store and SKU were already counted.")
