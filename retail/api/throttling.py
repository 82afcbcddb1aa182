from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from retail.api.auth import request_client


def caller_cache_key(throttle, request) -> str:
    """The throttle's cache key for the caller: its API client, else staff user, else address."""
    client = request_client(request)
    if client is not None:
        ident = f"client:{client.pk}"
    elif request.user and request.user.is_authenticated:
        ident = f"user:{request.user.pk}"
    else:
        ident = f"ip:{throttle.get_ident(request)}"
    return throttle.cache_format % {"scope": throttle.scope, "ident": ident}


class ApiClientRateThrottle(SimpleRateThrottle):
    """One rate per channel client (or signed-in user, or address), counted in the cache."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        return caller_cache_key(self, request)


class GuessableIdentifierThrottle(ScopedRateThrottle):
    """Lookups by an identifier one can guess, per client: ``throttle_scope`` on the view.

    Member numbers (``member_lookup``), pickup codes (``pickup_code``) and
    gift-card codes (``gift_card_lookup``) are short enough to guess; each
    client (key, else staff user, else address) gets ``API_IDENTIFIER_RATES``
    of such calls, and then 429 ``throttled`` in the one error shape.  The
    rate is read at call time, so a setting changed in a test applies.
    """

    def get_rate(self):
        return settings.API_IDENTIFIER_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return caller_cache_key(self, request)
