"""django-import-export resources of inventory: the stock count layout ``store, sku, counted``.

Exports on hand per store and SKU in the layout the stock count import
reads (``docs/imports.md``).  A count never writes stock rows: a resource
used for a plain django-import-export import posts each row through
``stock_count`` (a ledger movement), and the checked import is ``imports``.
"""

from __future__ import annotations

import uuid

from import_export import fields, resources

from inventory.models import StockLevel
from inventory.services import stock_count
from retail.models import Product, Store

STOCK_COUNT_COLUMNS = ("store", "sku", "counted")


class StockCountResource(resources.ModelResource):
    """One row per stock level: the store's code, the SKU and the units on hand."""

    store = fields.Field(column_name="store")
    sku = fields.Field(column_name="sku")
    counted = fields.Field(column_name="counted")

    class Meta:
        model = StockLevel
        fields = STOCK_COUNT_COLUMNS
        export_order = STOCK_COUNT_COLUMNS

    def get_queryset(self):
        return StockLevel.objects.select_related("location", "product").order_by(
            "location__code", "product__sku"
        )

    def dehydrate_store(self, level):
        return level.location.code

    def dehydrate_sku(self, level):
        return level.product.sku

    def dehydrate_counted(self, level):
        return level.on_hand

    def import_instance(self, instance, row, **kwargs):
        instance.location = Store.objects.get(code=str(row["store"]).strip())
        instance.product = Product.objects.get(sku=str(row["sku"]).strip())
        instance.on_hand = int(row["counted"])

    def save_instance(self, instance, is_create, row, **kwargs):
        """Post the count with ``stock_count`` (a ledger row); never save the stock row."""
        if kwargs.get("dry_run"):
            return
        stock_count(
            location=instance.location,
            product=instance.product,
            counted=instance.on_hand,
            source_key=f"resource-count:{uuid.uuid4().hex}",
            actor_label="import",
        )
