"""Campaigns: one row per campaign, its scope and targets in list columns.

Marketers found one row per campaign simpler than one per campaign-target
pair: ``products`` lists SKUs, ``categories`` and ``brands`` codes (a
category includes its sub-categories), ``exclude_products`` SKUs to leave
out.  ``channels``, ``stores`` and ``customer_groups`` list codes; empty
means all.  The offer is parsed by ``imports.kinds.offers``.  A changed
campaign gets exactly the row's scope and targets.  Written in bulk with
``pricing.services.imports.campaigns_bulk_upsert`` (revision bumped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext, gettext_lazy

from imports.conf import sql_chunk
from imports.kinds import campaign_preview
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
from imports.kinds.offers import IMPORTABLE_KINDS, offer_parse
from imports.parsing import (
    CellError,
    Table,
    cell_bool,
    cell_datetime,
    cell_decimal,
    cell_int,
    cell_list,
)
from pricing.choices import CampaignStatus, StackingPolicy
from pricing.resources import CampaignResource
from pricing.selectors_import import CampaignWithScope, campaigns_with_scope_by_code
from pricing.services.imports import CAMPAIGN_FIELDS, CampaignRow, campaigns_bulk_upsert
from pricing.validation import TARGETS, campaign_problems
from retail.models import Brand, Category, Channel, Currency, CustomerGroup, Product, Store
from retail.money import quantize

COLUMNS = (
    Column("code", True, gettext_lazy("Unique code of the campaign: the key."), "SUMMER25"),
    Column("name", True, gettext_lazy("Name for HQ and receipts."), "Summer grill 3 for 2"),
    Column(
        "kind",
        True,
        gettext_lazy(
            "percent_off, amount_off, fixed_price, multibuy, mix_match or spend_threshold."
        ),
        "multibuy",
    ),
    Column(
        "offer",
        True,
        gettext_lazy("20% | 10,00 | 49,95 | 3 for 2 | 2 for 100,00 | 3 for 20%."),
        "3 for 2",
    ),
    Column("currency", False, gettext_lazy("DKK, SEK, NOK or EUR; required with amounts."), "DKK"),
    Column("status", False, gettext_lazy("draft, active (default), paused or ended."), "active"),
    Column(
        "valid_from",
        True,
        gettext_lazy("Start: yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy, optional HH:MM."),
        "01.06.2025",
    ),
    Column(
        "valid_to",
        False,
        gettext_lazy("First moment it no longer runs; empty: open-ended."),
        "01.09.2025",
    ),
    Column(
        "priority", False, gettext_lazy("Whole number; higher is applied first (default 0)."), "10"
    ),
    Column(
        "stacking",
        False,
        gettext_lazy("exclusive, best_price (default) or compound."),
        "best_price",
    ),
    Column("requires_coupon", False, gettext_lazy("yes or no (default no)."), "no"),
    Column("max_applications", False, gettext_lazy("Times per basket; empty: unlimited."), ""),
    Column(
        "threshold",
        False,
        gettext_lazy("spend_threshold: the amount to spend; empty: any spend."),
        "500,00",
    ),
    Column(
        "channels",
        False,
        gettext_lazy("Channel codes, comma separated; empty: all."),
        "WEB-DK, POS-DK",
    ),
    Column("stores", False, gettext_lazy("Store codes; empty: all."), ""),
    Column(
        "customer_groups", False, gettext_lazy("Customer group codes; empty: everyone."), "MEMBERS"
    ),
    Column(
        "products",
        False,
        gettext_lazy(
            "SKUs the campaign applies to; a spend_threshold without targets: the whole basket."
        ),
        "SKU-1, SKU-2",
    ),
    Column(
        "categories", False, gettext_lazy("Category codes (with their sub-categories)."), "GRILL"
    ),
    Column("brands", False, gettext_lazy("Brand codes."), ""),
    Column(
        "exclude_products", False, gettext_lazy("SKUs left out of the categories or brands."), ""
    ),
)
REFERENCES = {
    "channels": (Channel, "code", "channel_ids"),
    "stores": (Store, "code", "store_ids"),
    "customer_groups": (CustomerGroup, "code", "group_ids"),
    "products": (Product, "sku", "product_ids"),
    "categories": (Category, "code", "category_ids"),
    "brands": (Brand, "code", "brand_ids"),
    "exclude_products": (Product, "sku", "excluded_product_ids"),
}
# The column of the file that holds each campaign field ``pricing.validation`` may refuse.
FIELD_COLUMNS = {
    "percent": "offer",
    "amount": "offer",
    "price": "offer",
    "buy_quantity": "offer",
    "pay_quantity": "offer",
    "mix_benefit": "offer",
    "threshold_amount": "threshold",
    TARGETS: "products",
}


@dataclass
class Plan:
    rows: list[CampaignRow] = field(default_factory=list)
    replace: set[str] = field(default_factory=set)


CURRENCIES = tuple(Currency.values)


def _choice(choices, default: str):
    def parse(value):
        text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
        if not text:
            return default
        if text not in choices:
            raise CellError(
                gettext("'%(value)s' is not one of %(value2)s")
                % {"value": value, "value2": ", ".join(choices)}
            )
        return text

    return parse


PARSE_KIND = _choice([k.value for k in IMPORTABLE_KINDS], "")
PARSE_STATUS = _choice(CampaignStatus.values, CampaignStatus.ACTIVE)
PARSE_STACKING = _choice(StackingPolicy.values, StackingPolicy.BEST_PRICE)


def check(table: Table, *, at: datetime, report: Report, progress: Progress | None = None) -> Plan:
    """Check every row; diff it against the campaign with that code; warn on overlaps and ends."""
    plan = Plan()
    if not headers_check(table, COLUMNS, report):
        return plan
    refs = {
        column: lookup(
            model,
            key,
            (v for _, c in table.rows for v in cell_list(c.get(column))),
            only=("pk", key),
        )
        for column, (model, key, _) in REFERENCES.items()
    }
    existing = campaigns_with_scope_by_code(
        codes=[str(c.get("code") or "").strip() for _, c in table.rows], chunk=sql_chunk()
    )
    parsed: list[tuple[int, CampaignRow, str]] = []
    seen: dict[str, int] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        read = RowReader(report, number, cells)
        row = _row(read, refs)
        if row is not None and row.code in seen:
            read.fail("code", gettext("also in row %(value)s") % {"value": seen[row.code]})
        if row is not None and read.ok:
            seen[row.code] = number
            outcome = _diff(report, number, row, existing.get(row.code), read)
            if outcome in (NEW, CHANGED):
                parsed.append((number, row, outcome))
                plan.rows.append(row)
                if outcome == CHANGED:
                    plan.replace.add(row.code)
        report_progress(progress, done, total)
    if not report.error_count:
        campaign_preview.warn(parsed, report, at)
    return plan


def _row(read: RowReader, refs) -> CampaignRow | None:
    code = read("code", required=True)
    kind = read("kind", PARSE_KIND, required=True)
    values = {
        "name": read("name", required=True),
        "kind": kind,
        "status": read("status", PARSE_STATUS),
        "currency": (read("currency") or "").upper(),
        "valid_from": read("valid_from", cell_datetime, required=True),
        "valid_to": read("valid_to", cell_datetime),
        "priority": read("priority", cell_int) or 0,
        "stacking": read("stacking", PARSE_STACKING),
        "requires_coupon": read("requires_coupon", cell_bool),
        "max_applications": read("max_applications", cell_int),
        "threshold_amount": read("threshold", lambda v: None if not str(v or "").strip() else v),
    }
    offer = read("offer", lambda v: offer_parse(kind, str(v or ""))) if kind else None
    values.update(offer or {})
    if values["currency"] and values["currency"] not in CURRENCIES:
        read.fail(
            "currency",
            gettext("'%(currency)s' is not one of %(value)s")
            % {"currency": values["currency"], "value": ", ".join(CURRENCIES)},
        )
    threshold_ok = _threshold(read, values)
    if values["valid_from"] and values["valid_to"] and values["valid_to"] <= values["valid_from"]:
        read.fail("valid_to", gettext("must be after valid_from"))
    ids, known = {}, True
    for column, (_, _, attr) in REFERENCES.items():
        found = []
        for value in cell_list(read.cells.get(column)):
            obj = refs[column].get(value)
            if obj is None:
                read.fail(column, gettext("'%(value)s' is not known") % {"value": value})
                known = False
            else:
                found.append(obj.pk)
        ids[attr] = frozenset(found)
    row = CampaignRow(code=code, values={k: values.get(k) for k in CAMPAIGN_FIELDS}, **ids)
    if offer is not None and threshold_ok:
        # The one campaign validation, as the admin and the service apply it.
        # An unknown SKU is reported as such, not again as a campaign without targets.
        targets = row.target_specs() if known else None
        for problem in campaign_problems(values=row.values, targets=targets):
            read.fail(
                FIELD_COLUMNS.get(problem.field, problem.field), problem.message, problem.code
            )
    if not read.ok:
        return None
    _quantize(values, row.values)
    return row


def _threshold(read: RowReader, values: dict) -> bool:
    threshold = values["threshold_amount"]
    if threshold is not None:
        try:
            values["threshold_amount"] = cell_decimal(threshold)
        except CellError as exc:
            read.fail("threshold", str(exc))
            return False
    return True


def _quantize(values: dict, row_values: dict) -> None:
    if values["currency"] in CURRENCIES:
        for name in ("amount", "price", "threshold_amount"):
            if row_values.get(name) is not None:
                row_values[name] = quantize(row_values[name], values["currency"])


def _diff(
    report: Report, number: int, row: CampaignRow, found: CampaignWithScope | None, read: RowReader
) -> str:
    if found is None:
        report.outcome(
            NEW,
            row=number,
            key=row.code,
            changes={"name": (None, row.values["name"])},
            details=campaign_preview.new_campaign_details(row, read.cells, columns=REFERENCES),
        )
        return NEW
    campaign, scope = found.campaign, found.scope
    if campaign.kind not in IMPORTABLE_KINDS:
        read.fail(
            "code",
            gettext("'%(code)s' is a %(kind)s campaign: edit it in the admin")
            % {"code": row.code, "kind": campaign.kind},
        )
        return UNCHANGED
    changes = {}
    for name, value in row.values.items():
        old = getattr(campaign, name)
        if old != value:
            changes[name] = (old, value)
    for column, (_, _, attr) in REFERENCES.items():
        if set(getattr(row, attr)) != scope[attr]:
            changes[column] = (
                gettext("%(count)s item(s)") % {"count": len(scope[attr])},
                gettext("%(count)s item(s)") % {"count": len(getattr(row, attr))},
            )
    if not changes:
        report.outcome(UNCHANGED, row=number, key=row.code)
        return UNCHANGED
    report.outcome(CHANGED, row=number, key=row.code, changes=changes)
    return CHANGED


def apply(plan: Plan, *, run, at: datetime, user, progress: Progress | None = None) -> None:
    """Create and update the campaigns in bulk; call inside the run's transaction."""
    campaigns_bulk_upsert(rows=plan.rows, replace=plan.replace, at=at)
    if progress:
        progress(len(plan.rows), len(plan.rows))


def export_dataset():
    """Every importable campaign (not bundles or gifts) in the import layout."""
    return CampaignResource().export()
