"""Pricing owns what things cost: price lists, campaigns, coupon codes (later issues).

Imports ``retail`` only; never ``inventory``, ``loyalty`` or ``orders``.
"""
