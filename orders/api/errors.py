"""Errors of the orders API about what a call names (scope errors are ``retail.errors``)."""

from retail.errors import NotFoundError


class LineNotFoundError(NotFoundError):
    code = "order_line_not_found"
    default_message = "The order has no such line."


class RefundNotFoundError(NotFoundError):
    code = "refund_not_found"
    default_message = "No such refund instruction."
