"""SMS backends: one small interface, a console and a file backend for development.

Plugging in a provider
----------------------
Write a class with a ``send(*, to, text)`` method (subclass
:class:`BaseSmsBackend`), put it in a module of your own, for example
``orders/notifications/sms_linkmobility.py``, and point the setting at it::

    ORDERS_SMS_BACKEND=orders.notifications.sms_linkmobility.LinkMobilitySmsBackend

A sketch for Twilio (``pip install twilio``; credentials from the environment)::

    class TwilioSmsBackend(BaseSmsBackend):
        def __init__(self):
            from twilio.rest import Client

            self.client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
            self.sender = os.environ["TWILIO_FROM"]

        def send(self, *, to: str, text: str) -> None:
            self.client.messages.create(to=to, from_=self.sender, body=text)

Rules for a backend:

- Raise an exception when the provider did not accept the message (HTTP error,
  timeout, rejected number).  The sender then puts the outbox row back to
  *pending* with the error text and retries it later, up to
  ``ORDERS_NOTIFICATION_MAX_ATTEMPTS`` times.
- Return normally only when the provider has taken the message; the row is
  then marked *sent* and never sent again.
- Use a timeout on every network call: a row stuck in *sending* is retried
  only after the stale limit (``ORDERS_NOTIFICATION_STALE_SECONDS``).
- ``to`` is an E.164 number (``+4512345678``); ``text`` is plain text.
"""

from __future__ import annotations

import json
import logging
import sys

from django.utils import timezone
from django.utils.module_loading import import_string

from orders import conf

logger = logging.getLogger(__name__)


class BaseSmsBackend:
    """Send one text message; raise when the provider did not take it."""

    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Print the message and log it (development default)."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)
        sys.stdout.write(f"--- SMS to {to} ---\n{text}\n")
        sys.stdout.flush()


class FileSmsBackend(BaseSmsBackend):
    """Append each message as one JSON line to ``ORDERS_SMS_FILE_PATH`` (development, tests)."""

    def send(self, *, to: str, text: str) -> None:
        path = conf.sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": to, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        # One write of one line in append mode: concurrent writers do not interleave.
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def get_sms_backend() -> BaseSmsBackend:
    """Return an instance of the class named by ``settings.ORDERS_SMS_BACKEND``."""
    return import_string(conf.sms_backend_path())()
