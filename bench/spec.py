"""The benchmark's world as plain JSON-able data, so both sides build the same thing.

``spec_build`` returns one dict: a catalogue (category tree, brands, products
with a VAT-inclusive DKK price), product sets, ``max_campaigns`` campaigns and
two baskets.  Our side (``bench/pricing.py``) and django-oscar's side
(``bench/oscar_side.py``) read it, so products, prices, campaigns and baskets
are the same on both.

Campaigns are generated so that any prefix of the list is itself a realistic
mix: they come in blocks of 20 holding 1 mix & match and 19 of the other kinds
(percent 7, amount 3, fixed price 2, multibuy 3, bundle 2, spend threshold 2),
so ``campaigns[:100]`` has 5 mix & match and ``campaigns[:1000]`` 50.  The
first two are the member-only campaign and the coupon campaign, so every
prefix has both.  The baskets are drawn from products the first 100 campaigns
touch, plus random products, and are the same at every campaign count.

Targets: most campaigns name a few SKUs or a product set (as real promotions
do); the broad ones (a leaf category, a department, a brand, the whole basket)
are capped per category, department and brand, because a chain runs a handful
of category-wide campaigns at a time, not hundreds.  Past the cap a broad draw
becomes a product-list campaign.  So more campaigns means more campaigns on
the catalogue, and more of them on the basket's products, but not hundreds of
campaigns per category.  No campaign is scoped to a channel or store: every
campaign in the database is in force for the benchmark's basket, so oscar gets
exactly the same set of offers.

Spread evenly like this, ten times the campaigns put about ten times as many
on the basket's products.  To see what the number of campaigns in the
database costs by itself, ``off_basket_campaigns`` holds 9,900 more campaigns
of the same mix that touch none of the 50-line basket's products, categories,
departments or brands: the first 100 campaigns plus these make a database of
10,000 in which the basket meets exactly what it meets among 100.
"""

from __future__ import annotations

import random
from decimal import Decimal

CURRENCY = "DKK"
MEMBER_GROUP = "BENCH-MEMBERS"
COUPON_CODE = "BENCH-COUPON-10"
PRICE_LIST = "BENCH-DK"

DEPARTMENTS = 12
LEAVES_PER_DEPARTMENT = 8
BRANDS = 120

# A block of 20 campaigns: 1 mix & match (5 %) and the realistic rest.
BLOCK = (
    ["mix_match"]
    + ["percent_off"] * 7
    + ["amount_off"] * 3
    + ["fixed_price"] * 2
    + ["multibuy"] * 3
    + ["bundle"] * 2
    + ["spend_threshold"] * 2
)
assert len(BLOCK) == 20

# Caps on broad targets (see the module docstring).
MAX_PER_LEAF = 2
MAX_PER_DEPARTMENT = 1
MAX_PER_BRAND = 2
MAX_WHOLE_BASKET = 3

# The isolation case keeps the first 100 campaigns and adds campaigns that miss the basket.
OFF_BASKET_BASE = 100

PRICE_POINTS = (
    "9.95", "14.95", "19.95", "24.95", "29.95", "39.95", "49.95", "59.95", "69.95",
    "79.95", "99.95", "129.95", "149.95", "199.95", "249.95", "299.95", "399.95",
    "499.95", "799.95", "999.95",
)  # fmt: skip


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


class _Builder:
    def __init__(self, *, seed: int, products: int):
        self.rng = random.Random(seed)
        self.n_products = products
        self.categories: list[dict] = []
        self.leaves: list[str] = []
        self.leaf_department: dict[str, str] = {}
        self.departments: list[str] = []
        self.brands: list[dict] = []
        self.products: list[dict] = []
        self.by_leaf: dict[str, list[int]] = {}
        self.by_brand: dict[str, list[int]] = {}
        self.by_department: dict[str, list[int]] = {}
        self.sets: list[dict] = []
        self.leaf_uses: dict[str, int] = {}
        self.department_uses: dict[str, int] = {}
        self.brand_uses: dict[str, int] = {}
        self.whole_basket_uses = 0
        # Set by ``avoid``: products, leaves, departments and brands new campaigns must miss.
        self.avoided: set[int] = set()
        self.leaf_pool: list[str] = []
        self.department_pool: list[str] = []
        self.brand_pool: list[str] = []
        self.code_prefix = "BC"
        self.set_prefix = "BSET"

    # ---- catalogue --------------------------------------------------------------------

    def catalogue(self) -> None:
        for d in range(1, DEPARTMENTS + 1):
            dept = f"BD{d:02d}"
            self.departments.append(dept)
            self.categories.append({"code": dept, "name": f"Department {d}", "parent": None})
            for leaf_no in range(1, LEAVES_PER_DEPARTMENT + 1):
                leaf = f"{dept}-{leaf_no:02d}"
                self.leaves.append(leaf)
                self.leaf_department[leaf] = dept
                self.categories.append(
                    {"code": leaf, "name": f"Category {d}.{leaf_no}", "parent": dept}
                )
        self.brands = [{"code": f"BB{b:03d}", "name": f"Brand {b}"} for b in range(1, BRANDS + 1)]
        self.leaf_pool = list(self.leaves)
        self.department_pool = list(self.departments)
        self.brand_pool = [b["code"] for b in self.brands]
        for i in range(self.n_products):
            leaf = self.rng.choice(self.leaves)
            brand = self.rng.choice(self.brands)["code"] if self.rng.random() < 0.9 else None
            self.products.append(
                {
                    "sku": f"BSKU{i + 1:06d}",
                    "name": f"Bench product {i + 1}",
                    "price": self.rng.choice(PRICE_POINTS),
                    "category": leaf,
                    "brand": brand,
                }
            )
            self.by_leaf.setdefault(leaf, []).append(i)
            self.by_department.setdefault(self.leaf_department[leaf], []).append(i)
            if brand:
                self.by_brand.setdefault(brand, []).append(i)

    def price(self, index: int) -> Decimal:
        return Decimal(self.products[index]["price"])

    def some_products(self, low: int, high: int, *, same_leaf: bool = False) -> list[int]:
        count = self.rng.randint(low, high)
        if same_leaf:
            pool = self.by_leaf[self.rng.choice(self.leaves)]
            if self.avoided:
                pool = [i for i in pool if i not in self.avoided]
            return self.rng.sample(pool, min(count, len(pool)))
        chosen = self.rng.sample(range(self.n_products), count)
        while self.avoided and self.avoided.intersection(chosen):
            chosen = self.rng.sample(range(self.n_products), count)
        return chosen

    def avoid(self, basket: list[list]) -> None:
        """From now on, generate campaigns that touch no product of ``basket``.

        Their products, leaf categories, departments and brands are left out
        of every pool, and no campaign targets the whole basket.
        """
        index = {p["sku"]: i for i, p in enumerate(self.products)}
        self.avoided = {index[sku] for sku, _ in basket}
        leaves = {self.products[i]["category"] for i in self.avoided}
        departments = {self.leaf_department[leaf] for leaf in leaves}
        brands = {self.products[i]["brand"] for i in self.avoided}
        self.leaf_pool = [leaf for leaf in self.leaves if leaf not in leaves]
        self.department_pool = [d for d in self.departments if d not in departments]
        self.brand_pool = [b["code"] for b in self.brands if b["code"] not in brands]
        self.whole_basket_uses = MAX_WHOLE_BASKET
        self.leaf_uses, self.department_uses, self.brand_uses = {}, {}, {}
        self.code_prefix, self.set_prefix = "BX", "BXSET"

    def new_set(self, members: list[int]) -> str:
        code = f"{self.set_prefix}{len(self.sets) + 1:05d}"
        self.sets.append({"code": code, "skus": [self.products[i]["sku"] for i in members]})
        return code

    # ---- targets ----------------------------------------------------------------------

    def skus(self, indexes: list[int]) -> list[str]:
        return [self.products[i]["sku"] for i in indexes]

    def product_target(self) -> tuple[dict, list[int]]:
        members = self.some_products(1, 5, same_leaf=self.rng.random() < 0.5)
        return {"skus": self.skus(members)}, members

    def broad_target(self, *, allow_whole_basket: bool = False) -> dict | None:
        """A capped broad target, or None when the drawn pool is full."""
        roll = self.rng.random()
        if allow_whole_basket and roll < 0.15:
            if self.whole_basket_uses < MAX_WHOLE_BASKET:
                self.whole_basket_uses += 1
                return {"everything": True}
            return None
        if roll < 0.6:
            if not self.leaf_pool:
                return None
            leaf = self.rng.choice(self.leaf_pool)
            if self.leaf_uses.get(leaf, 0) < MAX_PER_LEAF:
                self.leaf_uses[leaf] = self.leaf_uses.get(leaf, 0) + 1
                target = {"categories": [leaf]}
                if self.rng.random() < 0.2:  # "everything in the category but this brand"
                    target["exclude_brands"] = [self.rng.choice(self.brands)["code"]]
                return target
            return None
        if roll < 0.7:
            if not self.department_pool:
                return None
            dept = self.rng.choice(self.department_pool)
            if self.department_uses.get(dept, 0) < MAX_PER_DEPARTMENT:
                self.department_uses[dept] = self.department_uses.get(dept, 0) + 1
                return {
                    "categories": [dept],
                    "exclude_skus": self.skus(self.rng.sample(self.by_department[dept], 2)),
                }
            return None
        if not self.brand_pool:
            return None
        brand = self.rng.choice(self.brand_pool)
        if self.brand_uses.get(brand, 0) < MAX_PER_BRAND:
            self.brand_uses[brand] = self.brand_uses.get(brand, 0) + 1
            return {"brands": [brand]}
        return None

    def unit_target(self) -> tuple[dict, list[int]]:
        """Target of a per-unit campaign: mostly SKUs or a set, sometimes broad (capped)."""
        roll = self.rng.random()
        if roll < 0.25:
            target = self.broad_target()
            if target is not None:
                return target, []
        if roll < 0.35:
            members = self.some_products(4, 12, same_leaf=True)
            return {"sets": [self.new_set(members)]}, members
        return self.product_target()

    # ---- campaigns --------------------------------------------------------------------

    def campaign(self, number: int, kind: str) -> tuple[dict, list[int]]:
        rng = self.rng
        stacking = rng.choices(["best_price", "compound", "exclusive"], weights=[65, 25, 10])[0]
        campaign = {
            "code": f"{self.code_prefix}{number:05d}",
            "name": f"Bench campaign {number}",
            "kind": kind,
            "stacking": stacking,
            "priority": rng.randint(0, 9),
            "max_applications": rng.choice([1, 2]) if rng.random() < 0.1 else None,
            "member_only": False,
            "coupon": None,
            "components": [],
        }
        touched: list[int] = []
        if kind == "percent_off":
            target, touched = self.unit_target()
            campaign |= {"target": target, "percent": rng.choice(["10", "15", "20", "25", "30"])}
        elif kind == "amount_off":
            target, touched = self.unit_target()
            campaign |= {"target": target, "amount": rng.choice(["5.00", "10.00", "20.00"])}
        elif kind == "fixed_price":
            target, touched = self.product_target()
            cheapest = min(self.price(i) for i in touched)
            campaign |= {"target": target, "price": _money(cheapest * Decimal("0.75"))}
        elif kind == "multibuy":
            target, touched = self.product_target()
            n = rng.choice([2, 3, 3, 4])
            if rng.random() < 0.6:
                campaign |= {"target": target, "buy_quantity": n, "pay_quantity": n - 1}
            else:
                cheapest = min(self.price(i) for i in touched)
                price = _money(cheapest * n * Decimal("0.8"))
                campaign |= {"target": target, "buy_quantity": n, "price": price}
        elif kind == "mix_match":
            touched = self.some_products(4, 12, same_leaf=True)
            n = rng.choice([2, 3, 3, 4])
            benefit = rng.choice(["fixed_price", "cheapest_free", "cheapest_percent"])
            campaign |= {
                "target": {"sets": [self.new_set(touched)]},
                "buy_quantity": n,
                "mix_benefit": benefit,
            }
            if benefit == "fixed_price":
                average = sum(self.price(i) for i in touched) / len(touched)
                campaign["price"] = _money(average * n * Decimal("0.8"))
            elif benefit == "cheapest_free":
                campaign["pay_quantity"] = n - 1
            else:
                campaign["percent"] = "50"
        elif kind == "bundle":
            touched = self.some_products(2, 3)
            total = sum(self.price(i) for i in touched)
            campaign |= {
                "target": {},
                "components": [{"skus": [self.products[i]["sku"]], "quantity": 1} for i in touched],
                "price": _money(total * Decimal("0.85")),
            }
        elif kind == "spend_threshold":
            target = self.broad_target(allow_whole_basket=True)
            if target is None:
                touched = self.some_products(5, 20, same_leaf=True)
                target = {"sets": [self.new_set(touched)]}
            campaign |= {
                "target": target,
                "threshold_amount": rng.choice(["200.00", "300.00", "500.00", "1000.00"]),
            }
            if rng.random() < 0.5:
                campaign["percent"] = rng.choice(["5", "10"])
            else:
                campaign["amount"] = rng.choice(["25.00", "50.00", "100.00"])
        else:  # pragma: no cover - BLOCK holds only the kinds above
            raise ValueError(kind)
        return campaign, touched

    def campaigns(self, count: int) -> tuple[list[dict], dict[int, list[int]]]:
        """``count`` campaigns and, per campaign index, the products it names."""
        campaigns: list[dict] = []
        touched: dict[int, list[int]] = {}
        # 0: members get 10 % off one department (a member tier benefit).
        member_dept = self.departments[0]
        campaigns.append(
            {
                "code": "BC-MEMBER",
                "name": "Members: 10 % off department 1",
                "kind": "percent_off",
                "stacking": "compound",
                "priority": 5,
                "max_applications": None,
                "member_only": True,
                "coupon": None,
                "components": [],
                "target": {"categories": [member_dept]},
                "percent": "10",
            }
        )
        self.department_uses[member_dept] = MAX_PER_DEPARTMENT
        # 1: the coupon takes 50.00 off a basket of 300.00 or more.
        campaigns.append(
            {
                "code": "BC-COUPON",
                "name": "Coupon: 50.00 off 300.00",
                "kind": "spend_threshold",
                "stacking": "compound",
                "priority": 1,
                "max_applications": 1,
                "member_only": False,
                "coupon": COUPON_CODE,
                "components": [],
                "target": {"everything": True},
                "threshold_amount": "300.00",
                "amount": "50.00",
            }
        )
        self.whole_basket_uses += 1
        number = 0
        while len(campaigns) < count:
            block = BLOCK[:]
            self.rng.shuffle(block)
            if not campaigns[2:]:
                # The first block gives up two percent slots to the member and coupon campaigns.
                block.remove("percent_off")
                block.remove("percent_off")
            for kind in block:
                if len(campaigns) >= count:
                    break
                number += 1
                campaign, products = self.campaign(number, kind)
                touched[len(campaigns)] = products
                campaigns.append(campaign)
        return campaigns, touched

    def more_campaigns(self, count: int) -> list[dict]:
        """``count`` more campaigns in blocks of 20, numbered from 1 with ``code_prefix``."""
        campaigns: list[dict] = []
        while len(campaigns) < count:
            block = BLOCK[:]
            self.rng.shuffle(block)
            for kind in block[: count - len(campaigns)]:
                campaigns.append(self.campaign(len(campaigns) + 1, kind)[0])
        return campaigns

    # ---- baskets ----------------------------------------------------------------------

    def baskets(
        self, campaigns: list[dict], touched: dict[int, list[int]], *, lines: int, big_lines: int
    ) -> tuple[list[list], list[list]]:
        """A basket of ``lines`` lines that meets the first 100 campaigns, and a bigger one."""
        rng = self.rng
        chosen: dict[int, int] = {}  # product index -> quantity

        def add(index: int, quantity: int) -> None:
            if len(chosen) < lines and index not in chosen:
                chosen[index] = quantity

        early = range(2, min(100, len(campaigns)))
        by_kind: dict[str, list[int]] = {}
        for i in early:
            by_kind.setdefault(campaigns[i]["kind"], []).append(i)
        # Two mix & match sets with enough items to qualify, one bundle, three multibuys.
        for i in by_kind.get("mix_match", [])[:2]:
            for index in touched[i][: campaigns[i]["buy_quantity"]]:
                add(index, 1)
        for i in by_kind.get("bundle", [])[:1]:
            for index in touched[i]:
                add(index, 1)
        for i in by_kind.get("multibuy", [])[:3]:
            add(touched[i][0], 3)
        for kind in ("percent_off", "amount_off", "fixed_price"):
            for i in by_kind.get(kind, [])[:3]:
                if touched[i]:
                    add(touched[i][0], rng.randint(1, 3))
        # Two items of the members' department.
        for index in rng.sample(self.by_department[self.departments[0]], 2):
            add(index, rng.randint(1, 2))
        while len(chosen) < lines:
            add(rng.randrange(self.n_products), rng.randint(1, 3))
        small = [[self.products[i]["sku"], q] for i, q in chosen.items()]
        big = dict(chosen)
        while len(big) < big_lines:
            index = rng.randrange(self.n_products)
            big.setdefault(index, rng.randint(1, 3))
        large = [[self.products[i]["sku"], q] for i, q in big.items()]
        return small, large


def spec_build(
    *,
    seed: int = 42,
    products: int = 20_000,
    max_campaigns: int = 10_000,
    basket_lines: int = 50,
    big_basket_lines: int = 500,
) -> dict:
    """Build the benchmark's world; the same ``seed`` and sizes give the same dict."""
    builder = _Builder(seed=seed, products=products)
    builder.catalogue()
    campaigns, touched = builder.campaigns(max_campaigns)
    basket, big_basket = builder.baskets(
        campaigns, touched, lines=basket_lines, big_lines=big_basket_lines
    )
    builder.avoid(basket)
    builder.rng = random.Random(f"{seed}:off-basket")
    off_basket = builder.more_campaigns(max(0, max_campaigns - OFF_BASKET_BASE))
    return {
        "seed": seed,
        "currency": CURRENCY,
        "price_list": PRICE_LIST,
        "member_group": MEMBER_GROUP,
        "coupon_code": COUPON_CODE,
        "categories": builder.categories,
        "brands": builder.brands,
        "products": builder.products,
        "product_sets": builder.sets,
        "campaigns": campaigns,
        "off_basket_base": OFF_BASKET_BASE,
        "off_basket_campaigns": off_basket,
        "basket": basket,
        "big_basket": big_basket,
    }


def spec_for(spec: dict, *, campaigns: int) -> dict:
    """The same world with only the first ``campaigns`` campaigns (and the sets they use)."""
    chosen = spec["campaigns"][:campaigns]
    used = {code for c in chosen for code in c["target"].get("sets", ())}
    return {
        **spec,
        "campaigns": chosen,
        "off_basket_campaigns": [],
        "product_sets": [s for s in spec["product_sets"] if s["code"] in used],
    }
