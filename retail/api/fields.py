"""Serializer fields shared by every app's API.

``LocalDateTimeField`` is how the API reads a moment: an ISO 8601 datetime
with an offset (``Z``, ``+01:00``) means exactly that instant; one without an
offset is a wall-clock time in the call's local zone (``call_time_zone``):

1. the store the call is scoped to: a POS/handheld key's own store, else the
   store the request names (``store`` or the field given as ``store_field``);
2. else the market of the call's channel (the key's, or the one signed-in
   staff name), by ``MARKET_TIME_ZONES``;
3. else ``TIME_ZONE`` (UTC).

A time that occurs twice (when the clocks go back) is the first of the two;
one that never occurs (when they go forward) is refused on its field.

So a Danish till asking for ``2026-12-24T00:30:00`` means half past midnight
in Copenhagen, as its clock shows, not in UTC.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from retail.api.auth import request_client
from retail.models import Channel, Currency, Store

LOCAL_TIME_HELP = _(
    "ISO 8601. With an offset (Z, +01:00) it is that instant; without one it is local "
    "time: the store's zone when the call is for a store (a store key's own, or the "
    "store named), else the zone of the channel's market; a local time skipped by a "
    "daylight-saving change is refused."
)


def local_time_help(text) -> str:
    """``text`` followed by how a time without an offset is read (for ``help_text``)."""
    return format_lazy("{} {}", text, LOCAL_TIME_HELP)


def market_time_zone(country: str) -> zoneinfo.ZoneInfo:
    """The zone of a market (country code) by ``MARKET_TIME_ZONES``, else ``TIME_ZONE``."""
    return zoneinfo.ZoneInfo(settings.MARKET_TIME_ZONES.get(str(country), settings.TIME_ZONE))


def call_time_zone(request, *, store_code: str = "", channel_code: str = "") -> zoneinfo.ZoneInfo:
    """The local zone of a call: its store's, else its channel's market's, else ``TIME_ZONE``.

    ``store_code`` and ``channel_code`` are what the request names; a code of
    no active store or channel is passed over here (its own field refuses it).
    At most one query.
    """
    client = request_client(request) if request is not None else None
    if client is not None and client.store_id is not None:
        return client.store.tz
    if store_code and isinstance(store_code, str):
        zone = (
            Store.objects.filter(code=store_code, is_active=True)
            .values_list("time_zone", flat=True)
            .first()
        )
        if zone:
            return zoneinfo.ZoneInfo(zone)
    if client is not None:
        return market_time_zone(client.channel.country)
    if channel_code and isinstance(channel_code, str):
        country = (
            Channel.objects.filter(code=channel_code, is_active=True)
            .values_list("country", flat=True)
            .first()
        )
        if country:
            return market_time_zone(country)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class LocalDateTimeField(serializers.DateTimeField):
    """A datetime; one without an offset is read in the call's local zone (module docstring).

    The zone comes from the serializer context: ``time_zone`` if the view
    knows it, else ``call_time_zone`` of the context's ``request`` and the
    store and channel codes in the same input (``store_field``,
    ``channel_field``).  The value is returned in UTC.
    """

    def __init__(self, *, store_field: str = "store", channel_field: str = "channel", **kwargs):
        kwargs.setdefault("help_text", LOCAL_TIME_HELP)
        self.store_field = store_field
        self.channel_field = channel_field
        super().__init__(**kwargs)

    def _local_zone(self) -> zoneinfo.ZoneInfo:
        context = self.context
        if context.get("time_zone") is not None:
            return context["time_zone"]
        data = getattr(self.parent, "initial_data", None) or {}
        get = getattr(data, "get", None)
        return call_time_zone(
            context.get("request"),
            store_code=get(self.store_field, "") if get else "",
            channel_code=get(self.channel_field, "") if get else "",
        )

    def enforce_timezone(self, value):
        if timezone.is_aware(value):
            return super().enforce_timezone(value)
        zone = self._local_zone()
        instant = value.replace(tzinfo=zone).astimezone(datetime.UTC)
        # A wall-clock time skipped when the clocks go forward does not come back.
        if instant.astimezone(zone).replace(tzinfo=None) != value:
            self.fail("make_aware", timezone=zone)
        return instant


class ChannelCurrencyField(serializers.ChoiceField):
    """A currency code that must be the caller's channel's (any known one for signed-in staff).

    An API key's channel fixes the currency of its answers, so a different code
    contradicts the call: 400 ``currency_mismatch`` on this field, never
    ignored.  An unknown code is 400 ``invalid_choice``.
    """

    default_error_messages = {
        "currency_mismatch": _("This channel sells in %(currency)s; give that or leave it out."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("ISO 4217 code; an API key's channel's own currency (signed-in staff: any)."),
        )
        super().__init__(choices=Currency.choices, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        request = self.context.get("request")
        client = request_client(request) if request is not None else None
        if value and client is not None and value != client.channel.currency:
            self.fail("currency_mismatch", currency=client.channel.currency)
        return value


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$",
        "example": "10:00:00",
        "description": "Wall-clock time (HH:MM:SS) in the store's `time_zone`; no offset.",
    }
)
class WallClockTimeField(serializers.TimeField):
    """A local time of day such as opening hours: no offset, read in the store's zone."""
