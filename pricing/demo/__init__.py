"""Pricing's part of ``seed_demo``: price lists with history, product sets, campaigns, coupons.

``retail.demo.builder.demo_steps`` finds ``STEPS`` here and runs them after
the core's (channels, products and customer groups exist by then).
"""

from pricing.demo.campaigns import seed_campaigns, seed_coupon_codes, seed_product_sets
from pricing.demo.prices import seed_price_lists, seed_prices
from retail.demo.builder import Step

STEPS = [
    Step("price lists", seed_price_lists),
    Step("prices", seed_prices),
    Step("product sets", seed_product_sets),
    Step("campaigns", seed_campaigns),
    Step("coupon codes", seed_coupon_codes),
]
