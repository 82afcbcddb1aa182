"""The pricing engine: a pure function from (basket, context, rules) to a priced basket.

It imports no Django (import-linter and ``tests/pricing/test_engine_pure.py``
hold it to that) and touches no database; see ``types`` for its inputs and
outputs and ``engine.price_basket`` for the entry point.
"""

from pricing.engine.engine import (
    best_base_price,
    price_basket,
    unit_offer_price,
    unit_offer_prices,
)

__all__ = ["best_base_price", "price_basket", "unit_offer_price", "unit_offer_prices"]
