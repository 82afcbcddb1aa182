"""Our side of ``bench/pricing.py``: write the spec's world with the real models, then time it.

``OurWorld`` builds the catalogue once and adds campaigns incrementally
(``campaigns_add(spec_campaigns[done:count])``), so the 100-, 1,000- and
10,000-campaign runs share products, prices and baskets.  Rows go in with
``bulk_create`` (it is a benchmark); the coupon code goes through
``pricing.services.coupons.coupon_code_create``.

Import only after ``django.setup()``.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pricing.engine.engine import price_basket
from pricing.engine.types import BasketLine
from pricing.loader import context_build, rules_load
from pricing.models import (
    Campaign,
    CampaignTarget,
    CouponCode,
    PriceList,
    PriceListEntry,
    ProductSet,
)
from pricing.selectors import basket_price
from pricing.services.coupons import coupon_code_create
from pricing.services.revision import rules_revision_bump
from retail.models import (
    Brand,
    Category,
    Channel,
    Customer,
    CustomerGroup,
    CustomerGroupMembership,
    Product,
    VatClass,
    VatRate,
)

BATCH = 2000


def percentile(samples: list[float], q: float) -> float:
    """The ``q`` quantile by nearest rank (p99 of 300 samples: the 4th slowest)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(value)


class OurWorld:
    """Our rows for one spec, and the calls that price its baskets."""

    def __init__(self, spec: dict, *, at: datetime):
        self.spec = spec
        self.at = at
        self.products: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.brands: dict[str, int] = {}
        self.sets: dict[str, int] = {}
        self.campaigns_in_db = 0
        self.channel: Channel | None = None
        self.customer: Customer | None = None
        self.group: CustomerGroup | None = None

    # ---- building ---------------------------------------------------------------------

    @transaction.atomic
    def catalogue_build(self) -> None:
        """Create VAT, the channel, the member customer, categories, brands, products, prices."""
        spec = self.spec
        vat_class = VatClass.objects.create(code="BENCH-STD", name="Bench standard")
        VatRate.objects.create(
            country="DK", vat_class=vat_class, rate=Decimal("25.00"), valid_from=date(2000, 1, 1)
        )
        self.channel = Channel.objects.create(
            code="BENCH-WEB-DK",
            name="Bench webshop DK",
            kind=Channel.Kind.WEBSHOP,
            country="DK",
            currency=spec["currency"],
            language="da",
        )
        group = CustomerGroup.objects.create(
            code=spec["member_group"], name="Bench members", kind=CustomerGroup.Kind.MEMBER
        )
        self.customer = Customer.objects.create(
            first_name="Bench", last_name="Member", email="bench.member@example.com"
        )
        CustomerGroupMembership.objects.create(customer=self.customer, group=group)
        self.group = group

        nodes = {}
        for category in spec["categories"]:
            fields = {"code": category["code"], "name": category["name"]}
            if category["parent"] is None:
                nodes[category["code"]] = Category.objects.add_root(fields)
            else:
                nodes[category["code"]] = Category.objects.add_child(
                    nodes[category["parent"]], fields
                )
        self.categories = {code: node.pk for code, node in nodes.items()}
        Brand.objects.bulk_create([Brand(code=b["code"], name=b["name"]) for b in spec["brands"]])
        self.brands = dict(
            Brand.objects.filter(code__in=[b["code"] for b in spec["brands"]]).values_list(
                "code", "pk"
            )
        )
        Product.objects.bulk_create(
            [
                Product(
                    sku=p["sku"],
                    name=p["name"],
                    brand_id=self.brands[p["brand"]] if p["brand"] else None,
                    category_id=self.categories[p["category"]],
                    vat_class=vat_class,
                )
                for p in spec["products"]
            ],
            batch_size=BATCH,
        )
        self.products = dict(
            Product.objects.filter(sku__startswith="BSKU").values_list("sku", "pk")
        )
        price_list = PriceList.objects.create(
            code=spec["price_list"], name="Bench public DK", currency=spec["currency"]
        )
        PriceListEntry.objects.bulk_create(
            [
                PriceListEntry(
                    price_list=price_list,
                    product_id=self.products[p["sku"]],
                    amount=Decimal(p["price"]),
                    valid_from=self.at - timedelta(days=60),
                )
                for p in spec["products"]
            ],
            batch_size=BATCH,
        )
        self._revision_bump()

    @transaction.atomic
    def campaigns_add(self, campaigns: list[dict]) -> None:
        """Insert ``campaigns`` (dicts of ``bench.spec``) with their targets, sets and coupons."""
        if not campaigns:
            return
        sets_by_code = {s["code"]: s["skus"] for s in self.spec["product_sets"]}
        new_sets = sorted(
            {code for c in campaigns for code in c["target"].get("sets", ())} - set(self.sets)
        )
        ProductSet.objects.bulk_create(
            [ProductSet(code=code, name=f"Bench set {code}") for code in new_sets],
            batch_size=BATCH,
        )
        self.sets.update(ProductSet.objects.filter(code__in=new_sets).values_list("code", "pk"))
        through = ProductSet.products.through
        through.objects.bulk_create(
            [
                through(productset_id=self.sets[code], product_id=self.products[sku])
                for code in new_sets
                for sku in sets_by_code[code]
            ],
            batch_size=BATCH,
        )

        rows = [
            Campaign(
                code=c["code"],
                name=c["name"],
                receipt_text={"en": c["name"], "da": c["name"]},
                kind=c["kind"],
                status=Campaign.Status.ACTIVE,
                currency=self.spec["currency"],
                valid_from=self.at - timedelta(days=30),
                valid_to=self.at + timedelta(days=30),
                priority=c["priority"],
                stacking=c["stacking"],
                max_applications=c["max_applications"],
                requires_coupon=bool(c["coupon"]),
                percent=_dec(c.get("percent")),
                amount=_dec(c.get("amount")),
                price=_dec(c.get("price")),
                buy_quantity=c.get("buy_quantity"),
                pay_quantity=c.get("pay_quantity"),
                mix_benefit=c.get("mix_benefit", ""),
                threshold_amount=_dec(c.get("threshold_amount")),
            )
            for c in campaigns
        ]
        Campaign.objects.bulk_create(rows, batch_size=BATCH)
        ids = dict(
            Campaign.objects.filter(code__in=[c["code"] for c in campaigns]).values_list(
                "code", "pk"
            )
        )
        targets = []
        for c in campaigns:
            campaign_id = ids[c["code"]]
            t = c["target"]

            def row(campaign_id=campaign_id, **kwargs):
                return CampaignTarget(campaign_id=campaign_id, **kwargs)

            targets += [row(product_id=self.products[sku]) for sku in t.get("skus", ())]
            targets += [row(category_id=self.categories[x]) for x in t.get("categories", ())]
            targets += [row(brand_id=self.brands[x]) for x in t.get("brands", ())]
            targets += [row(product_set_id=self.sets[x]) for x in t.get("sets", ())]
            targets += [
                row(product_id=self.products[sku], exclude=True)
                for sku in t.get("exclude_skus", ())
            ]
            targets += [
                row(brand_id=self.brands[x], exclude=True) for x in t.get("exclude_brands", ())
            ]
            for group, component in enumerate(c["components"], start=1):
                targets += [
                    row(product_id=self.products[sku], group=group, quantity=component["quantity"])
                    for sku in component["skus"]
                ]
        CampaignTarget.objects.bulk_create(targets, batch_size=BATCH)
        groups_through = Campaign.customer_groups.through
        groups_through.objects.bulk_create(
            [
                groups_through(campaign_id=ids[c["code"]], customergroup_id=self.group.pk)
                for c in campaigns
                if c["member_only"]
            ]
        )
        for c in campaigns:
            if c["coupon"]:
                self._coupon_create(campaign_id=ids[c["code"]], code=c["coupon"])
        self.campaigns_in_db += len(campaigns)
        self._revision_bump()

    @transaction.atomic
    def campaigns_keep(self, codes: list[str]) -> None:
        """Delete every campaign but ``codes``, in plain SQL.

        The ORM's delete would fire the revision receivers once per row
        (tens of thousands of updates); one bump at the end does the same.
        """
        drop = list(Campaign.objects.exclude(code__in=codes).values_list("pk", flat=True))
        owned = [
            CampaignTarget,
            Campaign.channels.through,
            Campaign.stores.through,
            Campaign.customer_groups.through,
            CouponCode,
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(drop), 500):
                chunk = drop[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                for model in owned:
                    cursor.execute(
                        f"DELETE FROM {model._meta.db_table} WHERE campaign_id IN ({marks})",  # noqa: S608
                        chunk,
                    )
                cursor.execute(
                    f"DELETE FROM {Campaign._meta.db_table} WHERE id IN ({marks})",  # noqa: S608
                    chunk,
                )
        self.campaigns_in_db -= len(drop)
        self._revision_bump()

    def _coupon_create(self, *, campaign_id: int, code: str) -> None:
        coupon_code_create(campaign=Campaign.objects.get(pk=campaign_id), code=code, at=self.at)

    def _revision_bump(self) -> None:
        # Bulk writes skip the services, so bump the revision they would have bumped.
        rules_revision_bump(at=self.at)

    # ---- pricing ----------------------------------------------------------------------

    def price_call(self, basket: list[list]):
        """A no-argument callable that prices ``basket`` end to end with ``basket_price``."""
        lines = [(sku, quantity) for sku, quantity in basket]
        coupons = (self.spec["coupon_code"],)
        channel, customer, at = self.channel, self.customer, self.at

        def call():
            return basket_price(
                lines=lines, channel=channel, customer=customer, coupon_codes=coupons, at=at
            )

        return call

    def parts(self, basket: list[list]):
        """Callables for the three parts: context, rules load and evaluation."""
        lines = tuple(
            BasketLine(line_id=str(i), product_id=self.products[sku], quantity=quantity)
            for i, (sku, quantity) in enumerate(basket, start=1)
        )
        product_ids = [line.product_id for line in lines]

        def context():
            return context_build(
                channel=self.channel,
                store=None,
                customer=self.customer,
                coupon_codes=(self.spec["coupon_code"],),
                at=self.at,
            )

        def load(ctx):
            return rules_load(product_ids=product_ids, context=ctx)

        def evaluate(ctx, rules):
            return price_basket(lines=lines, context=ctx, rules=rules)

        return context, load, evaluate

    @staticmethod
    def _sql_time(price, *, runs: int) -> dict:
        """Time the SQL of ``runs`` calls (in the database driver, per query position)."""
        per_query: list[list[float]] = []
        wrapper, rewind = _sql_time_wrapper(per_query)
        with connection.execute_wrapper(wrapper):
            for _ in range(runs):
                rewind()
                price()
        per_call = [sum(times) for times in zip(*per_query, strict=False)]
        return {
            "per_call": per_call,
            "by_query": [statistics.median(times) * 1000 for times in per_query],
        }

    def measure(self, basket: list[list], *, iterations: int, warmup: int) -> dict:
        """Time ``basket`` end to end and in parts; count queries; measure one call's memory."""
        price = self.price_call(basket)
        context, load, evaluate = self.parts(basket)

        with CaptureQueriesContext(connection) as queries:
            priced = price()
        with CaptureQueriesContext(connection) as context_queries:
            ctx = context()
        with CaptureQueriesContext(connection) as load_queries:
            rules = load(ctx)
        for _ in range(warmup):
            price()
            evaluate(ctx, rules)

        # The benchmark's own data (the spec, the builders' rows) is frozen out of the
        # collector, as a server freezes what it loaded at start; what pricing allocates
        # is still collected, inside the timed runs.
        gc.collect()
        gc.freeze()
        end_to_end, end_to_end_cpu = [], []
        for _ in range(iterations):
            c0 = time.process_time()
            t0 = time.perf_counter()
            price()
            end_to_end.append(time.perf_counter() - t0)
            end_to_end_cpu.append(time.process_time() - c0)

        context_s, load_s, evaluate_s = [], [], []
        for _ in range(iterations):
            t0 = time.perf_counter()
            ctx = context()
            t1 = time.perf_counter()
            rules = load(ctx)
            t2 = time.perf_counter()
            evaluate(ctx, rules)
            t3 = time.perf_counter()
            context_s.append(t1 - t0)
            load_s.append(t2 - t1)
            evaluate_s.append(t3 - t2)
        gc.unfreeze()

        sql = self._sql_time(price, runs=min(iterations, 30))

        tracemalloc.start()
        price()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        def stats(samples):
            return {
                "p50_ms": statistics.median(samples) * 1000,
                "p99_ms": percentile(samples, 0.99) * 1000,
                "mean_ms": statistics.fmean(samples) * 1000,
            }

        return {
            "campaigns": self.campaigns_in_db,
            "lines": len(basket),
            "iterations": iterations,
            "queries": len(queries),
            "query_sql": [q["sql"][:300] for q in queries.captured_queries],
            "context_queries": len(context_queries),
            "load_queries": len(load_queries),
            "candidate_campaigns": len(rules.campaigns),
            "price_rules": len(rules.prices),
            "basket_price": stats(end_to_end),
            # CPU time of this process: robust when other processes compete for the CPUs
            # (on SQLite the database runs in-process and is included; PostgreSQL's is not).
            "basket_price_cpu": stats(end_to_end_cpu),
            "context": stats(context_s),
            "load": stats(load_s),
            "evaluate": stats(evaluate_s),
            "peak_call_kib": peak / 1024,
            "sql_p50_ms": statistics.median(sql["per_call"]) * 1000,
            "sql_by_query_p50_ms": sql["by_query"],
            "result": _summary(priced),
        }


def _sql_time_wrapper(per_query: list[list[float]]):
    position = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal position
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if position == len(per_query):
                per_query.append([])
            per_query[position].append(time.perf_counter() - started)
            position += 1

    def rewind():
        nonlocal position
        position = 0

    return wrapper, rewind


def _summary(priced) -> dict:
    """Totals of a priced basket (``basket_price`` may wrap the engine's ``PricedBasket``)."""
    basket = getattr(priced, "basket", priced)
    return {
        "subtotal": str(getattr(basket, "subtotal", "")),
        "discount_total": str(getattr(basket, "discount_total", "")),
        "total": str(getattr(basket, "total", "")),
        "applied_campaigns": len(getattr(basket, "applied_campaigns", ()) or ()),
    }
