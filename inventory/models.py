"""Inventory owns stock: levels, the movement ledger, reservations (later issues).

Imports ``retail`` only; never ``pricing``, ``loyalty`` or ``orders``.
"""
