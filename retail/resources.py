"""django-import-export resources of the core: the product layout of imports and exports.

Columns (the contract, ``docs/imports.md``): ``sku, name, category,
vat_class, brand, unit_cost, unit_cost_currency, gtins, is_active``; the
category, VAT class and brand by code, GTINs as a list with the primary
first.  Cells are raw values; the ``imports`` app formats and neutralises
them when it writes a file, and runs the checked import.
"""

from __future__ import annotations

from django.db.models import Prefetch
from import_export import fields, resources

from retail.models import Product, ProductGtin

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "vat_class",
    "brand",
    "unit_cost",
    "unit_cost_currency",
    "gtins",
    "is_active",
)


def product_gtins(product: Product) -> list[str]:
    """The GTINs of a product as printed, the primary first (needs ``gtins`` prefetched)."""
    gtins = sorted(product.gtins.all(), key=lambda g: (not g.is_primary, g.gtin))
    return [g.gtin for g in gtins]


class ProductResource(resources.ModelResource):
    """One row per product, keyed by SKU."""

    category = fields.Field(column_name="category")
    vat_class = fields.Field(column_name="vat_class")
    brand = fields.Field(column_name="brand")
    unit_cost = fields.Field(column_name="unit_cost")
    gtins = fields.Field(column_name="gtins")

    class Meta:
        model = Product
        fields = PRODUCT_COLUMNS
        export_order = PRODUCT_COLUMNS
        import_id_fields = ("sku",)

    def get_queryset(self):
        return (
            Product.objects.select_related("category", "vat_class", "brand")
            .prefetch_related(Prefetch("gtins", queryset=ProductGtin.objects.order_by("gtin")))
            .order_by("sku")
        )

    def dehydrate_category(self, product):
        return product.category.code

    def dehydrate_vat_class(self, product):
        return product.vat_class.code

    def dehydrate_brand(self, product):
        return product.brand.code if product.brand_id else ""

    def dehydrate_unit_cost(self, product):
        return product.unit_cost_amount

    def dehydrate_unit_cost_currency(self, product):
        return product.unit_cost_currency

    def dehydrate_gtins(self, product):
        return ", ".join(product_gtins(product))

    def dehydrate_is_active(self, product):
        return "yes" if product.is_active else "no"
