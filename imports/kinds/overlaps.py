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

from imports.conf import sql_chunk
from pricing.selectors_import import active_campaign_ids_targeting, campaign_reaches
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
    campaign_ids = active_campaign_ids_targeting(
        at=at,
        product_ids=products,
        category_ids=categories | inside,
        brand_ids=brands,
        product_category_ids=inside,
        product_brand_ids=own_brands,
        chunk=sql_chunk(),
    )
    return _load(tree, sorted(campaign_ids), exclude)


def _load(tree: Tree, ids: list[int], exclude: set[str]) -> list[Entry]:
    reaches = campaign_reaches(campaign_ids=ids, exclude_codes=exclude, chunk=sql_chunk())
    entries = [
        Entry(
            r.code,
            r.valid_from,
            r.valid_to,
            set(r.channel_ids),
            set(r.store_ids),
            own_targets(r.product_ids, r.category_ids, r.brand_ids),
        )
        for r in reaches
    ]
    tree.load_products(pk for e in entries for kind, pk in e.own if kind == "p")
    for entry in entries:
        entry.reach = tree.reach(entry.own)
    return entries


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

    def all_meeting(self, entry: Entry) -> list[str]:
        """The codes of every other entry sharing products, period and scope, sorted."""
        candidates = [self.by_own.get(k, ()) for k in entry.reach]
        candidates += [self.by_reach.get(k, ()) for k in entry.own]
        found = set()
        for group in candidates:
            for other in group:
                if other.code != entry.code and other.code not in found and _meet(entry, other):
                    found.add(other.code)
        return sorted(found)


def _meet(a: Entry, b: Entry) -> bool:
    periods = (b.valid_to is None or a.valid_from < b.valid_to) and (
        a.valid_to is None or b.valid_from < a.valid_to
    )
    return (
        periods
        and (not a.channel_ids or not b.channel_ids or bool(a.channel_ids & b.channel_ids))
        and (not a.store_ids or not b.store_ids or bool(a.store_ids & b.store_ids))
    )
