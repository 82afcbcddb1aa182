"""Money is Decimal rounded half-up at the minor unit; GTINs are validated and normalised."""

from decimal import Decimal

import pytest

from retail.errors import InvalidGtinError
from retail.gtin import gtin14, gtin_validate, gtin_with_check_digit
from retail.money import CURRENCIES, MINOR_UNITS, Money, minor_units, quantize, vat_portion
from retail.money_fields import Currency


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("1.005", "1.01"), ("1.004", "1.00"), ("-1.005", "-1.01"), ("2.5", "2.50"), ("0", "0.00")],
)
def test_quantize_half_up_to_minor_unit(amount, expected):
    assert quantize(Decimal(amount), "DKK") == Decimal(expected)


def test_quantize_refuses_float():
    with pytest.raises(TypeError):
        quantize(1.1, "DKK")


def test_money_refuses_mixing_currencies():
    with pytest.raises(ValueError, match="DKK with SEK"):
        Money(Decimal("1"), "DKK") + Money(Decimal("1"), "SEK")
    assert (Money(Decimal("1.10"), "DKK") + Money(Decimal("2"), "DKK")).as_json() == {
        "amount": "3.10",
        "currency": "DKK",
    }


def test_money_currencies_are_the_currency_choices():
    assert set(CURRENCIES) == set(Currency.values) == set(MINOR_UNITS)


def test_money_unknown_currency_is_a_value_error():
    with pytest.raises(ValueError, match="'XYZ' is not a valid Currency"):
        minor_units("XYZ")
    with pytest.raises(ValueError, match="not a valid Currency"):
        Money(Decimal("1"), "XYZ")
    assert minor_units(Currency.DKK) == 2


def test_vat_portion_of_vat_inclusive_price():
    assert vat_portion(Decimal("125.00"), Decimal("25"), "DKK") == Decimal("25.00")
    assert vat_portion(Decimal("99.95"), Decimal("12"), "SEK") == Decimal("10.71")


def test_gtin_check_digit_round_trip():
    body = "570123456789"
    full = gtin_with_check_digit(body)
    assert gtin_validate(full) == full
    assert gtin14(" " + full + " ") == "0" + full


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5701234567890", "wrong check digit"),
        ("57012345", "wrong check digit"),
        ("1234", "8, 12, 13 or 14 digits"),
        ("57O1234567899", "only digits"),
    ],
)
def test_gtin_errors_say_what_is_wrong(value, message):
    with pytest.raises(InvalidGtinError, match=message):
        gtin_validate(value)
