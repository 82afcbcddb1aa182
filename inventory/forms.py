"""Forms of the inventory store pages and admin: they parse input; services apply the rules."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from retail.errors import CustomerIdentifierRequiredError, CustomerNotFoundError
from retail.models import Customer, Store
from retail.selectors import customer_find

HOLD_HOURS_CHOICES = [(4, _("4 hours")), (24, _("24 hours")), (48, _("2 days")), (72, _("3 days"))]
DEFAULT_HOLD_HOURS = 24
MAX_HOLD_QUANTITY = 99


def customer_by_identifier(value: str, *, country: str) -> Customer | None:
    """Find a customer by what a clerk types: an e-mail, a member number or a phone number.

    A phone number without a country code is read as one of ``country``.
    Returns None when nobody matches.  At most two queries.
    """
    value = value.strip()
    attempts: list[dict[str, str]] = []
    if "@" in value:
        attempts.append({"email": value})
    else:
        attempts.append({"member_number": value})
        try:
            number = phonenumbers.parse(value, country)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            attempts.append({"phone": e164})
    for identifier in attempts:
        try:
            return customer_find(channel=None, **identifier)
        except (CustomerNotFoundError, CustomerIdentifierRequiredError):
            continue
    return None


class HoldForm(forms.Form):
    """Put units of one product aside for a customer at a store (a staff hold)."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=100)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)
    store = forms.ChoiceField(label=_("Hold at"))
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_HOLD_QUANTITY, initial=1
    )
    hours = forms.TypedChoiceField(
        label=_("Hold for"), choices=HOLD_HOURS_CHOICES, coerce=int, initial=DEFAULT_HOLD_HOURS
    )
    customer = forms.CharField(
        label=_("Customer (optional)"),
        required=False,
        max_length=100,
        help_text=_("E-mail, phone or member number of a registered customer."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=60,
        help_text=_("E.g. the customer's name; shown with the hold."),
    )

    def __init__(self, *args, stores: list[Store], country: str = "DK", **kwargs):
        super().__init__(*args, **kwargs)
        self.stores = {store.code: store for store in stores}
        self.country = country
        self.fields["store"].choices = [
            (store.code, f"{store.name} ({store.code})") for store in stores
        ]

    def clean_store(self) -> Store:
        return self.stores[self.cleaned_data["store"]]

    def clean_customer(self) -> Customer | None:
        value = self.cleaned_data["customer"]
        if not value:
            return None
        customer = customer_by_identifier(value, country=self.country)
        if customer is None:
            raise forms.ValidationError(
                _("No registered customer has this e-mail, phone or member number."),
                code="customer_not_found",
            )
        return customer
