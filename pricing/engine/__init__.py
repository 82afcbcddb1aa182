"""The pricing engine: a pure function from (basket, context, rules) to a priced basket.

It imports no Django model and touches no database; see ``types`` for its inputs
and outputs and ``engine.price_basket`` for the entry point.
"""
