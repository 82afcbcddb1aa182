"""Forms of the store's click-and-collect pages; they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_CODE_LENGTH = 100
MAX_ORDERS_PER_PICK_LIST = 50


class ShortPickForm(forms.Form):
    """A missing or damaged line: remove it and refund, or substitute the product ``code``."""

    REMOVE = "remove"
    SUBSTITUTE = "substitute"

    action = forms.ChoiceField(
        choices=[(REMOVE, _("Remove and refund")), (SUBSTITUTE, _("Substitute"))]
    )
    code = forms.CharField(
        label=_("Substitute SKU or GTIN"), max_length=MAX_CODE_LENGTH, required=False
    )
    # "Remove and refund" is only done from its confirmation page, which sends this.
    confirm = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.SUBSTITUTE and not data.get("code", "").strip():
            self.add_error("code", _("Scan or type the substitute's SKU or GTIN."))
        return data


class ShipForm(forms.Form):
    tracking = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class HandOverForm(forms.Form):
    """The pickup code the customer shows, scanned or typed (spaces and dashes ignored)."""

    code = forms.CharField(label=_("Pickup code"), max_length=MAX_CODE_LENGTH)


class HandOverConfirmForm(forms.Form):
    """Who the order is handed to, when it is not the customer themself (optional)."""

    handed_to = forms.CharField(
        label=_("Collected by (if not the customer)"), max_length=100, required=False
    )
