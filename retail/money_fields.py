"""The model side of money: the ``Currency`` choices and the amount column.

``retail.money`` holds the arithmetic and stays free of Django (the pricing
engine uses it); this module gives models, forms and the API schema the same
currencies as ``TextChoices`` and the house precision as a ``DecimalField``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from retail.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS


class Currency(models.TextChoices):
    """The currencies of ``retail.money.CURRENCIES``, with names (a test keeps them equal)."""

    DKK = "DKK", _("Danish krone")
    SEK = "SEK", _("Swedish krona")
    NOK = "NOK", _("Norwegian krone")
    EUR = "EUR", _("Euro")


def money_field(**kwargs) -> models.DecimalField:
    """An amount column with the house precision; pair it with a ``currency`` column."""
    return models.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs
    )
