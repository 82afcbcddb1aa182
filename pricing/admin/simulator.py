"""The price simulator: price a basket for a customer, channel, store and moment, as the API would.

HQ types a basket; the page shows the answer of ``pricing.quotes.basket_quote``
rendered by the API's own serializer and JSON renderer, so what HQ sees is
byte for byte what a webshop or till would receive, plus a readable table.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer

from pricing.api.serializers import MAX_BASKET_LINES, PricedBasketSerializer
from pricing.quotes import basket_quote
from retail.errors import DomainError
from retail.models import Channel, Language, Store
from retail.selectors import customer_find

PERMISSION = "pricing.view_campaign"
_LINE_FIELD = re.compile(r"^lines\.(\d+)")


class SimulatorForm(forms.Form):
    channel = forms.ModelChoiceField(Channel.objects.filter(is_active=True).order_by("code"))
    store = forms.ModelChoiceField(
        Store.objects.filter(is_active=True, kind=Store.Kind.STORE).order_by("code"),
        required=False,
        help_text=_("Leave empty for a channel without a store (webshop, app)."),
    )
    customer = forms.CharField(
        required=False, max_length=254, help_text=_("Member number or e-mail; empty for a guest.")
    )
    coupons = forms.CharField(
        required=False, max_length=500, help_text=_("Codes separated by spaces or commas.")
    )
    at = forms.DateTimeField(
        required=False,
        label=_("Moment (your admin time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty means now."),
    )
    language = forms.ChoiceField(
        choices=[("", _("The channel's")), *Language.choices], required=False
    )
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("One line each: a SKU or GTIN, then the quantity (default 1)."),
    )

    def clean_lines(self) -> list[tuple[str, int]]:
        parsed, errors = [], []
        rows = [row.strip() for row in self.cleaned_data["lines"].splitlines()]
        for number, row in enumerate((r for r in rows if r), start=1):
            parts = row.replace(",", " ").split()
            quantity = parts[1] if len(parts) > 1 else "1"
            if len(parts) > 2 or not re.fullmatch(r"-?\d+", quantity):
                errors.append(_("Line %(n)d: write “SKU-or-GTIN quantity”.") % {"n": number})
                continue
            parsed.append((parts[0], int(quantity)))
        if errors:
            raise forms.ValidationError(errors)
        if not parsed:
            raise forms.ValidationError(_("Enter at least one line."))
        if len(parsed) > MAX_BASKET_LINES:
            raise forms.ValidationError(_("At most %(max)d lines.") % {"max": MAX_BASKET_LINES})
        return parsed

    def clean_coupons(self) -> list[str]:
        return self.cleaned_data["coupons"].replace(",", " ").split()


def _error_field(field: str | None) -> str | None:
    """The form field a domain error's field path belongs to."""
    if not field:
        return None
    if _LINE_FIELD.match(field):
        return "lines"
    head = field.split(".")[0]
    return head if head in SimulatorForm.base_fields else None


def _error_message(exc: DomainError) -> str:
    message = f"{exc.message} [{exc.code}]"
    match = _LINE_FIELD.match(exc.field or "")
    if match:
        message = _("Line %(n)d: %(message)s") % {"n": int(match[1]) + 1, "message": message}
    elif exc.extra.get("code"):
        message = f"{exc.extra['code']}: {message}"
    return message


def simulator_view(request):
    """Show the form; on submit, the priced basket as the API returns it."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = SimulatorForm(request.POST or None)
    result = result_json = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = None
            if data["customer"]:
                identifier = data["customer"].strip()
                key = "email" if "@" in identifier else "member_number"
                try:
                    customer = customer_find(channel=None, **{key: identifier})
                except DomainError as exc:
                    exc.field = "customer"
                    raise
            quote = basket_quote(
                lines=data["lines"],
                channel=data["channel"],
                store=data["store"],
                customer=customer,
                coupon_codes=data["coupons"],
                at=data["at"],
                language=data["language"] or None,
            )
        except DomainError as exc:
            form.add_error(_error_field(exc.field), _error_message(exc))
        else:
            # Byte for byte what the API returns: its times in the server's zone (UTC), not
            # in the admin zone the form is read in.
            with timezone.override(timezone.get_default_timezone()):
                result = PricedBasketSerializer(quote).data
                result_json = JSONRenderer().render(result, renderer_context={"indent": 2})
            result_json = result_json.decode()
    context = {
        **admin.site.each_context(request),
        "title": _("Price simulator"),
        "form": form,
        "result": result,
        "result_json": result_json,
    }
    return TemplateResponse(request, "admin/pricing/simulator.html", context)
