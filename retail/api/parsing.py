"""Parse a request's body or query with a serializer that knows the request."""

from __future__ import annotations


def parse_input(serializer_class, data, *, request, time_zone=None) -> dict:
    """Validate ``data`` with ``serializer_class``; its context holds the ``request``.

    The request lets fields resolve what depends on the caller (the local time
    zone of ``LocalDateTimeField``, the channel's currency); ``time_zone``
    overrides the zone when the view knows the store (a reservation's).
    Raises DRF's ``ValidationError``, rendered in the one error shape.
    """
    context = {"request": request, "time_zone": time_zone}
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
