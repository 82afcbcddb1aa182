"""Price list entries: set, delete and bulk-set, each with its history row in the same transaction.

Every change leaves a ``PriceChange`` (who, when, old and new amount); the
Omnibus 30-day lowest price is computed from entries and this history.
Periods of one list and product never overlap: checked here under the price
list's row lock and, on PostgreSQL, by the ``price_entry_no_overlap``
exclusion constraint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext

from pricing.errors import InvalidPriceError, InvalidPricePeriodError, PricePeriodOverlapError
from pricing.models import PriceChange, PriceList, PriceListEntry
from pricing.services.revision import rules_revision_bump
from retail import locking
from retail.models import Product
from retail.money import quantize

# Rows per bulk statement; a thousand rows cost a handful of queries.
BULK_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class PriceEntryRow:
    """One row of an import: the price of a product from ``valid_from``."""

    product_id: int
    amount: Decimal
    valid_from: datetime
    valid_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class PriceBulkResult:
    created: int
    changed: int
    unchanged: int


def _amount(value, *, currency: str, field: str) -> Decimal:
    if isinstance(value, float):
        raise InvalidPriceError(gettext("Give the amount as a decimal, not a float."), field=field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidPriceError(field=field) from exc
    if not amount.is_finite() or amount < 0 or quantize(amount, currency) != amount:
        raise InvalidPriceError(field=field)
    return quantize(amount, currency)


def _period(valid_from: datetime, valid_to: datetime | None, *, field: str) -> None:
    if timezone.is_naive(valid_from) or (valid_to is not None and timezone.is_naive(valid_to)):
        raise InvalidPricePeriodError(
            gettext("Give aware datetimes (with a time zone)."), field=field
        )
    if valid_to is not None and valid_to <= valid_from:
        raise InvalidPricePeriodError(field=field)


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def _overlap_error(field: str, other_from: datetime) -> PricePeriodOverlapError:
    return PricePeriodOverlapError(
        field=field, extra={"overlaps_valid_from": other_from.isoformat()}
    )


def _lock_list(price_list: PriceList) -> None:
    # Serialises writers of one list, so the overlap check cannot race.
    locking.rows_lock(PriceList.objects.filter(pk=price_list.pk).only("pk"))


def price_entry_set(
    *,
    price_list: PriceList,
    product: Product,
    amount: Decimal,
    valid_from: datetime,
    valid_to: datetime | None = None,
    user=None,
    source: str,
    at: datetime | None = None,
) -> PriceListEntry:
    """Create or change the entry of ``price_list`` and ``product`` starting at ``valid_from``.

    Writes a ``PriceChange`` (created, or changed with old and new amount) and
    bumps the rules revision in the same transaction; when neither amount nor
    ``valid_to`` changes, writes nothing.  Locks the price list row.  Raises
    ``InvalidPriceError`` (``amount``), ``InvalidPricePeriodError``
    (``valid_to``) or ``PricePeriodOverlapError`` (``valid_from``) when the
    period overlaps another entry of the same list and product.
    """
    at = at or timezone.now()
    amount = _amount(amount, currency=price_list.currency, field="amount")
    _period(valid_from, valid_to, field="valid_to")
    with locking.atomic():
        _lock_list(price_list)
        entries = list(
            PriceListEntry.objects.filter(price_list=price_list, product=product).order_by("pk")
        )
        entry = next((e for e in entries if e.valid_from == valid_from), None)
        for other in entries:
            if other is not entry and _overlaps(
                valid_from, valid_to, other.valid_from, other.valid_to
            ):
                raise _overlap_error("valid_from", other.valid_from)
        if entry is None:
            entry = PriceListEntry(
                price_list=price_list,
                product=product,
                amount=amount,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            kind, old_amount = PriceChange.Kind.CREATED, None
        elif entry.amount == amount and entry.valid_to == valid_to:
            return entry
        else:
            kind, old_amount = PriceChange.Kind.CHANGED, entry.amount
            entry.amount, entry.valid_to = amount, valid_to
        try:
            with locking.atomic():
                entry.save()
        except IntegrityError as exc:  # the PostgreSQL exclusion constraint
            raise _overlap_error("valid_from", valid_from) from exc
        PriceChange.objects.create(
            entry=entry,
            price_list=price_list,
            product=product,
            kind=kind,
            old_amount=old_amount,
            new_amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            changed_at=at,
            changed_by=user,
            source=source,
        )
        rules_revision_bump(at=at)
    return entry


def price_entry_delete(
    *, entry: PriceListEntry, user=None, source: str, at: datetime | None = None
) -> None:
    """Delete ``entry``, leaving a ``deleted`` ``PriceChange`` with its last amount.

    Bumps the rules revision.  Deleting an entry that is already gone does nothing.
    """
    at = at or timezone.now()
    with locking.atomic():
        _lock_list(entry.price_list)
        current = PriceListEntry.objects.filter(pk=entry.pk).first()
        if current is None:
            return
        PriceChange.objects.create(
            entry=current,
            price_list_id=current.price_list_id,
            product_id=current.product_id,
            kind=PriceChange.Kind.DELETED,
            old_amount=current.amount,
            new_amount=None,
            valid_from=current.valid_from,
            valid_to=current.valid_to,
            changed_at=at,
            changed_by=user,
            source=source,
        )
        current.delete()
        rules_revision_bump(at=at)


def price_entries_bulk_set(
    *,
    price_list: PriceList,
    rows: Sequence[PriceEntryRow],
    user=None,
    source: str,
    reference: str = "",
    at: datetime | None = None,
) -> PriceBulkResult:
    """Set many entries of one list at once (imports, the demo seed); all or nothing.

    Same rules and history as ``price_entry_set``, in bulk statements: a few
    queries per thousand rows.  Changed entries are written with one UPDATE
    per distinct (amount, valid_to), which is what makes a 100,000-row price
    file quick (price files repeat price points); every history row carries
    ``reference`` (e.g. the import run).  Errors name the row: ``rows.<i>.amount``,
    ``rows.<i>.valid_to``, ``rows.<i>.product_id`` (unknown product) or
    ``rows.<i>.valid_from`` (a duplicate or an overlapping period).
    """
    at = at or timezone.now()
    wanted: dict[tuple[int, datetime], tuple[int, PriceEntryRow]] = {}
    for index, row in enumerate(rows):
        amount = _amount(row.amount, currency=price_list.currency, field=f"rows.{index}.amount")
        _period(row.valid_from, row.valid_to, field=f"rows.{index}.valid_to")
        key = (row.product_id, row.valid_from)
        if key in wanted:
            raise _overlap_error(f"rows.{index}.valid_from", row.valid_from)
        wanted[key] = (index, PriceEntryRow(row.product_id, amount, row.valid_from, row.valid_to))
    product_ids = sorted({product_id for product_id, _ in wanted})
    with locking.atomic():
        _lock_list(price_list)
        existing: dict[int, list[PriceListEntry]] = defaultdict(list)
        known: set[int] = set()
        for start in range(0, len(product_ids), BULK_BATCH_SIZE):
            chunk = product_ids[start : start + BULK_BATCH_SIZE]
            known.update(Product.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            for entry in PriceListEntry.objects.filter(price_list=price_list, product_id__in=chunk):
                existing[entry.product_id].append(entry)
        creates, updates, changes = _bulk_plan(
            price_list, wanted, existing, known, user, source, at
        )
        _bulk_check_overlaps(wanted, existing)
        _update_grouped(updates)
        try:
            with locking.atomic():
                PriceListEntry.objects.bulk_create(creates, batch_size=BULK_BATCH_SIZE)
        except IntegrityError as exc:  # a concurrent writer slipped past the lock
            raise PricePeriodOverlapError(field="rows") from exc
        for change in changes:
            change.entry_id = change.entry.pk
            change.reference = reference
        PriceChange.objects.bulk_create(changes, batch_size=BULK_BATCH_SIZE)
        if changes:
            rules_revision_bump(at=at)
    return PriceBulkResult(
        created=len(creates), changed=len(updates), unchanged=len(wanted) - len(changes)
    )


def _update_grouped(updates: list[PriceListEntry]) -> None:
    """Write changed entries with one UPDATE per distinct (amount, valid_to)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for entry in updates:
        groups[(entry.amount, entry.valid_to)].append(entry.pk)
    for (amount, valid_to), ids in groups.items():
        for start in range(0, len(ids), BULK_BATCH_SIZE):
            PriceListEntry.objects.filter(pk__in=ids[start : start + BULK_BATCH_SIZE]).update(
                amount=amount, valid_to=valid_to, updated_at=timezone.now()
            )


def _bulk_plan(price_list, wanted, existing, known, user, source, at):
    """Split the wanted rows into new entries, changed entries and their history rows."""
    creates, updates, changes = [], [], []
    by_start = {(e.product_id, e.valid_from): e for entries in existing.values() for e in entries}
    for (product_id, valid_from), (index, row) in wanted.items():
        if product_id not in known:
            raise InvalidPriceError(gettext("Unknown product."), field=f"rows.{index}.product_id")
        entry = by_start.get((product_id, valid_from))
        if entry is None:
            entry = PriceListEntry(
                price_list=price_list,
                product_id=product_id,
                amount=row.amount,
                valid_from=valid_from,
                valid_to=row.valid_to,
            )
            creates.append(entry)
            existing[product_id].append(entry)
            kind, old_amount = PriceChange.Kind.CREATED, None
        elif entry.amount == row.amount and entry.valid_to == row.valid_to:
            continue
        else:
            kind, old_amount = PriceChange.Kind.CHANGED, entry.amount
            entry.amount, entry.valid_to = row.amount, row.valid_to
            entry.updated_at = timezone.now()
            updates.append(entry)
        changes.append(
            PriceChange(
                entry=entry,
                price_list=price_list,
                product_id=product_id,
                kind=kind,
                old_amount=old_amount,
                new_amount=row.amount,
                valid_from=valid_from,
                valid_to=row.valid_to,
                changed_at=at,
                changed_by=user,
                source=source,
            )
        )
    return creates, updates, changes


def _bulk_check_overlaps(wanted, existing) -> None:
    """Check the final periods of every touched product; name the imported row at fault."""
    index_of = {key: index for key, (index, _) in wanted.items()}
    for product_id, entries in existing.items():
        ordered = sorted(entries, key=lambda e: e.valid_from)
        for before, after in pairwise(ordered):
            if before.valid_to is not None and before.valid_to <= after.valid_from:
                continue
            if (product_id, after.valid_from) in index_of:
                faulty, other = after, before
            elif (product_id, before.valid_from) in index_of:
                faulty, other = before, after
            else:
                continue  # an old overlap this import does not touch
            index = index_of[(product_id, faulty.valid_from)]
            raise _overlap_error(f"rows.{index}.valid_from", other.valid_from)
