"""The VAT summary of a receipt: per rate, the gross, net and VAT of the lines at that rate.

One function for the engine's priced basket and for what the orders app
records of a sale (POS receipts, exchanges); pure, like the rest of the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pricing.engine.types import VatLine


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal, Decimal]]) -> tuple[VatLine, ...]:
    """Sum (rate, gross, vat) line figures per rate, ascending; net is gross minus VAT."""
    gross: dict[Decimal, Decimal] = {}
    vat: dict[Decimal, Decimal] = {}
    for rate, line_gross, line_vat in lines:
        gross[rate] = gross.get(rate, Decimal(0)) + line_gross
        vat[rate] = vat.get(rate, Decimal(0)) + line_vat
    return tuple(
        VatLine(rate=rate, gross=gross[rate], net=gross[rate] - vat[rate], vat=vat[rate])
        for rate in sorted(gross)
    )
