from rest_framework.throttling import SimpleRateThrottle

from retail.api.auth import request_client


class ApiClientRateThrottle(SimpleRateThrottle):
    """One rate per channel client (or signed-in user, or address), counted in the cache."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        client = request_client(request)
        if client is not None:
            ident = f"client:{client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
