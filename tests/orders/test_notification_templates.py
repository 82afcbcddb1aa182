"""Notification templates: every kind in every language, localized money, dates and hours."""

from __future__ import annotations

import pytest

from orders.models import Notification
from orders.notifications.render import notification_render
from orders.services.notify import notification_queue
from tests.orders.notify_support import AT, make_order

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "da", "sv", "nb")


@pytest.fixture
def strict_templates(settings):
    """Render a missing variable as ``{{MISSING name}}`` so the leftover check catches it."""
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {**engine["OPTIONS"], "string_if_invalid": "{{MISSING %s}}"}
    settings.TEMPLATES = [engine]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", Notification.Kind.values)
def test_notification_render_every_kind_and_language(strict_templates, kind, language):
    order = make_order(language=language)
    context = {"amount": "50.00", "lines": [{"name": "Regnjakke", "quantity": 1}]}
    if kind == Notification.Kind.SHIPPED:
        context |= {
            "carrier": "PostNord",
            "tracking_number": "TR123",
            "tracking_url": "https://t.example/TR123",
        }
    row = notification_queue(order=order, kind=kind, at=AT, context=context)[0]

    message = notification_render(notification=row, at=AT)

    for text in (message.subject, message.text, message.html, message.sms):
        assert text.strip()
        assert "{{" not in text
        assert "{%" not in text
        assert "MISSING" not in text
    assert order.number in message.subject
    assert order.number in message.sms
    assert f'<html lang="{language}">' in message.html
    if kind in ("ready", "reminder"):
        assert order.pickup_code in message.text
        assert order.pickup_code in message.sms
        assert message.qr_png is not None
    else:
        assert message.qr_png is None


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Your order {} is ready for pickup"),
        ("da", "Din ordre {} er klar til afhentning"),
        ("sv", "Din beställning {} är redo att hämtas"),
        ("nb", "Bestillingen din {} er klar til henting"),
    ],
)
def test_notification_render_ready_subject_in_the_customers_language(language, subject):
    order = make_order(language=language)
    row = notification_queue(order=order, kind="ready", at=AT)[0]

    assert notification_render(notification=row, at=AT).subject == subject.format(order.number)


def test_notification_render_shows_store_hours_for_a_week_in_local_time():
    order = make_order(language="da")
    row = notification_queue(order=order, kind="ready", at=AT)[0]

    text = notification_render(notification=row, at=AT).text

    assert "Åbningstider:" in text
    assert "Mandag 2. marts: 10:00\N{EN DASH}18:00" in text
    assert "Onsdag 4. marts: 10:00\N{EN DASH}20:00 (Late night)" in text
    assert "Lørdag 7. marts: 10:00\N{EN DASH}16:00" in text
    assert "Søndag 8. marts: lukket" in text
    assert "Mandag 9. marts" not in text
    assert "Hent din ordre senest 9. marts 2026." in text


def test_notification_render_formats_money_for_the_language():
    order = make_order(language="da")
    row = notification_queue(
        order=order, kind="refund_issued", at=AT, context={"amount": "1234.5"}
    )[0]

    message = notification_render(notification=row, at=AT)

    assert "Vi har tilbagebetalt 1.234,50\N{NO-BREAK SPACE}DKK" in message.text
    assert "1.234,50\N{NO-BREAK SPACE}DKK" in message.sms


def test_notification_render_escapes_html_but_not_text():
    order = make_order(language="en")
    row = notification_queue(order=order, kind="order_confirmed", at=AT)[0]

    message = notification_render(notification=row, at=AT)

    assert "2 \N{MULTIPLICATION SIGN} Krus & kop: 50.00\N{NO-BREAK SPACE}DKK" in message.text
    assert "Krus &amp; kop" in message.html
    assert "Total: 349.00\N{NO-BREAK SPACE}DKK" in message.text
