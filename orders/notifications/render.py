"""Turn one outbox row into a subject, a text and HTML body and an SMS text, in its language.

The context is built by re-reading the order when the row is sent, so the
message shows the order as it is then (lines, pickup code, store hours),
plus what only the event knew, from the row's ``context``:

- ``refund_issued``, ``short_picked``, ``expired``: ``amount`` (decimal
  string) and optionally ``currency`` of the money given back;
- ``short_picked``: ``lines``, a list of ``{"name", "quantity"}`` that could
  not be picked (default: the order's removed lines), and ``substitute``, the
  name of the product put in their place (``amount`` is then the difference
  refunded for a cheaper one);
- ``shipped``: ``carrier``, ``tracking_number``, ``tracking_url`` (optional).

Every kind gets ``figures`` (``orders.selectors_figures.order_figures``,
formatted): ordered, removed, substituted, refunded by tender and paid for
what is collected; ``total`` is that paid total.

Templates live in ``templates/orders/notifications/<kind>/<lang>/`` as
``subject.txt``, ``body.txt``, ``body.html`` and ``sms.txt``; parts shared by
the kinds (lines, opening hours) in ``templates/orders/notifications/_parts/<lang>/``.
Numbers, dates and times are formatted for the language, times in the
collecting store's time zone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import segno
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import capfirst

from orders.models import Notification, Order, OrderLine
from orders.selectors_figures import OrderFigures, order_figures
from retail.money import quantize
from retail.selectors import store_hours_on

LANGUAGES = ("en", "da", "sv", "nb")
# Kinds that carry the pickup code, its QR code and the store's opening hours.
PICKUP_KINDS = (Notification.Kind.READY, Notification.Kind.REMINDER)
HOURS_DAYS = 7
QR_CONTENT_ID = "pickup-qr"


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    text: str
    html: str
    sms: str
    qr_png: bytes | None = None


def notification_language(code: str) -> str:
    """Return one of our template languages for a stored language code (``nb-NO`` -> ``nb``)."""
    code = (code or "").lower().replace("_", "-")
    base = code.split("-")[0]
    if base in ("no", "nn"):
        base = "nb"
    return base if base in LANGUAGES else "en"


def money_format(amount, currency: str) -> str:
    """Format an amount like ``1.234,50 DKK`` for the active language."""
    value = quantize(Decimal(amount), currency)
    number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}\N{NO-BREAK SPACE}{currency}"


def _date(value: datetime, tz) -> str:
    local = timezone.localtime(value, tz)
    return formats.date_format(local, "DATE_FORMAT")


def _time(value) -> str:
    return formats.time_format(value, "TIME_FORMAT")


def _opening_hours(store, at: datetime) -> list[dict]:
    start = timezone.localtime(at, store.tz).date()
    days = []
    for offset in range(HOURS_DAYS):
        day = start + timedelta(days=offset)
        hours = store_hours_on(store=store, day=day)
        spans = ", ".join(f"{_time(a)}\N{EN DASH}{_time(b)}" for a, b in hours.spans)
        label = (
            capfirst(formats.date_format(day, "l"))
            + " "
            + formats.date_format(day, "MONTH_DAY_FORMAT")
        )
        days.append(
            {"label": label, "is_closed": hours.is_closed, "hours": spans, "note": hours.note}
        )
    return days


def _store(store) -> dict | None:
    if store is None:
        return None
    return {
        "name": store.name,
        "street": store.street,
        "postal_code": store.postal_code,
        "city": store.city,
        "phone": str(store.phone) if store.phone else "",
        "email": store.email,
    }


def _line(line: OrderLine, currency: str) -> dict:
    return {
        "name": line.name,
        "quantity": line.quantity,
        # What the customer pays for it: a cheaper substitute's refund is off.
        "total": money_format(line.total_amount - line.refunded_amount, currency),
    }


def _figures(figures: OrderFigures) -> dict:
    """The order's figures formatted for the message (``orders.selectors_figures``)."""
    currency = figures.currency

    def money(amount) -> str:
        return money_format(amount, currency)

    return {
        "changed": figures.changed,
        "ordered_total": money(figures.ordered_total),
        "removed": [
            {"name": x.name, "quantity": x.quantity, "amount": money(x.amount)}
            for x in figures.removed
        ],
        "substituted": [
            {
                "quantity": x.quantity,
                "from_name": x.from_name,
                "to_name": x.to_name,
                "refunded": money(x.refunded) if x.refunded else "",
            }
            for x in figures.substituted
        ],
        "refunded_total": money(figures.refunded_total) if figures.refunded_total else "",
        "refunds": [{"kind": x.kind_display, "amount": money(x.amount)} for x in figures.refunds],
        "paid_total": money(figures.paid_total),
        "vat_total": money(figures.vat_total),
    }


def _event_amount(context: dict, order: Order, kind: str) -> str:
    raw = context.get("amount") or context.get("refund_amount")
    if raw in (None, ""):
        if kind != Notification.Kind.REFUND_ISSUED:
            return ""
        # No amount from the event: everything refunded on the order so far.
        total = sum((r.amount for r in order.refunds.all()), Decimal(0))
        return money_format(total, order.currency) if total else ""
    try:
        return money_format(Decimal(str(raw)), context.get("currency") or order.currency)
    except (InvalidOperation, ValueError):
        return ""


def notification_context(*, notification: Notification, at: datetime) -> dict:
    """Return the template context for ``notification``, reading the order as it is now."""
    order = (
        Order.objects.select_related("customer", "collect_store", "fulfil_location")
        .prefetch_related("lines", "refunds")
        .get(pk=notification.order_id)
    )
    event = notification.context or {}
    store = order.collect_store if order.is_collect else None
    tz = (store or order.fulfil_location).tz
    # A removed line is not coming; a substituted one is replaced by its substitute line.
    gone = (OrderLine.Status.REMOVED, OrderLine.Status.SUBSTITUTED)
    lines = [ln for ln in order.lines.all() if ln.status not in gone]
    missing = event.get("lines")
    if not isinstance(missing, list) or not missing:
        missing = [
            {"name": ln.name, "quantity": ln.quantity}
            for ln in order.lines.all()
            if ln.status == OrderLine.Status.REMOVED
        ]
    customer = order.customer
    pickup = notification.kind in PICKUP_KINDS
    figures = order_figures(order)
    return {
        "kind": notification.kind,
        "lang": notification_language(notification.language),
        "first_name": (customer.first_name if customer else "") or "",
        "order_number": order.number,
        "is_collect": order.is_collect,
        "lines": [_line(ln, order.currency) for ln in lines],
        "missing_lines": [
            {"name": str(m.get("name", "")), "quantity": m.get("quantity", 1)} for m in missing
        ],
        # What the customer pays for what they collect (the ordered total less refunds).
        "total": money_format(figures.paid_total, order.currency),
        "figures": _figures(figures),
        "pickup_code": order.pickup_code,
        "show_qr": pickup and bool(order.pickup_code),
        "qr_cid": QR_CONTENT_ID,
        "store": _store(store),
        "opening_hours": _opening_hours(store, at) if (store and pickup) else [],
        "pickup_expires": _date(order.pickup_expires_at, tz) if order.pickup_expires_at else "",
        "promised": _date(order.promised_at, tz) if order.promised_at else "",
        "amount": _event_amount(event, order, notification.kind),
        "substitute": str(event.get("substitute", "") or ""),
        "carrier": str(event.get("carrier", "")),
        "tracking_number": str(event.get("tracking_number", "")),
        "tracking_url": str(event.get("tracking_url", "")),
    }


def pickup_qr_png(code: str) -> bytes:
    """Return a PNG of a QR code holding the pickup code (scanned at the counter)."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _render_text(name: str, context: dict) -> str:
    # Plain text is not HTML: no autoescaping, so "&" in a name stays "&".
    template = engines["django"].engine.get_template(name)
    text = template.render(Context(context, autoescape=False))
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text)


def _one_line(text: str) -> str:
    # Collapse template line breaks, keeping the no-break space between amount and currency.
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def notification_render(*, notification: Notification, at: datetime | None = None):
    """Render ``notification`` in its language; raises ``TemplateDoesNotExist`` for a bad kind."""
    at = at or timezone.now()
    lang = notification_language(notification.language)
    base = f"orders/notifications/{notification.kind}/{lang}"
    with translation.override(lang):
        context = notification_context(notification=notification, at=at)
        subject = _one_line(_render_text(f"{base}/subject.txt", context))
        text = _render_text(f"{base}/body.txt", context) + "\n"
        html = render_to_string(f"{base}/body.html", context)
        sms = _one_line(_render_text(f"{base}/sms.txt", context))
    qr = pickup_qr_png(context["pickup_code"]) if context["show_qr"] else None
    return RenderedNotification(subject=subject, text=text, html=html, sms=sms, qr_png=qr)
