"""Retail's own app settings, read at call time (defaults in ``retail/settings.py``)."""

from django.conf import settings


def admin_time_zone() -> str:
    """The time zone HQ reads and types admin times in (``RETAIL_ADMIN_TIME_ZONE``)."""
    return settings.RETAIL_ADMIN_TIME_ZONE


def read_replica() -> str:
    """The alias of the replica for lag-tolerant reads, "" for none (``RETAIL_READ_REPLICA``)."""
    return settings.RETAIL_READ_REPLICA


def replica_pin_seconds() -> int:
    """Seconds a caller reads on the primary after a write (``RETAIL_REPLICA_PIN_SECONDS``)."""
    return settings.RETAIL_REPLICA_PIN_SECONDS
