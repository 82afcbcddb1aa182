"""Load the campaigns that can touch a basket's products, with their targets, in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from pricing.engine.types import CampaignRule, PricingContext, ProductInfo, Target
from pricing.loader.scope import codes_of, ids_of, in_scope, scope_subqueries
from pricing.models import Campaign, CampaignKind, CampaignTarget

# Kinds that apply to the whole basket when they have no include target of their own.
BASKET_WIDE_KINDS = (CampaignKind.SPEND_THRESHOLD, CampaignKind.GIFT_WITH_PURCHASE)

_CAMPAIGN_FIELDS = (
    "pk",
    "code",
    "name",
    "kind",
    "stacking",
    "priority",
    "valid_from",
    "valid_to",
    "receipt_text",
    "currency",
    "requires_coupon",
    "max_applications",
    "percent",
    "amount",
    "price",
    "buy_quantity",
    "pay_quantity",
    "mix_benefit",
    "threshold_amount",
    "gift_product_id",
    "gift_quantity",
)
_TARGET_FIELDS = (
    "targets__group",
    "targets__quantity",
    "targets__exclude",
    "targets__product_id",
    "targets__category_id",
    "targets__brand_id",
    "targets__product_set_id",
)


def campaigns_load(
    *, products: Iterable[ProductInfo], context: PricingContext
) -> tuple[CampaignRule, ...]:
    """Campaigns in force that can touch these products, one row per target (LEFT JOIN).

    A campaign is picked by an include target (any group) on one of the
    products, their categories, brands or sets (the target columns are
    indexed, so the cost follows the basket, not the number of campaigns);
    by being basket-wide (a threshold or gift kind without a group-0 include
    target); or by giving one of the products as its gift.
    """
    products = list(products)
    if not products:
        return ()
    at = context.at
    product_ids = {p.product_id for p in products}
    touching = CampaignTarget.objects.filter(exclude=False).filter(
        Q(product_id__in=product_ids)
        | Q(category_id__in=set().union(*(p.category_ids for p in products)))
        | Q(brand_id__in={p.brand_id for p in products if p.brand_id is not None})
        | Q(product_set_id__in=set().union(*(p.set_ids for p in products)))
    )
    own_include = CampaignTarget.objects.filter(campaign_id=OuterRef("pk"), group=0, exclude=False)
    rows = (
        Campaign.objects.filter(status=Campaign.Status.ACTIVE, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .filter(Q(currency="") | Q(currency=context.currency))
        .filter(
            Q(pk__in=touching.values("campaign_id"))
            | (Q(kind__in=BASKET_WIDE_KINDS) & ~Exists(own_include))
            | Q(kind=CampaignKind.GIFT_WITH_PURCHASE, gift_product_id__in=product_ids)
        )
        .annotate(**scope_subqueries(Campaign))
        .values(
            *_CAMPAIGN_FIELDS, "scope_channels", "scope_stores", "scope_groups", *_TARGET_FIELDS
        )
        .order_by("-priority", "code", "targets__group", "targets__pk")
    )
    by_campaign: dict[int, list[dict]] = {}
    for row in rows:
        by_campaign.setdefault(row["pk"], []).append(row)
    unlocked = context.unlocked_campaign_ids
    return tuple(
        _campaign_rule(campaign_rows)
        for pk, campaign_rows in by_campaign.items()
        if in_scope(campaign_rows[0], context)
        and (not campaign_rows[0]["requires_coupon"] or pk in unlocked)
    )


@dataclass
class _TargetParts:
    """The rows of one target group, gathered before freezing them into a ``Target``."""

    include: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    exclude: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    quantity: int = 1

    def add(self, row: dict) -> None:
        side = self.exclude if row["targets__exclude"] else self.include
        for kind in ("product", "category", "brand", "product_set"):
            value = row[f"targets__{kind}_id"]
            if value is not None:
                side[kind].add(value)
        if not row["targets__exclude"]:
            self.quantity = max(self.quantity, row["targets__quantity"])

    def has_include(self) -> bool:
        return any(self.include.values())

    def freeze(self, *, everything: bool = False) -> Target:
        return Target(
            product_ids=frozenset(self.include["product"]),
            category_ids=frozenset(self.include["category"]),
            brand_ids=frozenset(self.include["brand"]),
            set_ids=frozenset(self.include["product_set"]),
            exclude_product_ids=frozenset(self.exclude["product"]),
            exclude_category_ids=frozenset(self.exclude["category"]),
            exclude_brand_ids=frozenset(self.exclude["brand"]),
            exclude_set_ids=frozenset(self.exclude["product_set"]),
            quantity=self.quantity,
            everything=everything,
        )


def campaign_targets(kind: str, rows: Sequence[dict]) -> tuple[Target, tuple[Target, ...]]:
    """Build a campaign's own target (group 0) and its bundle components (groups 1..n).

    ``rows`` carry the ``targets__*`` columns (all None for a campaign without
    targets).  A basket-wide kind without a group-0 include matches everything,
    minus its group-0 exclusions.
    """
    groups: dict[int, _TargetParts] = defaultdict(_TargetParts)
    for row in rows:
        if row["targets__group"] is not None:
            groups[row["targets__group"]].add(row)
    own = groups.pop(0, _TargetParts())
    everything = kind in BASKET_WIDE_KINDS and not own.has_include()
    components = tuple(groups[group].freeze() for group in sorted(groups))
    return own.freeze(everything=everything), components


def _campaign_rule(rows: Sequence[dict]) -> CampaignRule:
    row = rows[0]
    target, components = campaign_targets(row["kind"], rows)
    return CampaignRule(
        campaign_id=row["pk"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        stacking=row["stacking"],
        priority=row["priority"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        target=target,
        receipt_text=tuple(
            sorted((str(k), str(v)) for k, v in (row["receipt_text"] or {}).items())
        ),
        currency=row["currency"] or None,
        channel_ids=ids_of(row["scope_channels"]),
        store_ids=ids_of(row["scope_stores"]),
        group_codes=codes_of(row["scope_groups"]),
        requires_coupon=row["requires_coupon"],
        max_applications=row["max_applications"],
        percent=row["percent"],
        amount=row["amount"],
        price=row["price"],
        buy_quantity=row["buy_quantity"],
        pay_quantity=row["pay_quantity"],
        mix_benefit=row["mix_benefit"],
        threshold_amount=row["threshold_amount"],
        gift_product_id=row["gift_product_id"],
        gift_quantity=row["gift_quantity"],
        components=components,
    )
