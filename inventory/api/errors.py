"""Errors of the inventory API's parameters; caller scope errors are in ``retail.errors``."""

from django.utils.translation import gettext_lazy as _

from retail.errors import DomainError


class SkuRequiredError(DomainError):
    code = "sku_required"
    default_message = _("Give at least one SKU.")
