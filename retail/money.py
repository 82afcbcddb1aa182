"""Money: ``Decimal`` only, quantized to the currency's minor unit, half-up.

Amounts are rounded at defined points (per line, then totals) with
:func:`quantize`; nothing else in the code base rounds money.

Pure Python, no Django: the pricing engine prices with it and imports no
Django.  The model side (the ``Currency`` choices, the amount column) is in
``retail.money_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units of the currencies we sell in; all four use two decimals.
# ``retail.money_fields.Currency`` (the model choices) holds the same codes.
MINOR_UNITS = {"DKK": 2, "SEK": 2, "NOK": 2, "EUR": 2}
CURRENCIES = tuple(MINOR_UNITS)

# Amount columns: up to 9,999,999,999.99 with two decimals (and a margin for 4-decimal costs).
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2


def minor_units(currency: str) -> int:
    """Return the number of decimals of ``currency``; ``ValueError`` for an unknown one."""
    try:
        return MINOR_UNITS[currency]
    except (KeyError, TypeError):
        raise ValueError(f"{currency!r} is not a valid Currency") from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the minor unit of ``currency``, half-up.

    Raises ``TypeError`` for a float, so a float can never sneak into money.
    """
    if isinstance(amount, float):
        raise TypeError("money must be Decimal, not float")
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its currency; arithmetic only between equal currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise TypeError("money must be Decimal, not float")
        object.__setattr__(self, "amount", Decimal(self.amount))
        minor_units(self.currency)  # raises ValueError for an unknown currency

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def quantized(self) -> Money:
        return Money(quantize(self.amount, self.currency), self.currency)

    def as_json(self) -> dict[str, str]:
        """JSON carries money as a decimal string with a currency code."""
        return {"amount": str(quantize(self.amount, self.currency)), "currency": self.currency}


def vat_portion(gross: Decimal, rate_percent: Decimal, currency: str) -> Decimal:
    """Return the VAT contained in a VAT-inclusive ``gross`` amount at ``rate_percent``."""
    return quantize(gross * rate_percent / (Decimal(100) + rate_percent), currency)
