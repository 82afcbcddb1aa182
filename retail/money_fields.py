"""The model side of money: the ``Currency`` choices and the amount column.

``retail.money`` holds the arithmetic and stays free of Django (the pricing
engine uses it); this module gives models, forms and the API schema the same
currencies as ``TextChoices`` and the house precision as a ``DecimalField``.
"""

from django.db import models
from django.db.models.functions import Round
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


def money_expr(expression):
    """``expression`` (e.g. ``F("balance") - amount``) rounded to the house precision in SQL.

    PostgreSQL adds numerics exactly; SQLite (the ``make run`` default) adds
    decimal columns as floating point, so 6.89 - 6.88 - 0.01 there is
    -1.7e-16 and trips a ``>= 0`` CHECK.  Every conditional UPDATE and every
    comparison of money computed in SQL goes through this.
    """
    return Round(expression, AMOUNT_DECIMAL_PLACES, output_field=money_field())
