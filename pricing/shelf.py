"""What the store says about a price: the product lookup's price panel and shelf-edge labels.

Both read the price through ``prices_lookup``, the selector behind
``GET /api/v1/pricing/prices/``, in the store's own channel and store, so the
shelf, the lookup page, the till and the webshop say the same: the price, the
campaign price with its campaigns, and the Omnibus prior price.  Time is an
argument; "tomorrow" is the store's next calendar day in its time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from pricing.models import Campaign, CampaignTarget, PriceListEntry, ProductSet
from pricing.selectors import MAX_LOOKUP_SKUS, ProductPrice, prices_lookup
from retail.models import Channel, Product, ProductGtin, Store
from retail.selectors import store_day_bounds, store_hours_on

MAX_LABELS = MAX_LOOKUP_SKUS
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class StorePrice:
    """One unit's price at the store, with the campaigns that make it and the prior price."""

    price: ProductPrice
    campaigns: tuple[Campaign, ...]

    @property
    def is_reduced(self) -> bool:
        return self.price.price < self.price.ordinary_price

    @property
    def valid_to(self) -> datetime | None:
        """When the campaign price ends: the first of its campaigns to end (None: open-ended)."""
        ends = [c.valid_to for c in self.campaigns if c.valid_to is not None]
        return min(ends) if ends else None


def store_prices(
    *, products: Sequence[Product], store: Store, channel: Channel, at: datetime
) -> dict[int, StorePrice]:
    """Return the price of each active product at ``store`` in ``channel`` at ``at``, by id.

    A product without a price there is absent.  The queries of
    ``prices_lookup`` plus one for the campaigns' names and dates.
    """
    by_sku = {p.sku: p for p in products if p.is_active}
    if not by_sku:
        return {}
    prices = prices_lookup(skus=list(by_sku), channel=channel, store=store, at=at)
    codes = {code for price in prices for code in price.campaign_codes}
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in=codes)} if codes else {}
    return {
        by_sku[price.sku].pk: StorePrice(
            price=price,
            campaigns=tuple(campaigns[c] for c in price.campaign_codes if c in campaigns),
        )
        for price in prices
    }


def label_moment(*, store: Store, day: date) -> datetime:
    """The moment a label for ``day`` shows the price of: when the store opens that day.

    A closed day's labels show the price from local midnight.
    """
    hours = store_hours_on(store=store, day=day)
    opens = hours.spans[0][0] if hours.spans else time.min
    return datetime.combine(day, opens, tzinfo=store.tz)


def _in_day(field: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _reaches(prefix: str, *, channel: Channel, store: Store) -> Q:
    """Rows for every channel or naming ``channel``, and for every store or naming ``store``."""
    return (Q(**{f"{prefix}channels__isnull": True}) | Q(**{f"{prefix}channels": channel})) & (
        Q(**{f"{prefix}stores__isnull": True}) | Q(**{f"{prefix}stores": store})
    )


def products_with_price_changes(
    *, store: Store, channel: Channel, at: datetime, days: int = 1
) -> list[Product]:
    """Return the active products whose price at ``store`` may change on a coming day.

    The day is the store's local day ``days`` after that of ``at`` (tomorrow by
    default).  A candidate has a public price-list entry of the channel's
    currency that starts or ends that day, or is a target of a public campaign
    (no coupon, no customer group) that starts or ends that day; both for the
    store's channel and store.  Whether the price really changes is for the
    caller to compare (``labels_for_price_changes``).  At most ``MAX_LABELS``,
    by SKU; five queries.
    """
    start, end = store_day_bounds(store=store, at=at, days=days)
    entries = (
        PriceListEntry.objects.filter(
            _in_day("valid_from", start, end) | _in_day("valid_to", start, end)
        )
        .filter(
            price_list__is_active=True,
            price_list__currency=channel.currency,
            price_list__customer_groups__isnull=True,
        )
        .filter(_reaches("price_list__", channel=channel, store=store))
        .values_list("product_id", flat=True)
    )
    campaign_ids = list(
        Campaign.objects.filter(
            _in_day("valid_from", start, end) | _in_day("valid_to", start, end),
            status=Campaign.Status.ACTIVE,
            requires_coupon=False,
            customer_groups__isnull=True,
        )
        .filter(Q(currency="") | Q(currency=channel.currency))
        .filter(_reaches("", channel=channel, store=store))
        .values_list("pk", flat=True)
        .distinct()
    )
    wanted = Q(pk__in=entries)
    if campaign_ids:
        targets = list(
            CampaignTarget.objects.filter(campaign_id__in=campaign_ids, exclude=False).values_list(
                "product_id", "category__path", "brand_id", "product_set_id"
            )
        )
        product_ids = {t[0] for t in targets if t[0]}
        paths = {t[1] for t in targets if t[1]}
        brand_ids = {t[2] for t in targets if t[2]}
        set_ids = {t[3] for t in targets if t[3]}
        wanted |= Q(pk__in=product_ids) | Q(brand_id__in=brand_ids)
        if set_ids:
            wanted |= Q(
                pk__in=ProductSet.products.through.objects.filter(productset_id__in=set_ids).values(
                    "product_id"
                )
            )
        for path in paths:
            wanted |= Q(category__path__startswith=path)
    return list(
        Product.objects.filter(is_active=True)
        .filter(wanted)
        .distinct()
        .order_by("sku")[:MAX_LABELS]
    )


@dataclass(frozen=True, slots=True)
class ShelfLabel:
    """One shelf-edge label: the product, its barcode, the price on the label's day."""

    product: Product
    gtin: str
    price: StorePrice
    valid_on: date

    @property
    def unit_price(self) -> Decimal | None:
        """The price per kg, litre, metre or piece, when the product says how much it holds."""
        product = self.product
        if not product.unit_measure or not product.unit_quantity:
            return None
        amount = self.price.price.price / product.unit_quantity
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _primary_gtins(products: Sequence[Product]) -> dict[int, str]:
    """The barcode to print per product: its primary single-unit GTIN, else any single-unit one."""
    found: dict[int, str] = {}
    rows = ProductGtin.objects.filter(product__in=products, pack_quantity=1).order_by(
        "product_id", "-is_primary", "pk"
    )
    for product_id, gtin in rows.values_list("product_id", "gtin"):
        found.setdefault(product_id, gtin)
    return found


def shelf_labels(
    *, products: Sequence[Product], store: Store, channel: Channel, at: datetime
) -> list[ShelfLabel]:
    """Return a label for each product with a price at ``store`` at ``at``, in the order given."""
    prices = store_prices(products=products, store=store, channel=channel, at=at)
    gtins = _primary_gtins(products)
    valid_on = at.astimezone(store.tz).date()
    return [
        ShelfLabel(product=p, gtin=gtins.get(p.pk, ""), price=prices[p.pk], valid_on=valid_on)
        for p in products
        if p.pk in prices
    ]


def labels_for_price_changes(
    *, store: Store, channel: Channel, at: datetime, days: int = 1
) -> list[ShelfLabel]:
    """Return labels for the products whose price at ``store`` changes on a coming day.

    Priced when the store opens that day (``label_moment``) and kept only
    where the price, the ordinary price or the campaigns differ from now.
    """
    candidates = products_with_price_changes(store=store, channel=channel, at=at, days=days)
    if not candidates:
        return []
    day = store_day_bounds(store=store, at=at, days=days)[0].date()
    then = label_moment(store=store, day=day)
    now = store_prices(products=candidates, store=store, channel=channel, at=at)
    labels = shelf_labels(products=candidates, store=store, channel=channel, at=then)

    def changed(label: ShelfLabel) -> bool:
        before = now.get(label.product.pk)
        if before is None:
            return True
        old, new = before.price, label.price.price
        return (old.price, old.ordinary_price, old.campaign_codes) != (
            new.price,
            new.ordinary_price,
            new.campaign_codes,
        )

    return [label for label in labels if changed(label)]
