"""Errors of stock feed submission; a feed's own content errors are reported on its run."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class StockFeedInvalidError(DomainError):
    """The submission itself is unusable (kind, feed id, source, no content)."""

    code = "invalid_stock_feed"
    default_message = _("This stock feed submission is not valid.")


class StockFeedNotFoundError(NotFoundError):
    code = "stock_feed_not_found"
    default_message = _("No stock feed with this feed id.")


class StockFeedNotAllowedError(DomainError):
    code = "stock_feed_not_allowed"
    status = 403
    default_message = _("Only HQ and POS or ERP integrations may send stock feeds.")


class StockFeedIdTakenError(ConflictError):
    code = "feed_id_taken"
    default_message = _("Another sender already used this feed id; choose a unique one.")
