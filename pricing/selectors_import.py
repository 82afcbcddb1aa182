"""Pricing's bulk reads for spreadsheet imports: what a file is diffed and checked against.

An import checks a whole file before anything is written, so each read
takes every key of the file at once and fetches it in chunks of ``chunk``
values per ``IN (...)`` (the caller's limit, e.g. 900 for SQLite's 999
variables): a few queries per chunk, never one per row.  The writes are in
``pricing.services.imports`` and ``pricing.services.prices``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from pricing.models import Campaign, CampaignTarget, CouponCode, PriceList, PriceListEntry

# The scope of a campaign as an import row states it: the set names of ``CampaignRow``.
SCOPE_FIELDS = (
    "channel_ids",
    "store_ids",
    "group_ids",
    "product_ids",
    "category_ids",
    "brand_ids",
    "excluded_product_ids",
)


def _by_code(queryset, codes: Iterable[str | None], chunk: int) -> dict:
    codes = sorted({c for c in codes if c not in (None, "")})
    found = {}
    for start in range(0, len(codes), chunk):
        for obj in queryset.filter(code__in=codes[start : start + chunk]):
            found[obj.code] = obj
    return found


def price_lists_by_code() -> dict[str, PriceList]:
    """Return every price list keyed by its code, in one query."""
    return {pl.code: pl for pl in PriceList.objects.all()}


def price_list_entries_for(
    *, product_ids_by_list: Mapping[int, Iterable[int]], chunk: int
) -> dict[tuple[int, int], list[PriceListEntry]]:
    """Return the entries of the given products on each price list, keyed by (list id, product id).

    Entries carry only ``pk``, ``price_list_id``, ``product_id``, ``amount``,
    ``valid_from`` and ``valid_to``.  One query per price list and chunk of
    product ids; a pair without entries is absent.
    """
    found: dict[tuple[int, int], list[PriceListEntry]] = defaultdict(list)
    for list_id, product_ids in product_ids_by_list.items():
        ids = sorted(product_ids)
        for start in range(0, len(ids), chunk):
            for entry in PriceListEntry.objects.filter(
                price_list_id=list_id, product_id__in=ids[start : start + chunk]
            ).only("pk", "price_list_id", "product_id", "amount", "valid_from", "valid_to"):
                found[(list_id, entry.product_id)].append(entry)
    return dict(found)


def campaigns_by_code(*, codes: Iterable[str | None], chunk: int) -> dict[str, Campaign]:
    """Return the campaigns with these codes, keyed by code; empty codes are skipped.

    One query per chunk of distinct codes; an unknown code is absent.
    """
    return _by_code(Campaign.objects.all(), codes, chunk)


def coupon_codes_by_code(*, codes: Iterable[str | None], chunk: int) -> dict[str, CouponCode]:
    """Return the coupon codes with these (normalised) codes, keyed by code.

    One query per chunk of distinct codes; an unknown code is absent.
    """
    return _by_code(CouponCode.objects.all(), codes, chunk)


@dataclass(frozen=True, slots=True)
class CampaignWithScope:
    """A campaign and its scope and group-0 targets, as sets of ids named as in ``SCOPE_FIELDS``."""

    campaign: Campaign
    scope: dict[str, set[int]]


def campaigns_with_scope_by_code(
    *, codes: Iterable[str | None], chunk: int
) -> dict[str, CampaignWithScope]:
    """Return the campaigns with these codes and what an import row would say of them.

    ``scope`` holds the channel, store and customer group ids and the
    group-0 targets: products, categories and brands (not excluded) and
    excluded products.  One query per chunk of codes, then four per chunk of
    the campaigns found (channels, stores, customer groups, targets).
    """
    found = campaigns_by_code(codes=codes, chunk=chunk)
    if not found:
        return {}
    scopes = {c.pk: {name: set() for name in SCOPE_FIELDS} for c in found.values()}
    ids = list(scopes)
    links = (
        (Campaign.channels.through, "channel_id", "channel_ids"),
        (Campaign.stores.through, "store_id", "store_ids"),
        (Campaign.customer_groups.through, "customergroup_id", "group_ids"),
    )
    for start in range(0, len(ids), chunk):
        picked = ids[start : start + chunk]
        for model, column, name in links:
            for campaign_id, value in model.objects.filter(campaign_id__in=picked).values_list(
                "campaign_id", column
            ):
                scopes[campaign_id][name].add(value)
        targets = CampaignTarget.objects.filter(campaign_id__in=picked, group=0)
        for t in targets.values("campaign_id", "exclude", "product_id", "category_id", "brand_id"):
            scope = scopes[t["campaign_id"]]
            if t["product_id"]:
                scope["excluded_product_ids" if t["exclude"] else "product_ids"].add(
                    t["product_id"]
                )
            elif t["category_id"] and not t["exclude"]:
                scope["category_ids"].add(t["category_id"])
            elif t["brand_id"] and not t["exclude"]:
                scope["brand_ids"].add(t["brand_id"])
    return {code: CampaignWithScope(c, scopes[c.pk]) for code, c in found.items()}


def active_campaign_ids_targeting(
    *,
    at: datetime,
    product_ids: Iterable[int] = (),
    category_ids: Iterable[int] = (),
    brand_ids: Iterable[int] = (),
    product_category_ids: Iterable[int] = (),
    product_brand_ids: Iterable[int] = (),
    chunk: int,
) -> set[int]:
    """Return the ids of the active campaigns running after ``at`` whose own targets meet these.

    Own targets are group 0 and not excluded.  A campaign matches when a
    target is one of ``product_ids``, ``category_ids`` or ``brand_ids``, or a
    product whose category is in ``product_category_ids`` or whose brand is
    in ``product_brand_ids``.  One query per chunk of each of the five sets.
    """
    base = CampaignTarget.objects.filter(
        group=0, exclude=False, campaign__status=Campaign.Status.ACTIVE
    ).filter(Q(campaign__valid_to__isnull=True) | Q(campaign__valid_to__gt=at))
    lookups = (
        ("product_id", product_ids),
        ("category_id", category_ids),
        ("brand_id", brand_ids),
        ("product__category_id", product_category_ids),
        ("product__brand_id", product_brand_ids),
    )
    campaign_ids: set[int] = set()
    for column, values in lookups:
        values = sorted(values)
        for start in range(0, len(values), chunk):
            picked = values[start : start + chunk]
            found = base.filter(**{f"{column}__in": picked}).values_list("campaign_id", flat=True)
            campaign_ids.update(found)
    return campaign_ids


REACH_SETS = ("channel_ids", "store_ids", "product_ids", "category_ids", "brand_ids")


@dataclass(frozen=True, slots=True)
class CampaignReach:
    """A campaign's period, channel and store scope and its own targets (group 0, not excluded)."""

    code: str
    valid_from: datetime
    valid_to: datetime | None
    channel_ids: frozenset[int]
    store_ids: frozenset[int]
    product_ids: frozenset[int]
    category_ids: frozenset[int]
    brand_ids: frozenset[int]


def campaign_reaches(
    *, campaign_ids: Iterable[int], exclude_codes: Iterable[str] = (), chunk: int
) -> list[CampaignReach]:
    """Return the campaigns with these ids, except those with one of ``exclude_codes``.

    In the order of the ids given, chunk by chunk, and within a chunk by
    priority (highest first), then code.  Four queries per chunk of ids
    (campaigns, channels, stores, targets).
    """
    ids, exclude_codes = list(campaign_ids), list(exclude_codes)
    result = []
    for start in range(0, len(ids), chunk):
        picked = ids[start : start + chunk]
        campaigns = {
            c.pk: c for c in Campaign.objects.filter(pk__in=picked).exclude(code__in=exclude_codes)
        }
        sets = {pk: {name: set() for name in REACH_SETS} for pk in campaigns}
        for pk, channel in Campaign.channels.through.objects.filter(
            campaign_id__in=campaigns
        ).values_list("campaign_id", "channel_id"):
            sets[pk]["channel_ids"].add(channel)
        for pk, store in Campaign.stores.through.objects.filter(
            campaign_id__in=campaigns
        ).values_list("campaign_id", "store_id"):
            sets[pk]["store_ids"].add(store)
        targets = CampaignTarget.objects.filter(campaign_id__in=campaigns, group=0, exclude=False)
        for pk, product, category, brand in targets.values_list(
            "campaign_id", "product_id", "category_id", "brand_id"
        ):
            if product:
                sets[pk]["product_ids"].add(product)
            if category:
                sets[pk]["category_ids"].add(category)
            if brand:
                sets[pk]["brand_ids"].add(brand)
        result += [
            CampaignReach(
                code=c.code,
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                **{name: frozenset(values) for name, values in sets[pk].items()},
            )
            for pk, c in campaigns.items()
        ]
    return result
