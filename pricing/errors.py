"""Pricing's domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}.

Errors other apps raise too (``unknown_product``, ``too_many_skus``) are in
``retail.errors``.
"""

from retail.errors import ConflictError, DomainError, NotFoundError, gettext_noop


class InactiveProductError(DomainError):
    code = "inactive_product"
    default_message = gettext_noop("This product is no longer sold.")


class InvalidQuantityError(DomainError):
    code = "invalid_quantity"
    default_message = gettext_noop("Quantity must be a whole number from 1 to 9999.")


class NoPriceError(DomainError):
    code = "no_price"
    status = 422
    default_message = gettext_noop("This product has no price in this channel and store.")


class CouponNotFoundError(NotFoundError):
    code = "coupon_not_found"
    status = 400
    default_message = gettext_noop("Unknown coupon code.")


class CouponExpiredError(DomainError):
    code = "coupon_expired"
    default_message = gettext_noop("This coupon code is no longer valid.")


class CouponNotYetValidError(DomainError):
    code = "coupon_not_yet_valid"
    default_message = gettext_noop("This coupon code is not valid yet.")


class CouponUsedUpError(ConflictError):
    code = "coupon_used_up"
    default_message = gettext_noop("This coupon code has been used the maximum number of times.")


class CouponNotForCustomerError(DomainError):
    code = "coupon_not_for_customer"
    status = 403
    default_message = gettext_noop("This personal coupon code belongs to another customer.")


class CouponCustomerLimitError(ConflictError):
    code = "coupon_customer_limit"
    default_message = gettext_noop(
        "This customer has already used this coupon code the maximum number of times."
    )


class StaleRulesVersionError(ConflictError):
    code = "stale_rules_version"
    default_message = gettext_noop("The pricing rules have changed since this version.")


class VatRateMissingError(DomainError):
    code = "vat_rate_missing"
    status = 422
    default_message = gettext_noop(
        "No VAT rate is set for this product's VAT class in this market."
    )


class InvalidPriceError(DomainError):
    code = "invalid_price"
    default_message = gettext_noop("A price is a non-negative amount with at most two decimals.")


class InvalidPricePeriodError(DomainError):
    code = "invalid_price_period"
    default_message = gettext_noop("'Valid to' must be after 'valid from'.")


class PricePeriodOverlapError(ConflictError):
    code = "price_period_overlap"
    default_message = gettext_noop(
        "This period overlaps another price of the same product in this list."
    )


class InvalidCouponCodeError(DomainError):
    code = "invalid_coupon_code"
    default_message = gettext_noop("A coupon code is 3 to 32 letters, digits, '-' or '_'.")


class CouponCodeExistsError(ConflictError):
    code = "coupon_code_exists"
    default_message = gettext_noop("This coupon code already exists.")


class InvalidCouponBatchError(DomainError):
    code = "invalid_coupon_batch"
    default_message = gettext_noop(
        "A coupon batch has 1 to 100,000 codes and a prefix of up to 8 letters or digits."
    )


class CouponSourceKeyReusedError(ConflictError):
    code = "coupon_source_key_reused"
    default_message = gettext_noop("This source key already redeemed a different coupon code.")


class CampaignStatusTransitionError(ConflictError):
    code = "campaign_status_transition"
    default_message = gettext_noop("The campaign cannot take this status from its current status.")


class CampaignInvalidError(DomainError):
    """A campaign's settings or targets break ``pricing.validation``; ``field`` names which."""

    code = "campaign_invalid"
    default_message = gettext_noop("The campaign's settings do not fit its kind.")
