"""The ``offer`` cell of a campaign row: what marketers write, turned into campaign parameters.

========================  =========================================================
kind                      offer
========================  =========================================================
percent_off               ``20%``
amount_off                ``10,00`` (off each unit)
fixed_price               ``49,95`` (each unit)
multibuy, mix_match       ``3 for 2`` (pay for 2) or ``2 for 100,00`` (a price);
                          ``for`` may be ``för``, ``til`` or ``x``
mix_match                 also ``3 for 20%`` (the cheapest 20% off)
spend_threshold           ``10%`` or ``50,00`` off, once the ``threshold`` is spent
========================  =========================================================

A whole number below N after "N for" is a quantity to pay; anything else
(a decimal, or N or more) is a price.  For mix_match the offer also sets the
benefit (cheapest free, N for a price, cheapest percent off).  What the kind
then needs and allows is checked by ``pricing.validation`` (``2 for 0,00`` is
refused there).  Bundles and gifts are edited in the admin.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext

from imports.parsing import CellError, cell_decimal
from pricing.choices import CampaignKind, MixBenefit

IMPORTABLE_KINDS = (
    CampaignKind.PERCENT_OFF,
    CampaignKind.AMOUNT_OFF,
    CampaignKind.FIXED_PRICE,
    CampaignKind.MULTIBUY,
    CampaignKind.MIX_MATCH,
    CampaignKind.SPEND_THRESHOLD,
)
PARAMETERS = ("percent", "amount", "price", "buy_quantity", "pay_quantity", "mix_benefit")
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
_GROUP = re.compile(r"^(\d+)\s*(?:for|för|til|x)\s*(.+)$", re.IGNORECASE)


def _percent(text: str) -> Decimal | None:
    match = _PERCENT.match(text)
    if match is None:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    if not 0 < value <= 100:
        raise CellError(gettext("'%(text)s' is not a percentage from 0 to 100") % {"text": text})
    return value


def _amount(text: str) -> Decimal:
    value = cell_decimal(text)
    if value is None or value < 0 or value != round(value, 2):
        raise CellError(
            gettext("'%(text)s' is not an amount (0 or more, two decimals)") % {"text": text}
        )
    return value


def offer_parse(kind: str, text: str) -> dict:
    """Return the campaign parameters (``PARAMETERS``) of ``kind`` from the offer ``text``."""
    params = dict.fromkeys(PARAMETERS)
    params["mix_benefit"] = ""
    text = text.strip()
    if not text:
        raise CellError(gettext("is required"))
    if kind == CampaignKind.PERCENT_OFF:
        params["percent"] = _percent(text)
        if params["percent"] is None:
            raise CellError(gettext("'%(text)s' is not a percentage like 20%%") % {"text": text})
    elif kind == CampaignKind.AMOUNT_OFF:
        params["amount"] = _amount(text)
    elif kind == CampaignKind.FIXED_PRICE:
        params["price"] = _amount(text)
    elif kind == CampaignKind.SPEND_THRESHOLD:
        params["percent"] = _percent(text)
        if params["percent"] is None:
            params["amount"] = _amount(text)
    elif kind in (CampaignKind.MULTIBUY, CampaignKind.MIX_MATCH):
        _group(kind, text, params)
    else:
        raise CellError(gettext("'%(kind)s' campaigns are edited in the admin") % {"kind": kind})
    return params


def _group(kind: str, text: str, params: dict) -> None:
    match = _GROUP.match(text)
    if match is None:
        raise CellError(
            gettext("'%(text)s' is not like '3 for 2' or '2 for 100,00'") % {"text": text}
        )
    buy, rest = int(match.group(1)), match.group(2).strip()
    if buy < 2:
        raise CellError(gettext("'%(text)s': buy at least 2") % {"text": text})
    params["buy_quantity"] = buy
    percent = _percent(rest)
    if percent is not None:
        if kind != CampaignKind.MIX_MATCH:
            raise CellError(gettext("'%(text)s': a percentage is for mix_match") % {"text": text})
        params["percent"] = percent
        benefit = MixBenefit.CHEAPEST_PERCENT
    elif rest.isdigit() and int(rest) < buy:
        params["pay_quantity"] = int(rest)
        benefit = MixBenefit.CHEAPEST_FREE
    else:
        params["price"] = _amount(rest)
        benefit = MixBenefit.FIXED_PRICE
    if kind == CampaignKind.MIX_MATCH:
        params["mix_benefit"] = benefit.value
