"""Quick in-process timing of the pricing engine alone (no database, no loader).

Builds a catalogue, a basket and campaigns that all touch the basket (what the
loader hands the engine), then reports median and p99 of ``price_basket``:

    .venv/bin/python bench/engine_quick.py [--lines 50] [--campaigns 200] [--mix 50]
        [--priorities 10] [--runs 300] [--seed 1]

``--priorities 1`` puts every campaign in one priority band (the search's worst
case); the default spreads them over 0..9 as ``bench/spec.py`` does.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings_test")

from pricing.engine import price_basket
from pricing.engine.types import (
    BasketLine,
    CampaignRule,
    PriceRule,
    PricingContext,
    ProductInfo,
    Rules,
    Target,
)

AT = datetime(2025, 6, 2, 12, tzinfo=UTC)
PRICES = [Decimal(p) for p in ("9.95", "19.95", "29.95", "49.95", "99.95", "199.95", "499.95")]
KINDS = ["percent_off"] * 7 + ["amount_off"] * 3 + ["fixed_price"] * 2 + ["multibuy"] * 3
KINDS += ["bundle"] * 2 + ["spend_threshold"] * 2


def build(*, lines: int, campaigns: int, mix: int, priorities: int, seed: int):
    rng = random.Random(seed)
    n_products = lines * 4
    products = {
        pid: ProductInfo(
            product_id=pid,
            sku=f"S{pid}",
            name=f"Product {pid}",
            category_ids=frozenset({pid % 12 + 1000, pid % 96 + 2000}),
            brand_id=pid % 40 + 3000,
            set_ids=frozenset({pid % 30 + 4000}),
            vat_rate=Decimal("25"),
        )
        for pid in range(1, n_products + 1)
    }
    prices = tuple(
        PriceRule("PUBLIC", 0, pid, rng.choice(PRICES), AT - timedelta(days=9), None)
        for pid in products
    )
    basket_ids = rng.sample(sorted(products), lines)
    basket = tuple(
        BasketLine(str(i), pid, rng.choice([1, 1, 1, 2, 3])) for i, pid in enumerate(basket_ids)
    )

    def some(low, high):
        k = rng.randint(low, high)
        return frozenset(rng.sample(basket_ids, min(k, lines)) + rng.sample(sorted(products), k))

    rules = []
    for number in range(campaigns):
        kind = "mix_match" if number < mix else rng.choice(KINDS)
        params: dict = {}
        target = Target(product_ids=some(1, 4))
        if kind == "percent_off":
            params["percent"] = Decimal(rng.choice(["10", "15", "20", "25"]))
            if rng.random() < 0.2:
                target = Target(category_ids=frozenset({rng.randrange(12) + 1000}))
        elif kind == "amount_off":
            params["amount"] = Decimal(rng.choice(["5.00", "10.00"]))
        elif kind == "fixed_price":
            params["price"] = Decimal("7.95")
        elif kind == "multibuy":
            params |= {"buy_quantity": 3, "pay_quantity": 2}
        elif kind == "mix_match":
            target = Target(product_ids=some(3, 8))
            benefit = rng.choice(["fixed_price", "cheapest_free", "cheapest_percent"])
            params |= {"buy_quantity": rng.choice([2, 3, 3, 4]), "mix_benefit": benefit}
            params |= {
                "fixed_price": {"price": Decimal("60.00")},
                "cheapest_free": {"pay_quantity": params["buy_quantity"] - 1},
                "cheapest_percent": {"percent": Decimal("50")},
            }[benefit]
        elif kind == "bundle":
            target = Target()
            params["components"] = tuple(
                Target(product_ids=frozenset({pid})) for pid in rng.sample(basket_ids, 2)
            )
            params["price"] = Decimal("50.00")
        elif kind == "spend_threshold":
            target = (
                Target(everything=True)
                if rng.random() < 0.3
                else Target(category_ids=frozenset({rng.randrange(12) + 1000}))
            )
            params["threshold_amount"] = Decimal(rng.choice(["200.00", "500.00"]))
            params["percent" if rng.random() < 0.5 else "amount"] = Decimal("10")
        rules.append(
            CampaignRule(
                campaign_id=number + 1,
                code=f"C{number:04d}",
                name=f"Campaign {number}",
                kind=kind,
                stacking=rng.choices(["best_price", "compound", "exclusive"], [65, 25, 10])[0],
                priority=rng.randrange(priorities),
                valid_from=AT - timedelta(days=1),
                valid_to=None,
                target=target,
                **params,
            )
        )
    context = PricingContext(at=AT, currency="DKK")
    return basket, context, Rules(products=products, prices=prices, campaigns=tuple(rules))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--mix", type=int, default=50)
    parser.add_argument("--priorities", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    basket, context, rules = build(
        lines=args.lines,
        campaigns=args.campaigns,
        mix=args.mix,
        priorities=args.priorities,
        seed=args.seed,
    )
    result = price_basket(lines=basket, context=context, rules=rules)
    timings = []
    for _ in range(args.runs):
        begin = time.perf_counter()
        price_basket(lines=basket, context=context, rules=rules)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(
        f"{args.lines} lines, {args.campaigns} campaigns ({args.mix} mix & match), "
        f"{args.priorities} priorities: min {timings[0]:.2f} ms, "
        f"median {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms; "
        f"{len(result.applied_campaigns)} applied, total {result.total} of {result.subtotal}"
    )


if __name__ == "__main__":
    main()
