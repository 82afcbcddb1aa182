"""GTIN (EAN/UPC) validation and normalisation.

A scanner may read the same item as UPC-A (12 digits) or EAN-13 with a
leading zero; both normalise to the same 14-digit GTIN, which is the key we
store and look up by.
"""

from django.utils.translation import gettext
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError

from retail.errors import InvalidGtinError

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_validate(value: str) -> str:
    """Return the compact GTIN if ``value`` is a GTIN-8/12/13/14 with a correct check digit.

    Raises ``InvalidGtinError`` naming what is wrong.
    """
    compact = ean.compact(str(value))
    if not compact.isdigit():
        raise InvalidGtinError(
            gettext("'%(value)s' is not a GTIN: only digits are allowed.") % {"value": value}
        )
    if len(compact) not in GTIN_LENGTHS:
        raise InvalidGtinError(
            gettext("'%(value)s' is not a GTIN: it must have 8, 12, 13 or 14 digits.")
            % {"value": value}
        )
    try:
        ean.validate(compact)
    except StdnumValidationError as exc:
        raise InvalidGtinError(
            gettext("'%(value)s' has a wrong check digit.") % {"value": value}
        ) from exc
    return compact


def gtin14(value: str) -> str:
    """Return the valid GTIN ``value`` as its canonical 14-digit form."""
    return gtin_validate(value).zfill(14)


def gtin_with_check_digit(body: str) -> str:
    """Append the check digit to ``body`` (7, 11, 12 or 13 digits)."""
    return body + ean.calc_check_digit(body)
