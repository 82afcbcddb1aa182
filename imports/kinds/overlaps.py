"""Which campaigns share products: the "overlaps another active campaign" warning.

A campaign's *own* targets are its products, categories and brands (group
0, not excluded).  What it *reaches* adds, for each product, its category
with all ancestors and its brand, and for each category its ancestors.  Two
campaigns share products when one's own targets meet the other's reach
(a product in a targeted category or brand, a category inside another, the
same product, category or brand) and their periods, channels and stores meet.
Sibling categories do not meet: their common parent is in neither's own set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from imports.conf import sql_chunk
from pricing.models import Campaign, CampaignTarget
from retail.models import Category, Product

Key = tuple[str, int]


@dataclass
class Entry:
    """A campaign as the overlap check sees it."""

    code: str
    valid_from: datetime
    valid_to: datetime | None
    channel_ids: set = field(default_factory=set)
    store_ids: set = field(default_factory=set)
    own: set[Key] = field(default_factory=set)
    reach: set[Key] = field(default_factory=set)


class Tree:
    """The category tree as paths, and each product's category and brand, loaded once."""

    def __init__(self):
        self.paths = dict(Category.objects.values_list("pk", "path"))
        self.by_path = {path: pk for pk, path in self.paths.items()}
        self.step = Category.steplen
        self.products: dict[int, tuple[int, int | None]] = {}

    def load_products(self, ids) -> None:
        ids = sorted(set(ids) - set(self.products))
        for start in range(0, len(ids), sql_chunk()):
            rows = Product.objects.filter(pk__in=ids[start : start + sql_chunk()])
            for pk, category, brand in rows.values_list("pk", "category_id", "brand_id"):
                self.products[pk] = (category, brand)

    def ancestors(self, category_id: int) -> list[int]:
        path = self.paths.get(category_id, "")
        prefixes = (path[:end] for end in range(self.step, len(path) + 1, self.step))
        return [self.by_path[p] for p in prefixes if p in self.by_path]

    def subtree(self, category_ids) -> set[int]:
        roots = [self.paths[c] for c in category_ids if c in self.paths]
        return {pk for pk, path in self.paths.items() if any(path.startswith(r) for r in roots)}

    def reach(self, own: set[Key]) -> set[Key]:
        reach = set(own)
        for kind, pk in own:
            if kind == "p" and pk in self.products:
                category, brand = self.products[pk]
                reach |= {("c", c) for c in self.ancestors(category)}
                if brand:
                    reach.add(("b", brand))
            elif kind == "c":
                reach |= {("c", c) for c in self.ancestors(pk)}
        return reach


def own_targets(product_ids, category_ids, brand_ids) -> set[Key]:
    return (
        {("p", i) for i in product_ids}
        | {("c", i) for i in category_ids}
        | {("b", i) for i in brand_ids}
    )


def active_campaigns(tree: Tree, entries: list[Entry], *, at: datetime, exclude: set[str]):
    """Active campaigns in the database, running after ``at``, that may meet ``entries``."""
    own = set().union(*(e.own for e in entries)) if entries else set()
    reach = set().union(*(e.reach for e in entries)) if entries else set()
    products = {pk for kind, pk in own if kind == "p"}
    categories = {pk for kind, pk in reach if kind == "c"}
    brands = {pk for kind, pk in reach if kind == "b"}
    inside = tree.subtree(pk for kind, pk in own if kind == "c")
    own_brands = {pk for kind, pk in own if kind == "b"}
    base = CampaignTarget.objects.filter(
        group=0, exclude=False, campaign__status=Campaign.Status.ACTIVE
    ).filter(Q(campaign__valid_to__isnull=True) | Q(campaign__valid_to__gt=at))
    lookups = (
        ("product_id", products),
        ("category_id", categories | inside),
        ("brand_id", brands),
        ("product__category_id", inside),
        ("product__brand_id", own_brands),
    )
    campaign_ids: set[int] = set()
    for column, values in lookups:
        values = sorted(values)
        for start in range(0, len(values), sql_chunk()):
            chunk = values[start : start + sql_chunk()]
            found = base.filter(**{f"{column}__in": chunk}).values_list("campaign_id", flat=True)
            campaign_ids.update(found)
    return _load(tree, sorted(campaign_ids), exclude)


def _load(tree: Tree, ids: list[int], exclude: set[str]) -> list[Entry]:
    result = []
    for start in range(0, len(ids), sql_chunk()):
        chunk = ids[start : start + sql_chunk()]
        entries = {
            c.pk: Entry(c.code, c.valid_from, c.valid_to)
            for c in Campaign.objects.filter(pk__in=chunk).exclude(code__in=exclude)
        }
        for pk, channel in Campaign.channels.through.objects.filter(
            campaign_id__in=entries
        ).values_list("campaign_id", "channel_id"):
            entries[pk].channel_ids.add(channel)
        for pk, store in Campaign.stores.through.objects.filter(
            campaign_id__in=entries
        ).values_list("campaign_id", "store_id"):
            entries[pk].store_ids.add(store)
        targets = CampaignTarget.objects.filter(campaign_id__in=entries, group=0, exclude=False)
        for pk, product, category, brand in targets.values_list(
            "campaign_id", "product_id", "category_id", "brand_id"
        ):
            entries[pk].own |= own_targets(
                [product] if product else [],
                [category] if category else [],
                [brand] if brand else [],
            )
        tree.load_products(pk for e in entries.values() for kind, pk in e.own if kind == "p")
        for entry in entries.values():
            entry.reach = tree.reach(entry.own)
        result += entries.values()
    return result


class Index:
    """Entries by own target and by reached target, to find who meets a campaign quickly."""

    def __init__(self, entries: list[Entry]):
        self.by_own: dict[Key, list[Entry]] = defaultdict(list)
        self.by_reach: dict[Key, list[Entry]] = defaultdict(list)
        for entry in entries:
            for key in entry.own:
                self.by_own[key].append(entry)
            for key in entry.reach:
                self.by_reach[key].append(entry)

    def first_meeting(self, entry: Entry) -> str | None:
        """The code of the first other entry sharing products, period and scope, or None."""
        candidates = [self.by_own.get(k, ()) for k in sorted(entry.reach)]
        candidates += [self.by_reach.get(k, ()) for k in sorted(entry.own)]
        for group in candidates:
            for other in group:
                if other.code != entry.code and _meet(entry, other):
                    return other.code
        return None


def _meet(a: Entry, b: Entry) -> bool:
    periods = (b.valid_to is None or a.valid_from < b.valid_to) and (
        a.valid_to is None or b.valid_from < a.valid_to
    )
    return (
        periods
        and (not a.channel_ids or not b.channel_ids or bool(a.channel_ids & b.channel_ids))
        and (not a.store_ids or not b.store_ids or bool(a.store_ids & b.store_ids))
    )
