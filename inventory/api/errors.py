"""Errors of the inventory API's parameters; caller scope errors are in ``retail.errors``."""

from retail.errors import DomainError


class SkuRequiredError(DomainError):
    code = "sku_required"
    default_message = "Give at least one SKU."
