"""Stored-value errors beyond those in ``loyalty.errors``."""

from retail.errors import ConflictError, DomainError, NotFoundError


class InvalidAmountError(DomainError):
    code = "invalid_amount"
    default_message = "The amount must be positive in the currency's minor unit."


class WrongChannelError(DomainError):
    code = "stored_value_wrong_channel"
    default_message = "This voucher cannot be used in this channel."


class MinimumSpendNotMetError(DomainError):
    code = "minimum_spend_not_met"
    default_message = "The order does not reach the voucher's minimum spend."


class VoucherPartialUseError(DomainError):
    code = "voucher_partial_use"
    default_message = "A voucher is used once, for its whole amount."


class NotReloadableError(DomainError):
    code = "stored_value_not_reloadable"
    default_message = "This card cannot be reloaded."


class AlreadyActiveError(ConflictError):
    code = "stored_value_already_active"
    default_message = "This card is already activated."


class RedemptionNotFoundError(NotFoundError):
    code = "redemption_not_found"
    default_message = "No redemption with this source key."


class HoldNotFoundError(NotFoundError):
    code = "hold_not_found"
    default_message = "No hold with this source key."


class RefundExceedsRedemptionError(ConflictError):
    code = "refund_exceeds_redemption"
    default_message = "The refund is more than what is left of the redemption."


class ReasonRequiredError(DomainError):
    code = "reason_required"
    default_message = "An adjustment needs a reason."
