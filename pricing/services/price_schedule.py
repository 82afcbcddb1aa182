"""A new price from a date: how it closes or splits the entries in force (import and admin).

The rule is the price import's: a new period starting inside an open-ended
entry ("until further notice") closes that entry where the new one starts;
any other overlap is refused.  HQ's "new price from a date" in the admin also
*splits*: a price with an end date inside the entry in force ends that entry
at the new start and brings its price back from the new end (a Christmas
price between two stretches of the ordinary one).  ``price_periods_close``
and ``price_periods_overlap`` are pure and used by ``imports.kinds.prices``
too; ``price_schedule_plan`` reads the entries and ``price_schedule_set``
writes the plan through ``price_entries_bulk_set`` (history rows with who).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

from django.utils import timezone

from pricing.errors import PricePeriodOverlapError
from pricing.models import PriceList, PriceListEntry
from pricing.services.prices import (
    PriceEntryRow,
    _amount,
    _overlap_error,
    _period,
    price_entries_bulk_set,
)
from retail import locking
from retail.models import Product


def price_periods_close(entries: Mapping[datetime, object], rows: Sequence[tuple]) -> list[tuple]:
    """End each open-ended period where the next one starts ("until further notice").

    ``entries`` maps the start of each existing entry to it (``amount``,
    ``valid_to``); ``rows`` are ``(valid_from, number, amount, valid_to)``.
    Returns the rows (with their ``valid_to`` filled in) plus a row (number
    None) for each existing entry they do not mention but close, by start.
    """
    mentioned = {r[0] for r in rows}
    periods = {start: (None, e.amount, e.valid_to) for start, e in entries.items()}
    for valid_from, number, amount, valid_to in rows:
        periods[valid_from] = (number, amount, valid_to)
    starts = sorted(periods)
    result = []
    for start, following in zip(starts, [*starts[1:], None], strict=True):
        number, amount, valid_to = periods[start]
        if valid_to is None and following is not None:
            valid_to = following
            if start not in mentioned:
                result.append((start, None, amount, valid_to))
        if start in mentioned:
            result.append((start, number, amount, valid_to))
    return sorted(result, key=lambda r: r[0])


def price_periods_overlap(
    final: Mapping[datetime, tuple[Decimal, datetime | None]],
) -> tuple[datetime, datetime] | None:
    """The starts ``(earlier, later)`` of the first two periods that overlap, or None."""
    for (a_from, (_, a_to)), (b_from, _) in pairwise(sorted(final.items())):
        if a_to is None or a_to > b_from:
            return a_from, b_from
    return None


@dataclass(frozen=True, slots=True)
class Period:
    """One stretch of a price list's price for a product; ``valid_to`` None is open-ended."""

    valid_from: datetime
    valid_to: datetime | None
    amount: Decimal
    changed: bool = False  # new or changed by the plan


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """The timeline before and after, and the entries to write."""

    before: list[Period]
    after: list[Period]
    rows: list[PriceEntryRow]


def price_schedule_plan(
    *,
    price_list: PriceList,
    product: Product,
    amount,
    valid_from: datetime,
    valid_to: datetime | None = None,
) -> SchedulePlan:
    """Plan ``amount`` from ``valid_from`` (to ``valid_to``) in ``price_list``; write nothing.

    Closes the open-ended entry in force where the new price starts, as the
    price import does; with ``valid_to`` inside an entry, splits it (that
    entry's price comes back from ``valid_to``).  Raises ``InvalidPriceError``
    (``amount``), ``InvalidPricePeriodError`` (``valid_to``) or
    ``PricePeriodOverlapError`` (``valid_from``) when the new period overlaps
    a later scheduled price.
    """
    amount = _amount(amount, currency=price_list.currency, field="amount")
    _period(valid_from, valid_to, field="valid_to")
    entries = {
        e.valid_from: e
        for e in PriceListEntry.objects.filter(price_list=price_list, product=product)
    }
    before = [Period(s, e.valid_to, e.amount) for s, e in sorted(entries.items())]
    rows = [(valid_from, 0, amount, valid_to)]
    for start, entry in entries.items():
        if start < valid_from and (entry.valid_to is None or entry.valid_to > valid_from):
            rows += _split(start, entry, valid_from, valid_to, entries)
    rows = price_periods_close(entries, _merge(rows))
    final = {s: (e.amount, e.valid_to) for s, e in entries.items()}
    for start, _, row_amount, row_to in rows:
        final[start] = (row_amount, row_to)
    clash = price_periods_overlap(final)
    if clash is not None:
        raise _overlap_error("valid_from", clash[1] if clash[0] == valid_from else clash[0])
    written = {r[0] for r in rows if _differs(entries.get(r[0]), r[2], r[3])}
    after = [Period(s, to, a, s in written) for s, (a, to) in sorted(final.items())]
    return SchedulePlan(
        before=before,
        after=after,
        rows=[PriceEntryRow(product.pk, r[2], r[0], r[3]) for r in rows if r[0] in written],
    )


def _split(start, entry, valid_from, valid_to, entries) -> list[tuple]:
    """Cut the entry in force at ``valid_from``; bring its price back after ``valid_to``."""
    rows = [(start, None, entry.amount, valid_from)]
    ends_inside = valid_to is not None and (entry.valid_to is None or entry.valid_to > valid_to)
    if ends_inside and valid_to not in entries:
        rows.append((valid_to, None, entry.amount, entry.valid_to))
    return rows


def _merge(rows: list[tuple]) -> list[tuple]:
    by_start: dict[datetime, tuple] = {}
    for row in rows:
        by_start.setdefault(row[0], row)
    return list(by_start.values())


def _differs(entry, amount, valid_to) -> bool:
    return entry is None or entry.amount != amount or entry.valid_to != valid_to


def price_schedule_set(
    *,
    price_list: PriceList,
    product: Product,
    amount,
    valid_from: datetime,
    valid_to: datetime | None = None,
    user=None,
    source: str,
    at: datetime | None = None,
) -> SchedulePlan:
    """Write the plan of ``price_schedule_plan``: the new price, closings and splits.

    One transaction under the price list's row lock (the plan is made again
    under it); each entry written leaves a ``PriceChange`` with ``user`` and
    ``source``, and the rules revision is bumped.  Raises what
    ``price_schedule_plan`` raises.
    """
    at = at or timezone.now()
    with locking.atomic():
        locking.rows_lock(PriceList.objects.filter(pk=price_list.pk).only("pk"))
        plan = price_schedule_plan(
            price_list=price_list,
            product=product,
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        try:
            price_entries_bulk_set(
                price_list=price_list, rows=plan.rows, user=user, source=source, at=at
            )
        except PricePeriodOverlapError as exc:
            raise PricePeriodOverlapError(field="valid_from", extra=exc.extra) from exc
    return plan


__all__ = [
    "Period",
    "SchedulePlan",
    "price_periods_close",
    "price_periods_overlap",
    "price_schedule_plan",
    "price_schedule_set",
]
