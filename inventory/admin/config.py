"""Admin for what shapes availability: safety buffers and the locations serving each channel.

Plain configuration with no ledger behind it, so HQ edits the rows directly.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inventory.models import ChannelLocation, SafetyBuffer


@admin.register(SafetyBuffer)
class SafetyBufferAdmin(admin.ModelAdmin):
    """The most specific row wins: product, then nearest category, then store, then default."""

    list_display = ("channel", "scope", "store", "category", "product", "quantity")
    list_filter = ("channel", ("store", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("channel", "store", "category", "product")
    search_fields = ("channel__code", "store__code", "category__code", "product__sku")
    autocomplete_fields = ("channel", "store", "category", "product")
    ordering = ("channel__code", "store__code", "category__path", "product__sku")

    @admin.display(description=_("applies to"))
    def scope(self, obj):
        if obj.product_id:
            return _("product")
        if obj.category_id:
            return _("category")
        if obj.store_id:
            return _("store")
        return _("channel default")


@admin.register(ChannelLocation)
class ChannelLocationAdmin(admin.ModelAdmin):
    """Which stores and warehouses a channel may promise stock from."""

    list_display = ("channel", "location", "location_kind", "ship_from_store")
    list_filter = ("channel", "location__kind", "location__country")
    list_select_related = ("channel", "location")
    search_fields = ("channel__code", "location__code", "location__name")
    autocomplete_fields = ("channel", "location")
    ordering = ("channel__code", "location__code")

    @admin.display(description=_("kind"))
    def location_kind(self, obj):
        return obj.location.get_kind_display()

    @admin.display(description=_("ships from store"), boolean=True)
    def ship_from_store(self, obj):
        return obj.location.ship_from_store
