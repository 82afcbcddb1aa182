"""Basket lines by what campaign targets name: find a target's lines without a scan."""

from __future__ import annotations

from pricing.engine.types import ProductInfo, Target


class TargetIndex:
    """Basket lines by product, category, brand and set: targets to lines without a scan."""

    def __init__(self, products: tuple[ProductInfo, ...]):
        self.products = products
        self.all_lines = tuple(range(len(products)))
        self.by_product: dict[int, list[int]] = {}
        self.by_category: dict[int, list[int]] = {}
        self.by_brand: dict[int, list[int]] = {}
        self.by_set: dict[int, list[int]] = {}
        for line, product in enumerate(products):
            self.by_product.setdefault(product.product_id, []).append(line)
            for category_id in product.category_ids:
                self.by_category.setdefault(category_id, []).append(line)
            if product.brand_id is not None:
                self.by_brand.setdefault(product.brand_id, []).append(line)
            for set_id in product.set_ids:
                self.by_set.setdefault(set_id, []).append(line)

    def lines(self, target: Target) -> tuple[int, ...]:
        """The lines whose product ``target.matches``, in line order."""
        if target.everything:
            candidates: set[int] | tuple[int, ...] = self.all_lines
        else:
            candidates = set()
            for ids, index in (
                (target.product_ids, self.by_product),
                (target.category_ids, self.by_category),
                (target.brand_ids, self.by_brand),
                (target.set_ids, self.by_set),
            ):
                for key in ids:
                    candidates.update(index.get(key, ()))
        if (
            target.exclude_product_ids
            or target.exclude_category_ids
            or target.exclude_brand_ids
            or target.exclude_set_ids
        ):
            candidates = [line for line in candidates if target.matches(self.products[line])]
        return tuple(sorted(candidates))
