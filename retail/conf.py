"""Retail's own app settings, read at call time (defaults in ``retail/settings.py``)."""

from django.conf import settings


def admin_time_zone() -> str:
    """The time zone HQ reads and types admin times in (``RETAIL_ADMIN_TIME_ZONE``)."""
    return settings.RETAIL_ADMIN_TIME_ZONE
