"""Products: create or update by SKU, with GTINs, brand, category, VAT class and cost.

An optional column left out of the file leaves that field as it is; a column
present but empty clears it (no brand, no cost, no GTINs).  GTINs are a list
(``5701234567892, 05701234567908``), the first is the primary one; each is
checked (length, check digit) and may belong to no other product.  The core
has no product service, so the rows are written here in bulk inside the
run's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
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
from imports.parsing import Table, cell_bool, cell_decimal, cell_list
from pricing.services.revision import rules_revision_bump
from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.models import Brand, Category, Currency, Product, ProductGtin, VatClass
from retail.resources import ProductResource, product_gtins

COLUMNS = (
    Column(
        "sku", True, _("The product's SKU: the key; a new SKU creates a product."), "SKU-000123"
    ),
    Column("name", True, _("Name shown on receipts and in the shop."), "Oat milk 1 l"),
    Column("category", True, _("Code of the category."), "DAIRY"),
    Column("vat_class", True, _("Code of the VAT class, e.g. STANDARD."), "STANDARD"),
    Column("brand", False, _("Code of the brand; empty: no brand."), "OATLY"),
    Column(
        "unit_cost", False, _("Purchase cost per unit excluding VAT; up to 4 decimals."), "8,25"
    ),
    Column("unit_cost_currency", False, _("DKK, SEK, NOK or EUR (default DKK)."), "DKK"),
    Column("gtins", False, _("GTINs separated by commas, the primary first."), "5701234567892"),
    Column("is_active", False, _("yes or no (default yes)."), "yes"),
)
FIELDS = (
    "name",
    "category_id",
    "vat_class_id",
    "brand_id",
    "unit_cost_amount",
    "unit_cost_currency",
    "is_active",
)
SHOWN_AS = {
    "category_id": "category",
    "vat_class_id": "vat_class",
    "brand_id": "brand",
    "unit_cost_amount": "unit_cost",
}


@dataclass
class Plan:
    creates: list[Product] = field(default_factory=list)
    updates: list[Product] = field(default_factory=list)
    gtins: dict[str, list[str]] = field(default_factory=dict)  # sku -> GTINs to set
    fields: set[str] = field(default_factory=set)


def check(table: Table, *, at: datetime, report: Report, progress: Progress | None = None) -> Plan:
    """Check every row; diff it against the product with that SKU."""
    plan = Plan()
    if not headers_check(table, COLUMNS, report):
        return plan
    present = set(table.headers)
    plan.fields = {"name", "category_id", "vat_class_id"} | {
        f
        for f, column in (
            ("brand_id", "brand"),
            ("unit_cost_amount", "unit_cost"),
            ("unit_cost_currency", "unit_cost_currency"),
            ("is_active", "is_active"),
        )
        if column in present
    }
    cells = [c for _, c in table.rows]
    categories = lookup(Category, "code", (str(c.get("category") or "").strip() for c in cells))
    vat_classes = lookup(VatClass, "code", (str(c.get("vat_class") or "").strip() for c in cells))
    brands = lookup(Brand, "code", (str(c.get("brand") or "").strip() for c in cells))
    existing = _existing([str(c.get("sku") or "").strip() for c in cells])
    gtin_owner = _gtin_owners(cells) if "gtins" in present else {}
    seen: dict[str, int] = {}
    total = len(table.rows)
    for done, (number, row) in enumerate(table.rows, start=1):
        read = RowReader(report, number, row)
        sku = read("sku", required=True)
        values = {"name": read("name", required=True)}
        values["category_id"] = _ref(read, "category", categories, required=True)
        values["vat_class_id"] = _ref(read, "vat_class", vat_classes, required=True)
        if "brand" in present:
            values["brand_id"] = _ref(read, "brand", brands)
        if "unit_cost" in present:
            cost = read("unit_cost", cell_decimal)
            if cost is not None and (cost < 0 or cost != round(cost, 4)):
                read.fail("unit_cost", gettext("must be 0 or more with at most 4 decimals"))
            values["unit_cost_amount"] = cost
        if "unit_cost_currency" in present:
            currency = (read("unit_cost_currency") or "DKK").upper()
            if currency not in Currency.values:
                read.fail(
                    "unit_cost_currency",
                    gettext("'%(currency)s' is not one of %(value)s")
                    % {"currency": currency, "value": ", ".join(Currency.values)},
                )
            values["unit_cost_currency"] = currency
        if "is_active" in present:
            values["is_active"] = read(
                "is_active", lambda v: cell_bool(v) if str(v or "").strip() else True
            )
        gtins = _gtins(read, sku, gtin_owner) if "gtins" in present else None
        if sku and sku in seen:
            read.fail("sku", gettext("also in row %(value)s") % {"value": seen[sku]})
        if read.ok:
            seen[sku] = number
            _diff(plan, report, number, sku, values, gtins, existing.get(sku))
        report_progress(progress, done, total)
    return plan


def _ref(read: RowReader, column: str, known: dict, *, required: bool = False):
    code = read(column, required=required)
    if not code:
        return None
    if code not in known:
        read.fail(
            column,
            gettext("'%(code)s' is not a %(value)s")
            % {"code": code, "value": column.replace("_", " ")},
        )
        return None
    return known[code].pk


def _existing(skus: list[str]) -> dict[str, Product]:
    skus = sorted({s for s in skus if s})
    found = {}
    for start in range(0, len(skus), sql_chunk()):
        for product in Product.objects.filter(
            sku__in=skus[start : start + sql_chunk()]
        ).prefetch_related("gtins"):
            found[product.sku] = product
    return found


def _gtin_owners(cells) -> dict[str, str]:
    """GTIN-14 -> SKU of its current owner, for the GTINs in the file."""
    wanted = set()
    for row in cells:
        for value in cell_list(row.get("gtins")):
            try:
                wanted.add(gtin14(value))
            except InvalidGtinError:
                continue
    wanted = sorted(wanted)
    owners = {}
    for start in range(0, len(wanted), sql_chunk()):
        for code, sku in ProductGtin.objects.filter(
            gtin14__in=wanted[start : start + sql_chunk()]
        ).values_list("gtin14", "product__sku"):
            owners[code] = sku
    return owners


def _gtins(read: RowReader, sku, owners: dict[str, str]) -> list[str]:
    result, seen = [], set()
    for value in cell_list(read.cells.get("gtins")):
        try:
            code = gtin14(value)
        except InvalidGtinError as exc:
            read.fail("gtins", exc.message)
            continue
        owner = owners.get(code)
        if owner is not None and owner != sku:
            read.fail(
                "gtins",
                gettext("'%(value)s' belongs to product %(owner)s")
                % {"value": value, "owner": owner},
            )
        elif code in seen:
            read.fail("gtins", gettext("'%(value)s' is listed twice") % {"value": value})
        seen.add(code)
        owners[code] = sku  # a later row claiming it is an error
        result.append(value)
    return result


def _diff(plan: Plan, report: Report, number: int, sku: str, values: dict, gtins, product) -> None:
    if product is None:
        product = Product(sku=sku, **values)
        plan.creates.append(product)
        changes = {SHOWN_AS.get(k, k): (None, v) for k, v in values.items() if k == "name"}
        report.outcome(NEW, row=number, key=sku, changes=changes)
        if gtins:
            plan.gtins[sku] = gtins
        return
    changes = {}
    for name, value in values.items():
        old = getattr(product, name)
        if old != value:
            changes[SHOWN_AS.get(name, name)] = (old, value)
            setattr(product, name, value)
    if gtins is not None:
        current = product_gtins(product)
        if current[:1] != gtins[:1] or sorted(current) != sorted(gtins):
            changes["gtins"] = (", ".join(current), ", ".join(gtins))
            plan.gtins[sku] = gtins
    if changes:
        plan.updates.append(product)
        report.outcome(CHANGED, row=number, key=sku, changes=changes)
    else:
        report.outcome(UNCHANGED, row=number, key=sku)


def apply(plan: Plan, *, run, at: datetime, user, progress: Progress | None = None) -> None:
    """Create and update the products and set their GTINs; call inside the run's transaction."""
    now = timezone.now()
    for product in plan.updates:
        product.updated_at = now
    Product.objects.bulk_create(plan.creates, batch_size=1000)
    Product.objects.bulk_update(plan.updates, [*sorted(plan.fields), "updated_at"], batch_size=1000)
    if plan.creates or plan.updates:
        # A product's category, brand or VAT class decides which campaigns and rates apply.
        rules_revision_bump(at=at)
    if plan.gtins:
        _gtins_set(plan.gtins)
    if progress:
        total = len(plan.creates) + len(plan.updates)
        progress(total, total)


def _gtins_set(wanted: dict[str, list[str]]) -> None:
    """Give each product exactly its listed GTINs (the first primary); keep pack quantities."""
    ids = dict(Product.objects.filter(sku__in=list(wanted)).values_list("sku", "pk"))
    current: dict[int, dict[str, ProductGtin]] = {pk: {} for pk in ids.values()}
    for gtin in ProductGtin.objects.filter(product_id__in=ids.values()):
        current[gtin.product_id][gtin.gtin14] = gtin
    drop, creates, primaries = [], [], []
    for sku, gtins in wanted.items():
        have = current[ids[sku]]
        codes = [gtin14(g) for g in gtins]
        drop += [g.pk for code, g in have.items() if code not in codes]
        for index, (value, code) in enumerate(zip(gtins, codes, strict=True)):
            if code in have:
                if index == 0:
                    primaries.append(have[code].pk)
            else:
                creates.append(
                    ProductGtin(product_id=ids[sku], gtin=value, gtin14=code, is_primary=index == 0)
                )
    ProductGtin.objects.filter(pk__in=drop).delete()
    # Clear the old primaries first: a product has one primary GTIN (a unique constraint).
    ProductGtin.objects.filter(product_id__in=ids.values(), is_primary=True).exclude(
        pk__in=primaries
    ).update(is_primary=False)
    ProductGtin.objects.filter(pk__in=primaries).update(is_primary=True)
    ProductGtin.objects.bulk_create(creates, batch_size=1000)


def export_dataset():
    """Every product in the import layout."""
    return ProductResource().export()
