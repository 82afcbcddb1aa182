"""The VAT summary an order or receipt keeps: the engine's per-rate breakdown as JSON data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from orders.models import OrderLine
from pricing.engine.types import VatLine
from pricing.engine.vat import vat_breakdown


def vat_json(vat: Iterable[VatLine]) -> list[dict]:
    """Per rate: rate, gross, net and VAT as decimal strings (``Order.vat``)."""
    return [
        {"rate": str(v.rate), "gross": str(v.gross), "net": str(v.net), "vat": str(v.vat)}
        for v in vat
    ]


def lines_vat_json(lines: Sequence[OrderLine]) -> list[dict]:
    """The VAT summary of recorded lines (a POS receipt, an exchange's sale)."""
    return vat_json(
        vat_breakdown((line.vat_rate, line.total_amount, line.vat_amount) for line in lines)
    )
