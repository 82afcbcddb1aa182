"""Loyalty owns stored value: points, gift cards, credit notes, vouchers (later issues).

Imports ``retail`` only; never ``pricing``, ``inventory`` or ``orders``.
"""
