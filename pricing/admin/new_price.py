"""HQ's "new price from a date": a form, a preview of the timeline, then Save.

The plan and the write are ``price_schedule_plan`` / ``price_schedule_set``
(the price import's closing rule, plus the split of an entry a dated price
falls inside).  A refusal is shown on the field it concerns and keeps what
was typed; nothing is written before Save.  Times are read and shown in the
active time zone (``retail.middleware.AdminTimeZoneMiddleware``).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from pricing.models import PriceChange, PriceList
from pricing.services.price_schedule import price_schedule_plan, price_schedule_set
from retail.errors import DomainError
from retail.models import Product


class NewPriceForm(forms.Form):
    price_list = forms.ModelChoiceField(
        queryset=PriceList.objects.order_by("code"), label=_("Price list")
    )
    sku = forms.CharField(label=_("Product (SKU)"), max_length=64)
    amount = forms.DecimalField(
        label=_("Price"), min_value=0, decimal_places=2, help_text=_("VAT-inclusive.")
    )
    valid_from = forms.SplitDateTimeField(label=_("From"), widget=widgets.AdminSplitDateTime)
    valid_to = forms.SplitDateTimeField(
        label=_("To (optional)"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=_(
            "Empty: until further notice. Inside the current price's period, that price "
            "comes back from this moment."
        ),
    )

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            raise forms.ValidationError(_("No product has this SKU."), code="unknown_product")
        self.product = product
        return sku


def new_price_view(model_admin, request):
    """GET: the form (``?product=<sku>&list=<code>`` fill it in); POST: preview or save."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    initial = {"sku": request.GET.get("product", "")}
    price_list = PriceList.objects.filter(code=request.GET.get("list", "")).first()
    if price_list is not None:
        initial["price_list"] = price_list.pk
    form = NewPriceForm(request.POST or None, initial=initial)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "price_list": data["price_list"],
            "product": form.product,
            "amount": data["amount"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
        }
        try:
            if "_save" in request.POST:
                price_schedule_set(**arguments, user=request.user, source=PriceChange.Source.ADMIN)
            else:
                plan = price_schedule_plan(**arguments)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            plan = None
        else:
            if plan is None:
                model_admin.message_user(
                    request,
                    _("The new price of %(sku)s in %(list)s is saved.")
                    % {"sku": form.product.sku, "list": data["price_list"].code},
                    messages.SUCCESS,
                )
                query = urlencode({"product": form.product.sku, "list": data["price_list"].code})
                return HttpResponseRedirect(
                    f"{reverse('admin:pricing_pricelistentry_chart')}?{query}"
                )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("New price from a date"),
        "form": form,
        "plan": plan,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/pricing/pricelistentry/new_price.html", context)
