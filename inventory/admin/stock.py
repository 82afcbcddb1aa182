"""Admin for stock levels: read-only rows, changed only through "Adjust" and "Count".

The two tools call ``stock_adjust`` (a signed correction with a reason) and
``stock_count`` (an absolute counted quantity; the service posts the
difference).  The form carries a one-time source key, so submitting it twice
posts once.
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from inventory.admin.filters import CategoryFilter, LocationFilter
from inventory.models import StockLevel, StockMovement
from inventory.services import stock_adjust, stock_count
from retail.admin.readonly import ReadOnlyAdminMixin
from retail.admin.scoping import StoreScopedAdminMixin
from retail.errors import DomainError, InvalidGtinError
from retail.gtin import gtin14

RECENT_MOVEMENTS = 20


def gtin_search(queryset, search_term: str, lookup: str):
    """Rows whose product has the scanned GTIN in any notation (UPC-A, EAN-13, GTIN-14)."""
    term = search_term.strip()
    if not term.isdigit():
        return None
    try:
        key = gtin14(term)
    except InvalidGtinError:
        return None
    return queryset.filter(**{lookup: key})


class StockChangeForm(forms.Form):
    MODES = [("adjust", _("Adjust by (+/-)")), ("count", _("Counted quantity"))]

    mode = forms.ChoiceField(choices=MODES, widget=forms.RadioSelect, initial="adjust")
    quantity = forms.IntegerField(
        help_text=_("Adjust: units to add (negative to remove). Count: the units counted.")
    )
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text=_("Why (damaged, found, shrinkage); required for an adjustment."),
    )
    source_key = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == "adjust" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("An adjustment needs a reason."))
        return cleaned


@admin.register(StockLevel)
class StockLevelAdmin(StoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    store_lookup = "location"
    list_display = (
        "location",
        "sku",
        "product_name",
        "on_hand",
        "reserved",
        "free",
        "updated_at",
    )
    list_filter = (LocationFilter, CategoryFilter)
    list_select_related = ("location", "product")
    search_fields = ("=product__sku", "product__name")
    search_help_text = _("SKU, product name or a scanned GTIN.")
    readonly_fields = ("free", "recent_movements")
    ordering = ("location__code", "product__sku")
    show_full_result_count = False
    change_form_template = "admin/inventory/stocklevel/change_form.html"

    @admin.display(description=_("SKU"), ordering="product__sku")
    def sku(self, obj):
        return obj.product.sku

    @admin.display(description=_("product"))
    def product_name(self, obj):
        return obj.product.name

    @admin.display(description=_("on hand - reserved"))
    def free(self, obj):
        return obj.on_hand - obj.reserved

    @admin.display(description=_("recent movements"))
    def recent_movements(self, obj):
        rows = StockMovement.objects.filter(
            location_id=obj.location_id, product_id=obj.product_id
        ).order_by("-created_at", "-pk")[:RECENT_MOVEMENTS]
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    m.created_at.strftime("%Y-%m-%d %H:%M"),
                    m.get_kind_display(),
                    f"{m.quantity:+d}",
                    m.on_hand_after if m.on_hand_after is not None else "",
                    m.reason,
                )
                for m in rows
            ),
        )
        everything = (
            reverse("admin:inventory_stockmovement_changelist")
            + "?"
            + urlencode({"location": obj.location_id, "product__id__exact": obj.product_id})
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            '</thead><tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("When (UTC)"),
            _("Kind"),
            _("Quantity"),
            _("On hand after"),
            _("Reason"),
            body,
            everything,
            _("All movements of this item here"),
        )

    def get_search_results(self, request, queryset, search_term):
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_gtin = gtin_search(queryset, search_term, "product__gtins__gtin14")
        if by_gtin is not None:
            qs |= by_gtin
            may_have_duplicates = True
        return qs, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        extra_context["can_change_stock"] = self.has_change_permission(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/change-stock/",
                self.admin_site.admin_view(self.change_stock_view),
                name="inventory_stocklevel_change_stock",
            ),
            *super().get_urls(),
        ]

    def change_stock_view(self, request, object_id: int):
        """Adjust or count one stock row through the services, with the user as actor."""
        level = get_object_or_404(
            self.get_queryset(request).select_related("location", "product"), pk=object_id
        )
        if not self.has_change_permission(request, level):
            raise PermissionDenied
        initial = {"source_key": f"admin:{uuid.uuid4()}", "mode": request.GET.get("mode")}
        form = StockChangeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                self._change_stock(request, level, form.cleaned_data)
            except DomainError as exc:
                form.add_error("quantity", exc.message)
            else:
                url = reverse("admin:inventory_stocklevel_change", args=[level.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change stock of %(item)s") % {"item": level},
            "opts": self.model._meta,
            "level": level,
            "form": form,
        }
        return TemplateResponse(request, "admin/inventory/stocklevel/change_stock.html", context)

    def _change_stock(self, request, level: StockLevel, data: dict) -> None:
        common = {
            "location": level.location,
            "product": level.product,
            "source_key": data["source_key"],
            "actor": request.user,
        }
        if data["mode"] == "adjust":
            movement = stock_adjust(quantity=data["quantity"], reason=data["reason"], **common)
        else:
            movement = stock_count(counted=data["quantity"], **common)
        if movement is None:
            self.message_user(request, _("The count matches the stock: nothing changed."))
        else:
            self.message_user(
                request,
                _("Posted %(kind)s %(quantity)+d; on hand is now %(after)s.")
                % {
                    "kind": movement.get_kind_display().lower(),
                    "quantity": movement.quantity,
                    "after": movement.on_hand_after,
                },
                messages.SUCCESS,
            )
