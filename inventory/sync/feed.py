"""The vocabulary of a stock feed: issues, parsed rows, chunks and the run's summary.

Nothing here touches the database; ``parsing`` fills a :class:`ParsedFeed`,
``services`` cuts it into :class:`Chunk` s and hands them to one of the two
appliers (set-based SQL on PostgreSQL, the ORM elsewhere).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from inventory.models import StockFeedRun, StockMovement

Kind = StockFeedRun.Kind
MovementKind = StockMovement.Kind

# Delta rows name what happened; the sign of the movement follows from it.
DELTA_KINDS = {
    "sale": MovementKind.SALE,
    "receipt": MovementKind.RECEIPT,
    "return": MovementKind.RETURN,
}
DELTA_SIGN = {MovementKind.SALE: -1, MovementKind.RECEIPT: 1, MovementKind.RETURN: 1}

MAX_QUANTITY = 100_000_000  # per row, in units (after a multipack GTIN's pack quantity)
MAX_LINE_ID = 100
MAX_REPORTED_ERRORS = 1_000
MAX_REPORTED_UNKNOWN_SKUS = 1_000
MAX_LINES_PER_UNKNOWN_SKU = 20
SOURCE_KEY_MAX = 200  # StockMovement.source_key
FLOOR_SUFFIX = ":correction"  # as stock_record_sale's correction back to zero


@dataclass(frozen=True)
class FeedIssue:
    """One error of a feed, named by its line and column (empty column: the whole row)."""

    line: int | None
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class UnknownSku:
    """A SKU (or GTIN) the catalogue does not know: its rows were skipped, not applied."""

    sku: str
    rows: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.rows += 1
        if len(self.lines) < MAX_LINES_PER_UNKNOWN_SKU:
            self.lines.append(line)

    def as_dict(self) -> dict:
        return {"sku": self.sku, "rows": self.rows, "lines": self.lines}


class FeedRow(NamedTuple):
    """A valid row, resolved to ids; ``quantity`` is a count (snapshot) or signed units (delta)."""

    ordinal: int  # 1-based position among the data rows: what ``rows_read`` counts
    line: int  # the line in the file, for source keys and messages
    location_id: int
    product_id: int
    quantity: int
    movement_kind: str
    source_key: str | None  # delta rows with a ``line_id``; else ``feed:<feed_id>:<line>``
    occurred_at: datetime | None


@dataclass
class Chunk:
    """Rows ``start:end`` of a feed, applied in one short transaction.

    ``last_ordinal`` is the progress it completes.  A view on the feed's
    columns: the set-based path copies ``columns()`` straight to the server,
    the ORM path walks ``rows``.
    """

    feed: ParsedFeed
    start: int
    end: int

    @property
    def last_ordinal(self) -> int:
        return self.feed.ordinals[self.end - 1]

    def __len__(self) -> int:
        return self.end - self.start

    def after(self, ordinal: int) -> Chunk:
        """The part of the chunk past ``ordinal`` (what is left after a crash)."""
        start = max(self.start, _first_index_after(self.feed.ordinals, ordinal))
        return Chunk(self.feed, min(start, self.end), self.end)

    def columns(self) -> Iterator[tuple[int, int, int, int, int]]:
        """(ordinal, line, location_id, product_id, quantity) of each row."""
        f, window = self.feed, slice(self.start, self.end)
        return zip(
            f.ordinals[window],
            f.lines[window],
            f.location_ids[window],
            f.product_ids[window],
            f.quantities[window],
            strict=True,
        )

    @cached_property
    def rows(self) -> list[FeedRow]:
        f, begin = self.feed, self.start
        delta = f.kind == Kind.DELTA
        return [
            FeedRow(
                *values,
                f.movement_kinds[begin + i] if delta else MovementKind.COUNT_CORRECTION,
                f.source_keys[begin + i] if delta else None,
                f.occurred_at[begin + i] if delta else None,
            )
            for i, values in enumerate(self.columns())
        ]

    def pairs(self) -> list[tuple[int, int]]:
        """The distinct (location_id, product_id) of the chunk, in lock order."""
        f, window = self.feed, slice(self.start, self.end)
        return sorted(set(zip(f.location_ids[window], f.product_ids[window], strict=True)))


@dataclass
class ParsedFeed:
    """A whole feed read and checked: valid rows as compact columns, plus what was wrong."""

    kind: str
    rows_total: int = 0
    ordinals: array = field(default_factory=lambda: array("q"))
    lines: array = field(default_factory=lambda: array("q"))
    location_ids: array = field(default_factory=lambda: array("q"))
    product_ids: array = field(default_factory=lambda: array("q"))
    quantities: array = field(default_factory=lambda: array("q"))
    # Delta feeds only (None for snapshots, which are counts and need neither).
    movement_kinds: list[str] | None = None
    source_keys: list[str | None] | None = None
    occurred_at: list[datetime | None] | None = None
    errors: list[FeedIssue] = field(default_factory=list)
    error_count: int = 0
    unknown_skus: dict[str, UnknownSku] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        return self.error_count > 0

    def add_error(self, issue: FeedIssue) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)

    def add_unknown(self, sku: str, line: int) -> None:
        entry = self.unknown_skus.get(sku)
        if entry is None:
            entry = self.unknown_skus[sku] = UnknownSku(sku)
        entry.add(line)

    def errors_report(self) -> list[dict]:
        """The errors in line order (file-wide ones last), at most MAX_REPORTED_ERRORS."""
        ordered = sorted(self.errors, key=lambda e: (e.line is None, e.line or 0))
        report = [issue.as_dict() for issue in ordered]
        if self.error_count > len(self.errors):
            more = self.error_count - len(self.errors)
            report.append(
                FeedIssue(None, "", "too_many_errors", f"... and {more} more errors.").as_dict()
            )
        return report

    def unknown_report(self) -> list[dict]:
        ordered = sorted(self.unknown_skus.values(), key=lambda u: u.lines[0])
        return [u.as_dict() for u in ordered[:MAX_REPORTED_UNKNOWN_SKUS]]

    def chunks(self, size: int, *, after_ordinal: int = 0) -> Iterator[Chunk]:
        """Yield the valid rows past ``after_ordinal`` in chunks of ``size``, in file order."""
        start = _first_index_after(self.ordinals, after_ordinal)
        for begin in range(start, len(self.ordinals), size):
            yield Chunk(self, begin, min(begin + size, len(self.ordinals)))


def _first_index_after(ordinals: array, ordinal: int) -> int:
    low, high = 0, len(ordinals)
    while low < high:
        mid = (low + high) // 2
        if ordinals[mid] <= ordinal:
            low = mid + 1
        else:
            high = mid
    return low


def line_key_prefix(feed_id: str) -> str:
    """The source-key prefix of a feed's rows: ``feed:<feed_id>:`` then the line number.

    A feed id too long to leave room for a line number and a suffix within
    the column is replaced by its SHA-256, so keys stay unique and stable.
    """
    prefix = f"feed:{feed_id}:"
    if len(prefix) + 20 + len(FLOOR_SUFFIX) > SOURCE_KEY_MAX:
        prefix = f"feed:#{hashlib.sha256(feed_id.encode()).hexdigest()[:40]}:"
    return prefix


def line_id_key(movement_kind: str, location_id: int, line_id: str) -> str:
    """The source key of a delta row the sender numbered itself: ``<kind>:<location>:<line_id>``.

    With ``line_id = "<receipt id>:<line no>"`` this is the key
    ``stock_record_sale`` and ``stock_record_return`` post under, so a sale
    reported live through the API and again in a feed is posted once.
    """
    return f"{movement_kind}:{location_id}:{line_id}"


@dataclass(frozen=True)
class ApplyContext:
    """What every chunk of one run writes into its movements."""

    run_id: int
    kind: str
    key_prefix: str
    actor_id: int | None
    actor_label: str
    source_document: str
    at: datetime
    release_reason: str

    def row_key(self, row: FeedRow) -> str:
        return row.source_key or f"{self.key_prefix}{row.line}"


def run_progress(run: StockFeedRun) -> int | None:
    """Percent of a run's rows read (0-100), or None while the feed is still being checked."""
    if run.rows_total is None:
        return None
    if run.rows_total == 0:
        return 100
    return min(100, 100 * run.rows_read // run.rows_total)
