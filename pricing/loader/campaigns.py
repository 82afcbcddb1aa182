"""Load the campaigns that can touch a basket's products, with their targets, in one query."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from pricing.engine.kinds import KINDS
from pricing.engine.types import CampaignRule, PricingContext, ProductInfo, Target
from pricing.loader.scope import codes_of, ids_of, in_scope, scope_columns
from pricing.loader.sql import (
    at_param,
    in_list,
    joined,
    list_param,
    q,
    statement,
    to_datetime,
    to_decimal,
    to_json,
    to_percent,
)
from pricing.models import Campaign, CampaignKind
from retail.db_router import read_connection

logger = logging.getLogger(__name__)

# Kinds that apply to the whole basket when they have no include target of their own.
BASKET_WIDE_KINDS = (CampaignKind.SPEND_THRESHOLD, CampaignKind.GIFT_WITH_PURCHASE)

_CAMPAIGN_COLUMNS = (
    "id",
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
    "repeats",
)
# Target columns packed as "group:quantity:exclude:<p|c|b|s><id>".
_TARGET_KINDS = {"p": "product", "c": "category", "b": "brand", "s": "product_set"}


def _campaigns_sql(vendor: str, *, wide_given: bool) -> str:
    group = q("group")
    active = f"'{Campaign.Status.ACTIVE.value}'"
    basket_wide = ", ".join(f"'{kind.value}'" for kind in BASKET_WIDE_KINDS)
    gift = f"'{CampaignKind.GIFT_WITH_PURCHASE.value}'"
    packed = (
        f"t.{group} || ':' || t.quantity || ':' || CASE WHEN t.exclude THEN 1 ELSE 0 END "
        "|| ':' || COALESCE('p' || t.product_id, 'c' || t.category_id, 'b' || t.brand_id, "
        "'s' || t.product_set_id)"
    )
    touching = " UNION ".join(
        f"SELECT campaign_id FROM pricing_campaigntarget WHERE NOT exclude "  # noqa: S608
        f"AND {in_list(vendor, column)}"
        for column in ("product_id", "category_id", "brand_id", "product_set_id")
    )
    columns = ", ".join(f"c.{column}" for column in _CAMPAIGN_COLUMNS)
    if wide_given:
        # The basket-wide ids of this rules revision, cached by the caller.
        wide = f"SELECT id FROM pricing_campaign WHERE {in_list(vendor, 'id')}"  # noqa: S608
        wide_column = "NULL"
    else:
        # Independent of the moment, so that the list can be cached per rules revision.
        wide = (
            f"SELECT w.id FROM pricing_campaign w WHERE w.status = {active} "  # noqa: S608
            f"AND w.kind IN ({basket_wide}) AND NOT EXISTS ("
            "SELECT 1 FROM pricing_campaigntarget o WHERE o.campaign_id = w.id "
            f"AND o.{group} = 0 AND NOT o.exclude)"
        )
        wide_column = f"(SELECT {joined(vendor, 'id')} FROM wide)"  # noqa: S608
    # Candidates come from the indexed target columns, the gift product's index, the
    # basket-wide list and the campaigns of presented coupons; CROSS JOIN keeps SQLite
    # from scanning all active campaigns instead.
    return (
        f"WITH wide(id) AS ({wide}), candidate(id) AS ({touching} "  # noqa: S608
        f"UNION SELECT id FROM pricing_campaign WHERE kind = {gift} "
        f"AND {in_list(vendor, 'gift_product_id')} UNION SELECT id FROM wide "
        f"UNION SELECT id FROM pricing_campaign WHERE {in_list(vendor, 'id')}) "
        f"SELECT {columns}, {scope_columns(vendor, 'campaign', 'c.id')}, "
        f"(SELECT {joined(vendor, packed)} FROM pricing_campaigntarget t "
        f"WHERE t.campaign_id = c.id), {wide_column} "
        "FROM candidate CROSS JOIN pricing_campaign c WHERE c.id = candidate.id "
        f"AND c.status = {active} AND c.valid_from <= %s "
        "AND (c.valid_to IS NULL OR c.valid_to > %s) AND (c.currency = '' OR c.currency = %s "
        f"OR {in_list(vendor, 'c.id')}) "
        "ORDER BY c.priority DESC, c.code"
    )


def _wide_given_sql(vendor: str) -> str:
    return _campaigns_sql(vendor, wide_given=True)


def _wide_computed_sql(vendor: str) -> str:
    return _campaigns_sql(vendor, wide_given=False)


@dataclass
class _RevisionCache:
    """What one process keeps for one rules revision (every rule change bumps it)."""

    revision: str
    basket_wide_ids: list[int] | None = None
    rules: dict[int, CampaignRule] = field(default_factory=dict)


_cache = _RevisionCache(revision="")


def _cache_for(revision: str) -> _RevisionCache:
    """Return the cache of ``revision``, replacing (never mutating) another revision's.

    Swapping the one module reference keeps threads from mixing revisions.
    """
    global _cache
    cache = _cache
    if cache.revision != revision:
        cache = _cache = _RevisionCache(revision=revision)
    return cache


# Bounds the rules kept for one revision (a few KiB each).
_MAX_CACHED_RULES = 20_000


def campaigns_load(
    *,
    products: Iterable[ProductInfo],
    context: PricingContext,
    revision: str | None = None,
    since: datetime | None = None,
) -> tuple[CampaignRule, ...]:
    """Campaigns in force that can touch these products, with their targets; one query.

    With ``since``, also the campaigns that were in force at any moment of
    ``[since, context.at]`` (the Omnibus prior price reads them); the engine
    ignores those not in force at ``context.at``.  The same statement, so the
    same one query.

    A campaign is picked by an include target (any group) on one of the
    products, their categories, brands or sets (the target columns are
    indexed, so the cost follows the basket, not the number of campaigns);
    by being basket-wide (a threshold or gift kind without a group-0 include
    target); by giving one of the products as its gift; or by being the
    campaign of a presented coupon (``context.unlocked_campaign_ids``), which
    is kept even out of scope or in another currency so the engine can say
    why it does not apply.  Ordered by
    priority (highest first), then code.

    ``revision`` is the rules revision token read with the products
    (``pricing.loader.products``).  Outside a transaction the process keeps,
    for that revision only, the ids of the basket-wide campaigns (so the query
    need not look for them among all active campaigns) and the built
    ``CampaignRule`` of each campaign loaded (so a campaign's row is parsed
    once).  Every change to a campaign, its targets or its scope bumps the
    revision in the same transaction, so nothing kept can be stale.  Inside a
    transaction, which may hold uncommitted rule changes, nothing is kept.

    A campaign of a kind the engine does not know is loaded (the engine
    ignores it) and logged as a warning naming its code and kind.
    """
    products = list(products)
    if not products:
        return ()
    product_ids = list_param({p.product_id for p in products})
    unlocked_ids = list_param(sorted(context.unlocked_campaign_ids))
    at = at_param(context.at)
    cache = (
        _cache_for(revision) if revision is not None and not connection.in_atomic_block else None
    )
    wide = cache.basket_wide_ids if cache is not None else None
    params = [] if wide is None else [list_param(wide)]
    with read_connection().cursor() as cursor:
        cursor.execute(
            statement("campaigns_wide_given", _wide_given_sql)
            if wide is not None
            else statement("campaigns_wide_computed", _wide_computed_sql),
            [
                *params,
                product_ids,
                list_param(set().union(*(p.category_ids for p in products))),
                list_param({p.brand_id for p in products if p.brand_id is not None}),
                list_param(set().union(*(p.set_ids for p in products))),
                product_ids,
                unlocked_ids,
                at,
                at_param(since) if since is not None else at,
                context.currency,
                unlocked_ids,
            ],
        )
        rows = cursor.fetchall()
    if cache is not None and wide is None and rows:
        cache.basket_wide_ids = [int(i) for i in rows[0][-1].split(",")] if rows[0][-1] else []
    unlocked = context.unlocked_campaign_ids
    known = cache.rules if cache is not None else {}
    if len(known) > _MAX_CACHED_RULES:
        known.clear()
    campaigns = []
    for row in rows:
        if row[0] in unlocked:
            pass  # out of scope too: the engine says why its coupon does not apply
        elif row[10] or not in_scope(row[22], row[23], row[24], context):
            continue
        rule = known.get(row[0])
        if rule is None:
            rule = _campaign_rule(row[:-1])
            if cache is not None:
                known[row[0]] = rule
        campaigns.append(rule)
    return tuple(campaigns)


@dataclass
class _TargetParts:
    """The rows of one target group, gathered before freezing them into a ``Target``."""

    include: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    exclude: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    quantity: int = 1

    def add(self, *, quantity: int, exclude: bool, kind: str, value: int) -> None:
        (self.exclude if exclude else self.include)[kind].add(value)
        if not exclude:
            self.quantity = max(self.quantity, quantity)

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


def campaign_targets(kind: str, packed: str | None) -> tuple[Target, tuple[Target, ...]]:
    """Build a campaign's own target (group 0) and its bundle components (groups 1..n).

    ``packed`` holds the campaign's target rows joined with commas, each
    ``group:quantity:exclude:<p|c|b|s><id>`` (None without targets).  A
    basket-wide kind without a group-0 include matches everything, minus its
    group-0 exclusions.
    """
    groups: dict[int, _TargetParts] = defaultdict(_TargetParts)
    for target in packed.split(",") if packed else ():
        group, quantity, exclude, what = target.split(":")
        groups[int(group)].add(
            quantity=int(quantity),
            exclude=exclude == "1",
            kind=_TARGET_KINDS[what[0]],
            value=int(what[1:]),
        )
    own = groups.pop(0, _TargetParts())
    everything = kind in BASKET_WIDE_KINDS and not own.has_include()
    components = tuple(groups[group].freeze() for group in sorted(groups))
    return own.freeze(everything=everything), components


def _campaign_rule(row) -> CampaignRule:
    (
        pk,
        code,
        name,
        kind,
        stacking,
        priority,
        valid_from,
        valid_to,
        receipt_text,
        currency,
        requires_coupon,
        max_applications,
        percent,
        amount,
        price,
        buy_quantity,
        pay_quantity,
        mix_benefit,
        threshold_amount,
        gift_product_id,
        gift_quantity,
        repeats,
        channels,
        stores,
        groups,
        packed,
    ) = row
    if kind not in KINDS:
        # The engine ignores a kind it does not know (so one bad row cannot stop every
        # checkout); say so, once per built rule, instead of letting it vanish unnoticed.
        logger.warning(
            "Campaign %s has kind %r, which the pricing engine does not know; it gives no "
            "discount.",
            code,
            kind,
        )
    target, components = campaign_targets(kind, packed)
    return CampaignRule(
        campaign_id=pk,
        code=code,
        name=name,
        kind=kind,
        stacking=stacking,
        priority=priority,
        valid_from=to_datetime(valid_from),
        valid_to=to_datetime(valid_to),
        target=target,
        receipt_text=tuple(
            sorted((str(k), str(v)) for k, v in (to_json(receipt_text) or {}).items())
        ),
        currency=currency or None,
        channel_ids=ids_of(channels),
        store_ids=ids_of(stores),
        group_codes=codes_of(groups),
        requires_coupon=bool(requires_coupon),
        max_applications=max_applications,
        percent=to_percent(percent),
        amount=to_decimal(amount),
        price=to_decimal(price),
        buy_quantity=buy_quantity,
        pay_quantity=pay_quantity,
        mix_benefit=mix_benefit,
        threshold_amount=to_decimal(threshold_amount),
        gift_product_id=gift_product_id,
        gift_quantity=gift_quantity,
        components=components,
        repeats=bool(repeats),
    )
