"""Stock counts per store: ``store, sku, counted`` sets on hand through the inventory ledger.

Each changed row is posted by ``inventory.services.stock_count`` (a
``count_correction`` movement with the difference); stock rows are never
written here.  A count below what is reserved releases reservations, so it
is a warning to tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.conf import sql_chunk
from imports.kinds.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Column,
    Progress,
    Report,
    RowReader,
    headers_check,
    lookup,
    report_progress,
)
from imports.parsing import Table, cell_int
from inventory.resources import StockCountResource
from inventory.selectors_counts import stock_levels_for_products
from inventory.services import stock_count
from retail.models import Product, Store

COLUMNS = (
    Column("store", True, _("Code of the store or warehouse, e.g. DK-CPH01."), "DK-CPH01"),
    Column("sku", True, _("The product's SKU."), "SKU-000123"),
    Column("counted", True, _("Units counted on the shelf: a whole number, 0 or more."), "12"),
)


@dataclass
class Plan:
    rows: list[tuple[int, Store, Product, int]] = field(default_factory=list)


def check(table: Table, *, at: datetime, report: Report, progress: Progress | None = None) -> Plan:
    """Check each row and diff the count against on hand; warn when it is below reserved."""
    plan = Plan()
    if not headers_check(table, COLUMNS, report):
        return plan
    stores = lookup(Store, "code", (str(c.get("store") or "").strip() for _, c in table.rows))
    products = lookup(
        Product, "sku", (str(c.get("sku") or "").strip() for _, c in table.rows), only=("pk", "sku")
    )
    levels = stock_levels_for_products(
        product_ids=(p.pk for p in products.values()), chunk=sql_chunk()
    )
    seen: dict[tuple[int, int], int] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        read = RowReader(report, number, cells)
        code, sku = read("store", required=True), read("sku", required=True)
        counted = read("counted", cell_int, required=True)
        store, product = stores.get(code), products.get(sku)
        if code and store is None:
            read.fail("store", gettext("'%(code)s' is not a store") % {"code": code})
        if sku and product is None:
            read.fail("sku", gettext("'%(sku)s' is not a product") % {"sku": sku})
        if counted is not None and counted < 0:
            read.fail("counted", gettext("'%(counted)s' is below 0") % {"counted": counted})
        if read.ok:
            key = (store.pk, product.pk)
            if key in seen:
                read.fail(
                    "sku", gettext("counted twice: also in row %(value)s") % {"value": seen[key]}
                )
                continue
            seen[key] = number
            on_hand, reserved = levels.get(key, (None, 0))
            label = f"{store.code} / {product.sku}"
            if on_hand == counted:
                report.outcome(UNCHANGED, row=number, key=label)
            else:
                outcome = NEW if on_hand is None else CHANGED
                report.outcome(
                    outcome, row=number, key=label, changes={"on_hand": (on_hand, counted)}
                )
                plan.rows.append((number, store, product, counted))
                if counted < reserved:
                    report.warn(
                        "stock_count_below_reserved",
                        number,
                        f"{label}: counted {counted}, {reserved} reserved",
                    )
        report_progress(progress, done, total)
    return plan


def apply(plan: Plan, *, run, at: datetime, user, progress: Progress | None = None) -> None:
    """Post each count through ``stock_count``; call inside the run's transaction."""
    total = len(plan.rows)
    for done, (number, store, product, counted) in enumerate(plan.rows, start=1):
        stock_count(
            location=store,
            product=product,
            counted=counted,
            source_key=f"import:{run.pk}:{number}",
            actor=user,
            actor_label=f"import #{run.pk}",
            at=at,
        )
        report_progress(progress, done, total, every=500)


def export_dataset():
    """On hand of every stock row in the import layout (``counted`` = on hand)."""
    return StockCountResource().export()
