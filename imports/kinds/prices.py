"""Price list entries: ``price_list, sku, price, valid_from, valid_to`` (scheduled price changes).

A row's key is (price list, SKU, valid from): the same key again changes that
entry, a new ``valid_from`` schedules a new price.  When a new period starts
inside an open-ended entry that the file does not mention, that entry is
closed where the new one starts (its ``valid_to`` shows in the diff).  Any
other overlap is an error.  Written through ``price_entries_bulk_set``, so
each change has its ``PriceChange`` history row (source ``import``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from imports.conf import price_change_warn_percent, sql_chunk
from imports.kinds.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Column,
    Progress,
    Report,
    RowReader,
    headers_check,
    report_progress,
    shown,
)
from imports.parsing import Table, cell_datetime, cell_decimal
from pricing.errors import PricePeriodOverlapError
from pricing.resources import PriceListEntryResource
from pricing.selectors_import import price_list_entries_for, price_lists_by_code
from pricing.services.price_schedule import price_periods_close, price_periods_overlap
from pricing.services.prices import PriceEntryRow, price_entries_bulk_set
from retail.errors import DomainError
from retail.models import Product
from retail.money import quantize

COLUMNS = (
    Column(
        "price_list", True, gettext_lazy("Code of the price list, e.g. PUBLIC-DK."), "PUBLIC-DK"
    ),
    Column("sku", True, gettext_lazy("The product's SKU."), "SKU-000123"),
    Column("price", True, gettext_lazy("VAT-inclusive price; decimal comma or point."), "129,95"),
    Column(
        "valid_from",
        True,
        gettext_lazy(
            "First moment of the price: yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy, optional HH:MM."
        ),
        "2025-07-01",
    ),
    Column(
        "valid_to",
        False,
        gettext_lazy("First moment no longer valid; empty: until further notice."),
        "",
    ),
)
APPLY_CHUNK = 10_000


@dataclass
class Plan:
    # price list id -> rows to set, and the spreadsheet row of each (0 for an entry we close)
    rows: dict[int, list[PriceEntryRow]] = field(default_factory=lambda: defaultdict(list))
    numbers: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    lists: dict[int, object] = field(default_factory=dict)  # id -> PriceList


def check(table: Table, *, at: datetime, report: Report, progress: Progress | None = None) -> Plan:
    """Check every row; diff it against the entries; warn on prices below cost or big changes."""
    plan = Plan()
    if not headers_check(table, COLUMNS, report):
        return plan
    lists = price_lists_by_code()
    skus = {str(cells.get("sku") or "").strip() for _, cells in table.rows}
    products = _products(skus)
    wanted: dict[tuple[int, int, datetime], tuple[int, Decimal, datetime | None]] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        read = RowReader(report, number, cells)
        code = read("price_list", required=True)
        sku = read("sku", required=True)
        amount = read("price", cell_decimal, required=True)
        valid_from = read("valid_from", cell_datetime, required=True)
        valid_to = read("valid_to", cell_datetime)
        price_list = lists.get(code) if code else None
        product = products.get(sku) if sku else None
        if code and price_list is None:
            read.fail("price_list", gettext("'%(code)s' is not a price list") % {"code": code})
        if sku and product is None:
            read.fail("sku", gettext("'%(sku)s' is not a product") % {"sku": sku})
        if price_list is not None and not _is_price(amount, price_list.currency):
            read.fail(
                "price",
                gettext("'%(amount)s' is not a price (0 or more, two decimals)")
                % {"amount": shown(amount)},
            )
        if valid_from and valid_to and valid_to <= valid_from:
            read.fail("valid_to", gettext("must be after valid_from"))
        if read.ok:
            key = (price_list.pk, product[0], valid_from)
            if key in wanted:
                read.fail(
                    "valid_from",
                    gettext("the same price list, SKU and start as row %(value)s")
                    % {"value": wanted[key][0]},
                )
            else:
                wanted[key] = (number, amount, valid_to)
                plan.lists[price_list.pk] = price_list
        report_progress(progress, done, total)
    if report.error_count:
        return plan
    existing = _existing(wanted)
    _diff(wanted, existing, products, plan, report, at)
    return plan


def _is_price(amount: Decimal | None, currency: str) -> bool:
    return amount is None or (amount >= 0 and quantize(amount, currency) == amount)


def _products(skus) -> dict[str, tuple[int, Decimal | None, str]]:
    skus = sorted(s for s in skus if s)
    found = {}
    for start in range(0, len(skus), sql_chunk()):
        rows = Product.objects.filter(sku__in=skus[start : start + sql_chunk()]).values_list(
            "sku", "pk", "unit_cost_amount", "unit_cost_currency"
        )
        for sku, pk, cost, currency in rows:
            found[sku] = (pk, cost, currency)
    return found


def _existing(wanted) -> dict[tuple[int, int], list]:
    by_list: dict[int, set[int]] = defaultdict(set)
    for list_id, product_id, _ in wanted:
        by_list[list_id].add(product_id)
    return price_list_entries_for(product_ids_by_list=by_list, chunk=sql_chunk())


def _diff(wanted, existing, products, plan: Plan, report: Report, at: datetime) -> None:
    costs = {pk: (cost, currency) for pk, cost, currency in products.values()}
    skus = {pk: sku for sku, (pk, _, _) in products.items()}
    threshold = price_change_warn_percent()
    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    for (list_id, product_id, valid_from), value in wanted.items():
        by_pair[(list_id, product_id)].append((valid_from, *value))
    for (list_id, product_id), rows in by_pair.items():
        price_list = plan.lists[list_id]
        entries = {e.valid_from: e for e in existing.get((list_id, product_id), [])}
        rows = price_periods_close(entries, rows)
        final = {start: (e.amount, e.valid_to) for start, e in entries.items()}
        for valid_from, _, amount, valid_to in rows:
            final[valid_from] = (amount, valid_to)
        if not _periods_ok(final, rows, report):
            continue
        key_prefix = f"{price_list.code} / {skus[product_id]}"
        for valid_from, number, amount, valid_to in rows:
            entry = entries.get(valid_from)
            key = f"{key_prefix} / {shown(valid_from)}"
            before = _price_before(entries, valid_from)
            if entry is None:
                report.outcome(NEW, row=number, key=key, changes={"price": (None, amount)})
            elif entry.amount == amount and entry.valid_to == valid_to:
                report.outcome(UNCHANGED, row=number, key=key)
                continue
            else:
                changes = {}
                if entry.amount != amount:
                    changes["price"] = (entry.amount, amount)
                if entry.valid_to != valid_to:
                    changes["valid_to"] = (entry.valid_to, valid_to)
                report.outcome(CHANGED, row=number, key=key, changes=changes)
                before = entry.amount
            plan.rows[list_id].append(PriceEntryRow(product_id, amount, valid_from, valid_to))
            plan.numbers[list_id].append(number)
            if number:
                _warn(report, number, key, amount, before, costs[product_id], price_list, threshold)


def _periods_ok(final, rows, report: Report) -> bool:
    numbers = {r[0]: r[1] for r in rows}
    clash = price_periods_overlap(final)
    if clash is None:
        return True
    a_from, b_from = clash
    faulty = b_from if b_from in numbers else a_from
    other = a_from if faulty == b_from else b_from
    report.error(
        numbers.get(faulty),
        "valid_from",
        gettext("the period overlaps the price from %(other)s") % {"other": shown(other)},
        code=PricePeriodOverlapError.code,
    )
    return False


def _price_before(entries: dict, valid_from: datetime) -> Decimal | None:
    earlier = [start for start in entries if start < valid_from]
    return entries[max(earlier)].amount if earlier else None


def _warn(report, number, key, amount, before, cost, price_list, threshold) -> None:
    unit_cost, cost_currency = cost
    if unit_cost is not None and cost_currency == price_list.currency and amount < unit_cost:
        report.warn(
            "price_below_cost",
            number,
            gettext("%(key)s: price %(amount)s is below cost %(value)s")
            % {
                "key": key,
                "amount": shown(amount),
                "value": shown(quantize(unit_cost, cost_currency)),
            },
        )
    if before:
        change = (amount - before) * 100 / before
        if abs(change) >= threshold:
            report.warn(
                "price_change_large",
                number,
                f"{key}: {shown(before)} -> {shown(amount)} ({change:+.0f}%)",
            )


def apply(plan: Plan, *, run, at: datetime, user, progress: Progress | None = None) -> None:
    """Write the plan with ``price_entries_bulk_set``; call inside the run's transaction.

    A service error is re-raised naming the spreadsheet row it came from.
    """
    total = sum(len(rows) for rows in plan.rows.values())
    done = 0
    for list_id, rows in plan.rows.items():
        numbers = plan.numbers[list_id]
        order = sorted(range(len(rows)), key=lambda i: (rows[i].product_id, rows[i].valid_from))
        for start in range(0, len(order), APPLY_CHUNK):
            picked = order[start : start + APPLY_CHUNK]
            try:
                price_entries_bulk_set(
                    price_list=plan.lists[list_id],
                    rows=[rows[i] for i in picked],
                    user=user,
                    source="import",
                    reference=f"import run {run.pk}",
                    at=at,
                )
            except DomainError as exc:
                raise _located(exc, [numbers[i] for i in picked]) from exc
            done += len(picked)
            if progress:
                progress(done, total)


def _located(exc: DomainError, numbers: list[int]) -> DomainError:
    parts = (exc.field or "").split(".")
    if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit():
        column = {"amount": "price", "product_id": "sku"}.get(parts[2], parts[2])
        row = numbers[int(parts[1])]
        exc.message = gettext("row %(row)s, column '%(column)s': %(message)s") % {
            "row": row,
            "column": column,
            "message": exc.message,
        }
        exc.extra = {**exc.extra, "row": row, "column": column}
    return exc


def export_dataset():
    """Every price list entry in the import layout."""
    return PriceListEntryResource().export()
