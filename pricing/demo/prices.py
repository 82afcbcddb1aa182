"""Demo steps for price lists and their entries, with a price history that looks lived in.

Every product gets a price in the public list of each market, from its unit
cost, its department's mark-up and the market's VAT, rounded to shop prices
(``39.95``, ``299.00``).  Some prices change over time, each change written
through ``price_entries_bulk_set`` at the moment HQ would have entered it, so
the history (and with it the Omnibus 30-day lowest price) is what a real
chain would show:

* a 5 % rise on 1 January 2026 (the demo epoch) for about a fifth;
* Sweden's food VAT cut on 1 April 2026 passed on to food prices;
* relative to *today*, so the demo looks alive whenever it is run: a sale
  that ended five days ago (the 30-day lowest is below today's price), a
  permanent cut ten days ago, and a rise scheduled two weeks ahead.

A product that already has an entry in a list is left alone in that list,
so a rerun (even on another day) adds nothing.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from pricing.models import PriceChange, PriceList, PriceListEntry
from pricing.services.prices import PriceEntryRow, price_entries_bulk_set
from retail.demo.builder import DEMO_EPOCH, SeedContext
from retail.demo.data.catalog import VAT_RATES, department_leaves
from retail.demo.data.locations import MARKET_CHANNELS, MARKETPLACES, MARKETS
from retail.models import CustomerGroup, Product

# Every price starts here; it was entered a little before.
BASE_FROM = datetime(2025, 1, 1, tzinfo=UTC)
BASE_KNOWN = datetime(2024, 12, 15, tzinfo=UTC)

# Mark-up on the unit cost (excluding VAT), by department.
MARKUPS = {
    "HOME": Decimal("2.2"),
    "CLOTHING": Decimal("2.4"),
    "FOOD": Decimal("1.5"),
    "BEAUTY": Decimal("2.3"),
    "SPORT": Decimal("2.1"),
    "BOOKS": Decimal("1.6"),
}
# Departments whose prices end in .95 at any size; the others end in 9.00 from 100 up.
CHARM_95 = {"FOOD", "BEAUTY", "BOOKS"}
# Costs are in the brand's currency; prices in the list's.  Rough, stable rates.
PER_DKK = {"DKK": Decimal(1), "SEK": Decimal("1.50"), "NOK": Decimal("1.55")}


@dataclass(frozen=True)
class ListSeed:
    code: str
    name: str
    currency: str
    country: str
    priority: int = 0
    group: str | None = None


PUBLIC_LISTS = tuple(
    ListSeed(f"PUBLIC-{m.country}", f"Public prices {m.name}", m.currency, m.country)
    for m in MARKETS
)
MEMBER_LIST = ListSeed("MEMBER-DK", "Club member prices Denmark", "DKK", "DK", 10, "MEMBER")
B2B_LIST = ListSeed("B2B-ACME", "ACME Facility Services contract", "DKK", "DK", 20, "B2B-ACME")
LISTS = (*PUBLIC_LISTS, MEMBER_LIST, B2B_LIST)


@dataclass(frozen=True)
class ProductRow:
    pk: int
    sku: str
    name: str
    department: str
    vat_class: str
    cost: Decimal
    cost_currency: str


@dataclass(frozen=True)
class Change:
    """From ``moment`` the price is multiplied by ``factor``; HQ entered it at ``known``."""

    moment: datetime
    factor: Decimal
    known: datetime


def demo_today() -> datetime:
    """Midnight UTC of today: the anchor of the changes that keep the demo alive."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def share(seed: int, *parts: object) -> float:
    """A stable number in [0, 1) for ``parts``; cheaper than a generator per product."""
    return zlib.crc32(":".join(str(p) for p in (seed, *parts)).encode()) / 2**32


def shop_price(gross: Decimal, *, department: str) -> Decimal:
    """Round ``gross`` to a shop price: ``X.95``, or ``X9.00`` / ``X49.00`` for bigger items."""
    if department in CHARM_95 or gross < 100:
        return max(gross.quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(5)) - Decimal("0.05")
    step = Decimal(50) if gross >= 1000 else Decimal(10)
    return (gross / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step - 1


def vat_rate(country: str, vat_class: str, day: date) -> Decimal:
    for rate_country, rate_class, rate, valid_from, valid_to in VAT_RATES:
        in_force = valid_from <= day and (valid_to is None or day < valid_to)
        if (rate_country, rate_class) == (country, vat_class) and in_force:
            return rate
    return Decimal(0)


def list_gross(product: ProductRow, *, currency: str, country: str) -> Decimal:
    """The unrounded shelf price in a market at ``BASE_FROM``, VAT included."""
    cost_dkk = product.cost / PER_DKK[product.cost_currency]
    net = cost_dkk * MARKUPS[product.department] * PER_DKK[currency]
    vat = vat_rate(country, product.vat_class, BASE_FROM.date())
    jitter = Decimal(90 + int(share(0, "jitter", product.sku) * 21)) / 100
    return net * (1 + vat / 100) * jitter


def public_price(product: ProductRow, *, currency: str, country: str) -> Decimal:
    """The public price at ``BASE_FROM``, before any change (campaigns are priced from it)."""
    return shop_price(
        list_gross(product, currency=currency, country=country), department=product.department
    )


def pattern_changes(seed: int, product: ProductRow, *, today: datetime) -> list[Change]:
    """The chain's price moves of a product, the same in every market."""
    roll = share(seed, "pattern", product.sku)
    day = timedelta(days=1)
    if roll < 0.20:
        return [Change(DEMO_EPOCH, Decimal("1.05"), DEMO_EPOCH - 17 * day)]
    if roll < 0.24:  # a sale that ended: the 30-day lowest is below today's price
        return [
            Change(today - 20 * day, Decimal("0.8"), today - 22 * day),
            Change(today - 5 * day, Decimal("1.25"), today - 22 * day),
        ]
    if roll < 0.28:
        return [Change(today - 10 * day, Decimal("0.85"), today - 12 * day)]
    if roll < 0.31:
        return [Change(today + 14 * day, Decimal("1.08"), today - 3 * day)]
    return []


def vat_changes(product: ProductRow, *, country: str) -> list[Change]:
    """VAT rate changes after ``BASE_FROM`` passed on in full, entered a month ahead."""
    changes = []
    for rate_country, rate_class, rate, valid_from, _valid_to in VAT_RATES:
        if (rate_country, rate_class) != (country, product.vat_class):
            continue
        moment = datetime(valid_from.year, valid_from.month, valid_from.day, tzinfo=UTC)
        if moment <= BASE_FROM:
            continue
        before = vat_rate(country, product.vat_class, valid_from - timedelta(days=1))
        changes.append(Change(moment, (100 + rate) / (100 + before), moment - timedelta(days=31)))
    return changes


def segments(
    gross: Decimal, changes: list[Change], *, department: str
) -> list[tuple[datetime, datetime | None, Decimal]]:
    """The entries (from, to, amount) that ``changes`` make of one open price."""
    result = []
    start, factor = BASE_FROM, Decimal(1)
    for change in sorted(changes, key=lambda c: c.moment):
        result.append((start, change.moment, shop_price(gross * factor, department=department)))
        start, factor = change.moment, factor * change.factor
    result.append((start, None, shop_price(gross * factor, department=department)))
    return result


def waves(
    gross: Decimal, changes: list[Change], *, department: str
) -> dict[datetime, list[tuple[datetime, datetime | None, Decimal]]]:
    """The entries (from, to, amount) to create at each moment HQ entered a change.

    Each entry is created, with its final end, when the change that starts it
    was entered; replaying that history gives the same price at every moment
    as editing the previous entry's end would, at a fraction of the writes.
    """
    known_at = {change.moment: change.known for change in changes}
    planned: dict[datetime, list] = {}
    for entry in segments(gross, changes, department=department):
        planned.setdefault(known_at.get(entry[0], BASE_KNOWN), []).append(entry)
    return planned


def product_rows() -> list[ProductRow]:
    """Every product with what its price is made of; one query."""
    departments = {leaf.code: d for d, leaf in department_leaves()}
    rows = []
    for pk, sku, name, category, cost, currency in Product.objects.values_list(
        "pk", "sku", "name", "category__code", "unit_cost_amount", "unit_cost_currency"
    ).order_by("sku"):
        department = departments.get(category)
        if department is None:  # a category the demo data does not know
            continue
        rows.append(
            ProductRow(
                pk=pk,
                sku=sku,
                name=name,
                department=department.code,
                vat_class=department.vat_class,
                cost=cost if cost is not None else Decimal(40),
                cost_currency=currency if currency in PER_DKK else "DKK",
            )
        )
    return rows


def seed_price_lists(*, ctx: SeedContext) -> None:
    """Create the public list of each market, the member list and the B2B contract list.

    A public list is scoped to its market's channels (and marketplaces), a
    member or contract list also to its customer group.  Existing lists keep
    their scope.
    """
    existing = set(PriceList.objects.values_list("code", flat=True))
    new = [seed for seed in LISTS if seed.code not in existing]
    ctx.bulk_create(
        PriceList,
        [
            PriceList(code=s.code, name=s.name, currency=s.currency, priority=s.priority)
            for s in new
        ],
    )
    lists = PriceList.objects.in_bulk([s.code for s in new], field_name="code")
    channels = ctx.shared["channels"]
    groups = dict(CustomerGroup.objects.values_list("code", "pk"))
    channel_rows, group_rows = [], []
    for seed in new:
        codes = [f"{prefix}-{seed.country}" for prefix, *_ in MARKET_CHANNELS]
        codes += [code for code, country, _name in MARKETPLACES if country == seed.country]
        channel_rows += [
            PriceList.channels.through(pricelist_id=lists[seed.code].pk, channel_id=channels[c].pk)
            for c in codes
            if c in channels
        ]
        if seed.group in groups:
            group_rows.append(
                PriceList.customer_groups.through(
                    pricelist_id=lists[seed.code].pk, customergroup_id=groups[seed.group]
                )
            )
    ctx.bulk_create(PriceList.channels.through, channel_rows)
    ctx.bulk_create(PriceList.customer_groups.through, group_rows)
    ctx.summary["price lists"] = PriceList.objects.count()


def seed_prices(*, ctx: SeedContext) -> None:
    """Set the entries of every list for the products it has none for, with their history."""
    seed, today = ctx.config.seed, demo_today()
    products = product_rows()
    ctx.shared["pricing_products"] = products
    lists = PriceList.objects.in_bulk([s.code for s in LISTS], field_name="code")
    for list_seed in LISTS:
        price_list = lists.get(list_seed.code)
        if price_list is None:
            continue
        priced = set(
            PriceListEntry.objects.filter(price_list=price_list).values_list(
                "product_id", flat=True
            )
        )
        plan: dict[datetime, list[PriceEntryRow]] = defaultdict(list)
        for product in products:
            if product.pk in priced:
                continue
            for moment, rows in _product_waves(seed, product, list_seed, today=today).items():
                plan[moment] += [
                    PriceEntryRow(product.pk, amount, start, end) for start, end, amount in rows
                ]
        for moment in sorted(plan):
            result = price_entries_bulk_set(
                price_list=price_list, rows=plan[moment], source=PriceChange.Source.SEED, at=moment
            )
            ctx.count(PriceListEntry, result.created)
            ctx.count(PriceChange, result.created + result.changed)
    ctx.summary["price entries"] = PriceListEntry.objects.count()


def _product_waves(seed: int, product: ProductRow, list_seed: ListSeed, *, today: datetime):
    public = PUBLIC_LISTS[0]
    if list_seed.group is None:
        gross = list_gross(product, currency=list_seed.currency, country=list_seed.country)
        changes = pattern_changes(seed, product, today=today)
        changes += vat_changes(product, country=list_seed.country)
        return waves(gross, changes, department=product.department)
    # Member and contract prices undercut a public price that only rises (never a cut),
    # so a member never pays more than a guest.
    if any(c.factor < 1 for c in pattern_changes(seed, product, today=today)):
        return {}
    roll = share(seed, list_seed.code, product.sku)
    if list_seed is MEMBER_LIST:
        chosen, off = roll < 0.10, Decimal(85 + int(roll * 100)) / 100
    else:
        chosen = product.department in {"HOME", "FOOD"} and roll < 0.15
        off = Decimal(75 + int(roll * 60)) / 100
    if not chosen:
        return {}
    gross = list_gross(product, currency=public.currency, country=public.country) * off
    return waves(gross, [], department=product.department)
