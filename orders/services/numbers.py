"""Order, return and receipt numbers, and the pickup codes customers show at the counter."""

from __future__ import annotations

import secrets

from django.db import models

from orders.models import Order, Return

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or typed at a counter survives.
PICKUP_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
PICKUP_CODE_LENGTH = 6


def _digits(n: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(n))


def number_new(model: type[models.Model], prefix: str = "") -> str:
    """Return an unused human-friendly number like ``4821-0937`` (with ``prefix``).

    Random, so numbers do not reveal sales volume; the unique constraint on
    ``number`` is the final guard.
    """
    while True:
        digits = _digits(8)
        number = f"{prefix}{digits[:4]}-{digits[4:]}"
        if not model.objects.filter(number=number).exists():
            return number


def order_number_new(*, kind: str = Order.Kind.ORDER) -> str:
    return number_new(Order, "P" if kind == Order.Kind.RECEIPT else "")


def return_number_new() -> str:
    return number_new(Return, "R")


def pickup_code_new() -> str:
    """Return an unused 6-character pickup code from an unambiguous alphabet."""
    while True:
        code = "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))
        if not Order.objects.filter(pickup_code=code).exists():
            return code


def pickup_code_normalize(code: str) -> str:
    """Upper-case a typed or scanned code and drop spaces and dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())
