"""Orders' settings, read at call time (tests override them with the ``settings`` fixture).

Defaults (several from the environment) live in ``retail/settings.py``;
nothing else in the app reads them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings


def return_days() -> int:
    """Days after purchase within which a line can be returned (``ORDERS_RETURN_DAYS``)."""
    return settings.ORDERS_RETURN_DAYS


def sms_backend_path() -> str:
    """The dotted path of the SMS backend class (``ORDERS_SMS_BACKEND``)."""
    return settings.ORDERS_SMS_BACKEND


def sms_file_path() -> Path:
    """Where the file SMS backend writes (``ORDERS_SMS_FILE_PATH``, else ``var/sms.log``)."""
    path = settings.ORDERS_SMS_FILE_PATH
    return Path(path) if path else Path(settings.BASE_DIR) / "var" / "sms.log"


def notification_max_attempts() -> int:
    """Sends of a notification before it is given up (``ORDERS_NOTIFICATION_MAX_ATTEMPTS``)."""
    return settings.ORDERS_NOTIFICATION_MAX_ATTEMPTS


def notification_stale_after() -> timedelta:
    """How long a claimed notification may stay in *sending* before it is claimed again."""
    return timedelta(seconds=settings.ORDERS_NOTIFICATION_STALE_SECONDS)


def queue_refresh_seconds() -> int:
    """How often the work queue page asks for new orders (``ORDERS_QUEUE_REFRESH_SECONDS``)."""
    return max(int(settings.ORDERS_QUEUE_REFRESH_SECONDS), 1)


def substitute_price_rule() -> str:
    """The shop's rule for a substitute's price difference (``ORDERS_SUBSTITUTE_PRICE_RULE``).

    ``refund_cheaper`` (default): a dearer substitute at the ordered price, a
    cheaper one refunds the difference; ``keep_price``: the ordered price
    either way.  An unknown value is the default.
    """
    rule = settings.ORDERS_SUBSTITUTE_PRICE_RULE
    return rule if rule in ("keep_price", "refund_cheaper") else "refund_cheaper"
