"""``/metrics`` for Prometheus, answered only to the configured networks or a bearer token.

Anyone else gets a plain 404, as if there were no such page.  The client's
address is ``REMOTE_ADDR`` (the peer of gunicorn), never ``X-Forwarded-For``,
which a caller writes itself: a scraper behind the same proxy as the public
uses ``METRICS_TOKEN`` instead.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import cache

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView


@cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def metrics_allowed(request) -> bool:
    """True for a request from ``METRICS_ALLOWED_IPS`` or with ``Bearer <METRICS_TOKEN>``."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


@never_cache
@require_GET
def metrics(request):
    """The Prometheus text exposition of this host's web and worker processes."""
    if not metrics_allowed(request):
        raise Http404
    return ExportToDjangoView(request)
