"""Admin for the catalogue: brands, the category tree, VAT and products with their GTINs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from retail.admin.product_panels import product_summary_html
from retail.admin.scoping import ScopedCountryFilter
from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.models import Brand, Category, Product, ProductGtin, VatClass, VatRate


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ("name", "code")
    search_fields = ("code", "name")


@admin.register(VatClass)
class VatClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    """VAT periods; ``VatRate.clean`` rejects a period overlapping another of its class."""

    list_display = ("country", "vat_class", "rate", "valid_from", "valid_to")
    list_filter = (("country", ScopedCountryFilter), "vat_class")
    list_select_related = ("vat_class",)
    date_hierarchy = "valid_from"


class ProductGtinInline(admin.TabularInline):
    model = ProductGtin
    fields = ("gtin", "gtin14", "pack_quantity", "is_primary")
    readonly_fields = ("gtin14",)
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "brand", "category", "vat_class", "is_active")
    list_filter = ("is_active", "vat_class", "brand", "category")
    list_select_related = ("brand", "category", "vat_class")
    search_fields = ("sku", "name", "=gtins__gtin", "=gtins__gtin14")
    search_help_text = _("SKU, name or GTIN (EAN-13, UPC-A and GTIN-14 find the same item).")
    autocomplete_fields = ("brand", "category")
    readonly_fields = ("created_at", "updated_at")
    change_form_template = "admin/retail/product/change_form.html"
    fieldsets = (
        (None, {"fields": ("sku", "name", "brand", "category", "is_active")}),
        (_("VAT and cost"), {"fields": ("vat_class", ("unit_cost_amount", "unit_cost_currency"))}),
        (_("Shelf label"), {"fields": (("unit_measure", "unit_quantity"),)}),
        (_("Attributes"), {"fields": ("attributes",), "classes": ("collapse",)}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [ProductGtinInline]
    # Counting every product on each page view is the slow part of a big changelist.
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The product's form, with the summary panels pricing and inventory register."""
        product = self.get_object(request, object_id)
        if product is not None:
            extra_context = {
                **(extra_context or {}),
                "product_summary": product_summary_html(request, product),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Also match a scanned GTIN in any notation (UPC-A, EAN-13, GTIN-14) by its GTIN-14."""
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit():
            try:
                key = gtin14(term)
            except InvalidGtinError:
                return qs, may_have_duplicates
            qs |= queryset.filter(gtins__gtin14=key)
            may_have_duplicates = True
        return qs, may_have_duplicates
