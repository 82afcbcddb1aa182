"""Checking what a POS sent: lines resolved to products with their VAT, tenders adding up."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

from loyalty.selectors import points_burn_for_key, redemption_for_key
from orders.errors import ReceiptInvalidError
from orders.models import OrderLine, Tender
from orders.services.tenders.take import STORED_VALUE_KINDS
from retail.gtin import gtin14
from retail.models import Product, ProductGtin, Store, VatRate
from retail.money import quantize, vat_portion


@dataclass(frozen=True)
class ReceiptLine:
    sku: str  # or GTIN as scanned
    quantity: int
    unit_price: Decimal
    total: Decimal  # paid for the line after its discounts
    discounts: tuple[dict, ...] = ()
    vat_rate: Decimal | None = None  # percent; default: the product's class in the store's country


@dataclass(frozen=True)
class ReceiptTender:
    kind: str  # Tender.Kind
    amount: Decimal
    reference: str = ""  # external payment reference, or the stored-value redemption key
    code_last4: str = ""
    points: int = 0


def products_resolve(codes: Sequence[str]) -> list[tuple[Product, int] | None]:
    """Return (product, pack quantity) per SKU or GTIN as scanned, None when unknown; two queries.

    A till sells what is on the shelf, so inactive products are found too.
    """
    codes = [str(code).strip() for code in codes]
    keys = [_gtin_key(code) for code in codes]
    by_sku = {p.sku: p for p in Product.objects.filter(sku__in=set(codes))}
    by_gtin = {
        g.gtin14: (g.product, g.pack_quantity)
        for g in ProductGtin.objects.filter(gtin14__in={k for k in keys if k}).select_related(
            "product"
        )
    }
    found: list[tuple[Product, int] | None] = []
    for code, key in zip(codes, keys, strict=True):
        if code in by_sku:
            found.append((by_sku[code], 1))
        else:
            found.append(by_gtin.get(key) if key else None)
    return found


def _gtin_key(code: str) -> str | None:
    if not code.isdigit():
        return None
    try:
        return gtin14(code)
    except Exception:  # not a valid GTIN: only a SKU can match
        return None


def vat_rates_for(products: Sequence[Product], *, store: Store, at: datetime) -> dict[int, Decimal]:
    """Return the VAT rates (percent) by VAT class at ``store`` on the local date of ``at``."""
    zone = store.time_zone or settings.TIME_ZONE
    day = at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    rates = VatRate.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        country=store.country,
        vat_class_id__in={p.vat_class_id for p in products},
        valid_from__lte=day,
    )
    return {rate.vat_class_id: rate.rate for rate in rates}


def _amount(value, currency: str, field: str) -> Decimal:
    try:
        amount = quantize(Decimal(str(value)), currency)
    except Exception:
        raise ReceiptInvalidError(gettext("Not an amount."), field=field) from None
    if amount < 0:
        raise ReceiptInvalidError(gettext("Amounts are not negative."), field=field)
    return amount


def lines_check(
    lines: Sequence[ReceiptLine], *, store: Store, currency: str, sold_at: datetime
) -> list[OrderLine]:
    """Resolve and check the receipt's lines; return unsaved ``OrderLine`` rows."""
    if not lines:
        raise ReceiptInvalidError(gettext("A receipt has at least one line."), field="lines")
    for i, line in enumerate(lines):
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 9999:
            raise ReceiptInvalidError(
                gettext("A quantity is 1 to 9999."), field=f"lines.{i}.quantity"
            )
    found = products_resolve([line.sku for line in lines])
    for i, hit in enumerate(found):
        if hit is None:
            raise ReceiptInvalidError(
                gettext("No product has this SKU or GTIN."),
                field=f"lines.{i}.sku",
                extra={"sku": lines[i].sku},
            )
    rates = vat_rates_for([hit[0] for hit in found], store=store, at=sold_at)
    gtins = _primary_gtins([hit[0] for hit in found])
    rows = []
    for i, (line, (product, pack)) in enumerate(zip(lines, found, strict=True)):
        unit_price = _amount(line.unit_price, currency, f"lines.{i}.unit_price")
        total = _amount(line.total, currency, f"lines.{i}.total")
        base_total = quantize(unit_price * line.quantity, currency)
        if total > base_total:
            raise ReceiptInvalidError(
                gettext("The line total is more than quantity x unit price."),
                field=f"lines.{i}.total",
                extra={"base_total": str(base_total)},
            )
        rate = line.vat_rate if line.vat_rate is not None else rates.get(product.vat_class_id)
        if rate is None:
            raise ReceiptInvalidError(
                gettext("No VAT rate for this product in the store's country."),
                field=f"lines.{i}.vat_rate",
            )
        units = line.quantity * pack
        rows.append(
            OrderLine(
                line_no=i + 1,
                product=product,
                sku=product.sku,
                name=product.name,
                gtin=gtins.get(product.pk, ""),
                quantity=units,
                unit_price_amount=quantize(base_total / units, currency),
                base_total_amount=base_total,
                discount_amount=base_total - total,
                total_amount=total,
                vat_rate=Decimal(rate),
                vat_amount=vat_portion(total, Decimal(rate), currency),
                discounts=[dict(d) for d in line.discounts],
                status=OrderLine.Status.PICKED,
            )
        )
    return rows


def _primary_gtins(products: Sequence[Product]) -> dict[int, str]:
    return dict(
        ProductGtin.objects.filter(product__in=products, is_primary=True).values_list(
            "product_id", "gtin"
        )
    )


def tenders_check(
    tenders: Sequence[ReceiptTender], *, total: Decimal, currency: str
) -> list[Tender]:
    """Check the tenders pay exactly ``total``; return unsaved CAPTURED ``Tender`` rows."""
    if not tenders:
        raise ReceiptInvalidError(gettext("Say how the receipt was paid."), field="tenders")
    rows = []
    for i, tender in enumerate(tenders):
        if tender.kind not in Tender.Kind.values:
            raise ReceiptInvalidError(gettext("Unknown tender."), field=f"tenders.{i}.kind")
        amount = _amount(tender.amount, currency, f"tenders.{i}.amount")
        row = Tender(
            kind=tender.kind,
            status=Tender.Status.CAPTURED,
            amount=amount,
            code_last4=(tender.code_last4 or "")[-4:],
        )
        if tender.kind in STORED_VALUE_KINDS:
            _stored_value_tender(row, tender.reference, field=f"tenders.{i}.reference")
        elif tender.kind == Tender.Kind.POINTS:
            _points_tender(row, tender, field=f"tenders.{i}")
        else:
            row.external_reference = tender.reference
        rows.append(row)
    paid = sum((row.amount for row in rows), Decimal(0))
    if paid != total:
        raise ReceiptInvalidError(
            gettext("The tenders do not add up to the lines."),
            field="tenders",
            extra={"total": str(total), "tendered": str(paid)},
        )
    return rows


def _stored_value_tender(row: Tender, reference: str, *, field: str) -> None:
    """Link the tender to the redemption the POS made, so a return can refund it."""
    entry = redemption_for_key(source_key=reference)
    if entry is None:
        raise ReceiptInvalidError(
            gettext("Give the key the card or voucher was redeemed with."), field=field
        )
    if -entry.amount != row.amount:
        raise ReceiptInvalidError(
            gettext("The redemption was for another amount."),
            field=field,
            extra={"redeemed": str(-entry.amount)},
        )
    account = entry.account
    row.kind = account.kind
    row.redemption_key = reference
    row.stored_value_account_id = account.pk
    row.code_last4 = row.code_last4 or account.code[-4:]


def _points_tender(row: Tender, tender: ReceiptTender, *, field: str) -> None:
    row.points = max(int(tender.points or 0), 0)
    if not tender.reference:
        return
    burn = points_burn_for_key(source_key=tender.reference)
    if burn is None:
        raise ReceiptInvalidError(
            gettext("No points were burned with this key."), field=f"{field}.reference"
        )
    row.points = -burn.points
    row.points_burn_key = tender.reference
