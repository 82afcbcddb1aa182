"""Admin for the stock ledger: append-only, so read-only for everyone, HQ included."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inventory.admin.filters import LocationFilter
from inventory.admin.stock import gtin_search
from inventory.models import StockMovement
from retail.admin.readonly import ViewOnlyAdminMixin
from retail.admin.scoping import StoreScopedAdminMixin


@admin.register(StockMovement)
class StockMovementAdmin(ViewOnlyAdminMixin, StoreScopedAdminMixin, admin.ModelAdmin):
    store_lookup = "location"
    list_display = (
        "created_at",
        "location",
        "product",
        "kind",
        "quantity",
        "on_hand_after",
        "reason",
        "who",
        "source_document",
    )
    list_filter = ("kind", LocationFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("location", "product", "actor")
    search_fields = ("=product__sku", "=source_key", "=source_document")
    search_help_text = _("SKU, scanned GTIN, source key or source document.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    show_full_result_count = False

    @admin.display(description=_("who"))
    def who(self, obj):
        return obj.actor or obj.actor_label or "—"

    def lookup_allowed(self, lookup, value, request=None):
        # The "all movements of this item" link from a stock row filters by product.
        return lookup == "product__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_gtin = gtin_search(queryset, search_term, "product__gtins__gtin14")
        if by_gtin is not None:
            qs |= by_gtin
            may_have_duplicates = True
        return qs, may_have_duplicates
