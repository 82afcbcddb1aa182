"""GTIN barcodes for pick lists: the store pages' one SVG barcode helper (``retail.store``)."""

from retail.store.barcodes import gtin_svg

__all__ = ["gtin_svg"]
