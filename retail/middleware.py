"""Admin pages in the market's local time.

A store-scoped staff member reads and types admin times in their store's
time zone (the first of their stores, by code); HQ in
``RETAIL_ADMIN_TIME_ZONE`` (default Europe/Copenhagen).  With the zone
activated, Django shows aware datetimes in it and reads the naive datetimes
of admin forms in it (a campaign from 24.12.2026 00:00 in Copenhagen is
stored as 23.12.2026 23:00 UTC).  Everything is still stored in UTC.
"""

import zoneinfo

from django.utils import timezone

from retail import conf
from retail.selectors import staff_profile_for

ADMIN_PREFIX = "/admin/"


def staff_time_zone(user) -> zoneinfo.ZoneInfo:
    """The zone ``user``'s admin pages use: their store's, else the HQ admin zone."""
    profile = staff_profile_for(user)
    if profile is not None:
        store = profile.stores.order_by("code").only("time_zone").first()
        if store is not None and store.time_zone:
            return zoneinfo.ZoneInfo(store.time_zone)
    return zoneinfo.ZoneInfo(conf.admin_time_zone())


class AdminTimeZoneMiddleware:
    """Activate the staff member's market time zone for ``/admin/`` requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(ADMIN_PREFIX) or user is None or not user.is_authenticated:
            return self.get_response(request)
        timezone.activate(staff_time_zone(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
