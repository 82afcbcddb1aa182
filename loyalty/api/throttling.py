"""Count failed stored-value lookups (wrong code or PIN) per client; refuse after too many."""

from contextlib import contextmanager

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from loyalty.errors import StoredValueNotFoundError, WrongPinError
from retail.api.auth import request_client
from retail.errors import DomainError

MAX_FAILED = 10
WINDOW_SECONDS = 600


class TooManyAttemptsError(DomainError):
    code = "too_many_attempts"
    status = 429
    default_message = _("Too many wrong codes or PINs; try again later.")


def _key(request) -> str:
    client = request_client(request)
    ident = f"client:{client.pk}" if client else f"user:{request.user.pk}"
    return f"loyalty:sv-failed:{ident}"


@contextmanager
def failed_lookup_guard(request):
    """Refuse when the client has too many failed lookups; count the failures of the block."""
    key = _key(request)
    if (cache.get(key) or 0) >= MAX_FAILED:
        raise TooManyAttemptsError(extra={"retry_after_seconds": WINDOW_SECONDS})
    try:
        yield
    except (StoredValueNotFoundError, WrongPinError):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS)
        raise
