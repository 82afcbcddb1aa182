"""Errors of the orders API about what a call names (scope errors are ``retail.errors``)."""

from django.utils.translation import gettext_lazy as _

from retail.errors import NotFoundError


class LineNotFoundError(NotFoundError):
    code = "order_line_not_found"
    default_message = _("The order has no such line.")


class RefundNotFoundError(NotFoundError):
    code = "refund_not_found"
    default_message = _("No such refund instruction.")
