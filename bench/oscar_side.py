"""django-oscar's side of ``bench/pricing.py``, run in its own process.

Usage (``bench/pricing.py`` does this for you)::

    DJANGO_SETTINGS_MODULE=bench.oscar_settings OSCAR_BENCH_DB=/tmp/x.sqlite3 \\
        python bench/oscar_side.py --spec spec.json --out result.json --scenarios 100,1000

It reads the world of ``bench/spec.py`` from ``--spec``, migrates a fresh SQLite
file, creates the same products (same SKUs and prices, one stock record each),
the category tree, and for each campaign a ``Range``, ``Condition``,
``Benefit`` and ``ConditionalOffer``; adds the 50-line basket; then for each
campaign count in ``--scenarios`` (offers are added incrementally: the first
100 campaigns are the same at every count) times
``Applicator().apply(basket, user, request)`` and counts its queries.

How our campaigns map onto oscar's offers (oscar has no brands, product sets,
customer groups or bundles; the closest stock feature is used):

=================================  ===============================================================
ours                               oscar
=================================  ===============================================================
target: SKUs / product set         Range.included_products
target: category (and below)       Range.included_categories (oscar expands to sub-categories)
target: brand                      Range.included_products = every product of the brand
target: whole basket               Range.includes_all_products
exclusions (SKUs, brand)           Range.excluded_products
percent off                        Count 1 condition + Percentage benefit
amount off (per unit)              Count 1 condition + Fixed (per unit) benefit
fixed price (per unit)             Count 1 condition + Fixed price benefit
multibuy buy N pay N-1             Count N condition + Multibuy (cheapest free) benefit
multibuy N for a price             Count N condition + Fixed price benefit
mix & match, N for a price         Count N condition + Fixed price benefit on the set's Range
mix & match, cheapest free         Count N condition + Multibuy benefit
mix & match, cheapest % off        Count N condition + Percentage benefit, max 1 affected item
bundle A + B + C for a price       Count (sum of quantities) condition on a Range of A, B, C
                                   + Fixed price benefit (oscar cannot require each component)
spend threshold                    Value condition + Percentage or Absolute benefit on the Range
stacking exclusive                 exclusive=True; best price and compound: exclusive=False
max applications per basket        max_basket_applications
member-only campaign               a Site offer (oscar's user offers are a hook returning none)
coupon campaign                    a Voucher offer; the multi-use Voucher is added to the basket
=================================  ===============================================================

Prints nothing but errors; writes its figures as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this folder comes first on sys.path; the repository root must instead.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.oscar_settings")

BATCH = 2000


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class OscarWorld:
    """The oscar rows for one spec; offers are added campaign by campaign."""

    def __init__(self, spec: dict):
        from django.utils import timezone

        self.spec = spec
        self.now = timezone.now()
        self.products: dict[str, int] = {}  # sku -> oscar product id
        self.by_brand: dict[str, list[int]] = {}
        self.categories: dict[str, int] = {}
        self.sets = {s["code"]: s["skus"] for s in spec["product_sets"]}
        self.basket = None
        self.user = None
        self.request = None

    def build_catalogue(self) -> None:
        from oscar.apps.catalogue.models import (
            Category,
            Product,
            ProductCategory,
            ProductClass,
        )
        from oscar.apps.partner.models import Partner, StockRecord

        product_class = ProductClass.objects.create(
            name="Bench", slug="bench", requires_shipping=False, track_stock=False
        )
        partner = Partner.objects.create(name="Bench partner", code="bench")
        nodes = {}
        for category in self.spec["categories"]:
            fields = {"name": category["name"], "slug": category["code"].lower()}
            if category["parent"] is None:
                nodes[category["code"]] = Category.objects.add_root(fields)
            else:
                nodes[category["code"]] = Category.objects.add_child(
                    nodes[category["parent"]], fields
                )
        self.categories = {code: node.pk for code, node in nodes.items()}

        rows = [
            Product(
                structure=Product.STANDALONE,
                title=p["name"],
                upc=p["sku"],
                slug=p["sku"].lower(),
                product_class=product_class,
                is_discountable=True,
                is_public=True,
            )
            for p in self.spec["products"]
        ]
        Product.objects.bulk_create(rows, batch_size=BATCH)
        self.products = dict(Product.objects.values_list("upc", "pk"))
        ProductCategory.objects.bulk_create(
            [
                ProductCategory(
                    product_id=self.products[p["sku"]],
                    category_id=self.categories[p["category"]],
                )
                for p in self.spec["products"]
            ],
            batch_size=BATCH,
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product_id=self.products[p["sku"]],
                    partner=partner,
                    partner_sku=p["sku"],
                    price_currency=self.spec["currency"],
                    price=Decimal(p["price"]),
                    num_in_stock=100_000,
                )
                for p in self.spec["products"]
            ],
            batch_size=BATCH,
        )
        for p in self.spec["products"]:
            if p["brand"]:
                self.by_brand.setdefault(p["brand"], []).append(self.products[p["sku"]])

    def build_basket(self) -> None:
        from django.contrib.auth import get_user_model
        from django.test import RequestFactory
        from oscar.apps.basket.models import Basket
        from oscar.apps.catalogue.models import Product
        from oscar.apps.partner.strategy import Selector

        self.user = get_user_model().objects.create_user(
            username="bench",
            email="bench@example.com",
            password="bench-only",  # noqa: S106
        )
        self.request = RequestFactory().get("/basket/")
        self.request.user = self.user
        basket = Basket.objects.create(owner=self.user)
        basket.strategy = Selector().strategy(request=self.request, user=self.user)
        products = Product.objects.in_bulk([self.products[sku] for sku, _ in self.spec["basket"]])
        for sku, quantity in self.spec["basket"]:
            basket.add_product(products[self.products[sku]], quantity)
        self.request.basket = basket
        self.basket = basket

    # ---- offers -----------------------------------------------------------------------

    def _range_rows(self, target: dict, components: list[dict]) -> tuple[bool, set, set, set]:
        """(includes_all, included product ids, category ids, excluded product ids)."""
        included: set[int] = set()
        for sku in target.get("skus", ()):
            included.add(self.products[sku])
        for code in target.get("sets", ()):
            included.update(self.products[sku] for sku in self.sets[code])
        for brand in target.get("brands", ()):
            included.update(self.by_brand.get(brand, ()))
        for component in components:
            included.update(self.products[sku] for sku in component["skus"])
        categories = {self.categories[code] for code in target.get("categories", ())}
        excluded = {self.products[sku] for sku in target.get("exclude_skus", ())}
        for brand in target.get("exclude_brands", ()):
            excluded.update(self.by_brand.get(brand, ()))
        return bool(target.get("everything")), included, categories, excluded

    @staticmethod
    def _condition_benefit(c: dict) -> tuple[str, Decimal, str, Decimal | None, int | None]:
        """(condition type, condition value, benefit type, benefit value, max affected items)."""
        from oscar.apps.offer.models import Benefit, Condition

        kind = c["kind"]

        def dec(name):
            return Decimal(c[name]) if c.get(name) is not None else None

        if kind == "percent_off":
            return Condition.COUNT, Decimal(1), Benefit.PERCENTAGE, dec("percent"), None
        if kind == "amount_off":
            return Condition.COUNT, Decimal(1), Benefit.FIXED_UNIT, dec("amount"), None
        if kind == "fixed_price":
            return Condition.COUNT, Decimal(1), Benefit.FIXED_PRICE, dec("price"), None
        if kind in ("multibuy", "mix_match"):
            n = Decimal(c["buy_quantity"])
            if c.get("price") is not None:
                return Condition.COUNT, n, Benefit.FIXED_PRICE, dec("price"), None
            if c.get("pay_quantity") is not None and c["pay_quantity"] == c["buy_quantity"] - 1:
                return Condition.COUNT, n, Benefit.MULTIBUY, None, None
            if c.get("pay_quantity") is not None:  # buy N pay M: (N - M) / N off N items
                off = (n - c["pay_quantity"]) * 100 / n
                return Condition.COUNT, n, Benefit.PERCENTAGE, off, int(n)
            return Condition.COUNT, n, Benefit.PERCENTAGE, dec("percent"), 1
        if kind == "bundle":
            count = Decimal(sum(component["quantity"] for component in c["components"]))
            return Condition.COUNT, count, Benefit.FIXED_PRICE, dec("price"), None
        if kind == "spend_threshold":
            if c.get("percent") is not None:
                return (
                    Condition.VALUE,
                    dec("threshold_amount"),
                    Benefit.PERCENTAGE,
                    dec("percent"),
                    None,
                )
            return Condition.VALUE, dec("threshold_amount"), Benefit.FIXED, dec("amount"), None
        raise ValueError(f"no oscar mapping for {kind}")

    def add_offers(self, campaigns: list[dict]) -> None:
        from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer, Range
        from oscar.apps.voucher.models import Voucher

        if not campaigns:
            return
        ranges, range_rows = [], []
        for c in campaigns:
            everything, included, categories, excluded = self._range_rows(
                c["target"], c["components"]
            )
            ranges.append(
                Range(
                    name=f"Range {c['code']}",
                    slug=f"range-{c['code'].lower()}",
                    includes_all_products=everything,
                )
            )
            range_rows.append((included, categories, excluded))
        Range.objects.bulk_create(ranges, batch_size=BATCH)
        included_through = Range.included_products.through
        categories_through = Range.included_categories.through
        excluded_through = Range.excluded_products.through
        included_through.objects.bulk_create(
            [
                included_through(range_id=r.pk, product_id=pid, display_order=0)
                for r, (included, _, _) in zip(ranges, range_rows, strict=True)
                for pid in included
            ],
            batch_size=BATCH,
        )
        categories_through.objects.bulk_create(
            [
                categories_through(range_id=r.pk, category_id=cid)
                for r, (_, categories, _) in zip(ranges, range_rows, strict=True)
                for cid in categories
            ],
            batch_size=BATCH,
        )
        excluded_through.objects.bulk_create(
            [
                excluded_through(range_id=r.pk, product_id=pid)
                for r, (_, _, excluded) in zip(ranges, range_rows, strict=True)
                for pid in excluded
            ],
            batch_size=BATCH,
        )

        conditions, benefits = [], []
        for c, r in zip(campaigns, ranges, strict=True):
            ctype, cvalue, btype, bvalue, max_items = self._condition_benefit(c)
            conditions.append(Condition(range=r, type=ctype, value=cvalue))
            benefits.append(
                Benefit(
                    # The fixed-price benefit uses the condition's range and must have none.
                    range=None if btype == Benefit.FIXED_PRICE else r,
                    type=btype,
                    value=bvalue,
                    max_affected_items=max_items,
                )
            )
        Condition.objects.bulk_create(conditions, batch_size=BATCH)
        Benefit.objects.bulk_create(benefits, batch_size=BATCH)
        offers = [
            ConditionalOffer(
                name=f"{c['code']} {c['name']}",
                slug=f"offer-{c['code'].lower()}",
                offer_type=ConditionalOffer.VOUCHER if c["coupon"] else ConditionalOffer.SITE,
                exclusive=c["stacking"] == "exclusive",
                status=ConditionalOffer.OPEN,
                condition=condition,
                benefit=benefit,
                priority=c["priority"],
                start_datetime=self.now - timedelta(days=30),
                end_datetime=self.now + timedelta(days=30),
                max_basket_applications=c["max_applications"],
            )
            for c, condition, benefit in zip(campaigns, conditions, benefits, strict=True)
        ]
        ConditionalOffer.objects.bulk_create(offers, batch_size=BATCH)
        for c, offer in zip(campaigns, offers, strict=True):
            if c["coupon"]:
                voucher = Voucher.objects.create(
                    name=c["name"],
                    code=c["coupon"],
                    usage=Voucher.MULTI_USE,
                    start_datetime=self.now - timedelta(days=30),
                    end_datetime=self.now + timedelta(days=30),
                )
                voucher.offers.add(offer)
                self.basket.vouchers.add(voucher)

    # ---- measuring --------------------------------------------------------------------

    def apply_once(self) -> tuple[float, float]:
        """Apply the offers afresh; return (wall seconds, CPU seconds of this process)."""
        from oscar.apps.offer.applicator import Applicator

        self.basket.reset_offer_applications()
        cpu = time.process_time()
        started = time.perf_counter()
        Applicator().apply(self.basket, self.user, self.request)
        return time.perf_counter() - started, time.process_time() - cpu

    def measure(self, *, iterations: int) -> dict:
        from django.db import connection
        from oscar.apps.offer.models import ConditionalOffer

        # Counted with a wrapper: CaptureQueriesContext keeps only the last 9,000 queries.
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        # The first run is the warm-up and the one whose queries are counted.
        with connection.execute_wrapper(count):
            first, _ = self.apply_once()
        runs = [self.apply_once() for _ in range(iterations)]
        samples = [wall for wall, _ in runs]
        cpu = [cpu for _, cpu in runs]
        basket = self.basket
        return {
            "offers": ConditionalOffer.objects.count(),
            "lines": len(self.spec["basket"]),
            "iterations": iterations,
            "first_s": first,
            "samples_s": samples,
            "p50_s": statistics.median(samples),
            "p99_s": _percentile(samples, 0.99),
            "cpu_p50_s": statistics.median(cpu),
            "queries": queries,
            "applied_offers": len(basket.offer_applications.offers),
            "total_before_discounts": str(basket.total_incl_tax_excl_discounts),
            "total_discount": str(basket.total_discount),
            "total": str(basket.total_incl_tax),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--scenarios", default="100,1000", help="campaign counts, ascending")
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args(argv)
    scenarios = [int(n) for n in args.scenarios.split(",") if n]

    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()

    spec = json.loads(args.spec.read_text())
    world = OscarWorld(spec)
    world.build_catalogue()
    world.build_basket()
    built = time.perf_counter()

    import oscar

    result = {
        "oscar_version": oscar.get_version(),
        "migrate_s": migrated - started,
        "catalogue_s": built - migrated,
        "products": len(spec["products"]),
        "scenarios": [],
    }
    done = 0
    for count in scenarios:
        t0 = time.perf_counter()
        world.add_offers(spec["campaigns"][done:count])
        done = count
        build_s = time.perf_counter() - t0
        figures = world.measure(iterations=args.iterations)
        figures["campaigns"] = count
        figures["build_offers_s"] = build_s
        result["scenarios"].append(figures)
        # Written after each scenario, so a caller that gives up still gets what was measured.
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
