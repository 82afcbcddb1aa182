"""Pricing's domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from retail.errors import ConflictError, DomainError, NotFoundError


class UnknownProductError(DomainError):
    code = "unknown_product"
    default_message = "No product with this SKU or GTIN."


class InactiveProductError(DomainError):
    code = "inactive_product"
    default_message = "This product is no longer sold."


class InvalidQuantityError(DomainError):
    code = "invalid_quantity"
    default_message = "Quantity must be a whole number from 1 to 9999."


class NoPriceError(DomainError):
    code = "no_price"
    status = 422
    default_message = "This product has no price in this channel and store."


class CouponNotFoundError(NotFoundError):
    code = "coupon_not_found"
    status = 400
    default_message = "Unknown coupon code."


class CouponExpiredError(DomainError):
    code = "coupon_expired"
    default_message = "This coupon code is no longer valid."


class CouponNotYetValidError(DomainError):
    code = "coupon_not_yet_valid"
    default_message = "This coupon code is not valid yet."


class CouponUsedUpError(ConflictError):
    code = "coupon_used_up"
    default_message = "This coupon code has been used the maximum number of times."


class CouponNotForCustomerError(DomainError):
    code = "coupon_not_for_customer"
    status = 403
    default_message = "This personal coupon code belongs to another customer."


class CouponCustomerLimitError(ConflictError):
    code = "coupon_customer_limit"
    default_message = "This customer has already used this coupon code the maximum number of times."


class StaleRulesVersionError(ConflictError):
    code = "stale_rules_version"
    default_message = "The pricing rules have changed since this version."
