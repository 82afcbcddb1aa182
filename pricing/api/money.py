"""Money and percent fields of the pricing API's answers."""

from decimal import ROUND_HALF_UP

from rest_framework import serializers

from retail.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS


def Money(**kwargs):
    """A read-only money amount: a string with the currency's two decimals, rounded half-up."""
    return serializers.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        rounding=ROUND_HALF_UP,
        read_only=True,
        **kwargs,
    )


def Percent(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, **kwargs)
