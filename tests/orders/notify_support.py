"""A minimal order for the notification tests, built directly with the ORM.

A click-and-collect order of two lines for a customer with e-mail, phone and
a language, collected at a store with weekly opening hours and one special
day.  Other order tests build orders through the services; the notification
tests only need the rows the messages read.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from orders.models import Order, OrderLine
from retail.models import Customer, OpeningHours, SpecialOpeningHours, Store
from tests.factories import ChannelFactory, CustomerFactory, ProductFactory, StoreFactory

# A Monday morning in Copenhagen.
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def collect_store(code: str = "DK-NOTIFY", **kwargs) -> Store:
    """A click-and-collect store with weekday and Saturday hours, closed on Sundays."""
    store = StoreFactory(code=code, name=kwargs.pop("name", "Strøget"), **kwargs)
    for weekday in range(5):
        OpeningHours.objects.get_or_create(
            store=store, weekday=weekday, opens_at=time(10), closes_at=time(18)
        )
    OpeningHours.objects.get_or_create(
        store=store, weekday=5, opens_at=time(10), closes_at=time(16)
    )
    # Wednesday 4 March: late shopping.
    SpecialOpeningHours.objects.get_or_create(
        store=store,
        date=date(2026, 3, 4),
        defaults={"opens_at": time(10), "closes_at": time(20), "note": "Late night"},
    )
    return store


def customer(language: str = "da", *, email: bool = True, phone: bool = True, **kwargs) -> Customer:
    n = next(_numbers)
    return CustomerFactory(
        first_name=kwargs.pop("first_name", "Mette"),
        email=f"notify{n}@example.dk" if email else "",
        phone=f"+45 20 00 {n:04d}"[:15] if phone else "",
        language=language,
        **kwargs,
    )


def make_order(
    *,
    language: str = "da",
    notify_email: bool = True,
    notify_sms: bool = True,
    customer_obj: Customer | None = None,
    store: Store | None = None,
    status: str = Order.Status.READY,
    at: datetime = AT,
) -> Order:
    """A ready click-and-collect order of two lines (DKK 349.00) with a pickup code."""
    store = store or collect_store()
    customer_obj = customer_obj or customer(language)
    n = next(_numbers)
    order = Order.objects.create(
        number=f"9{n:03d}-{n:04d}",
        channel=ChannelFactory(code="WEB-DK-NOTIFY", kind="webshop"),
        customer=customer_obj,
        fulfilment=Order.Fulfilment.CLICK_COLLECT,
        status=status,
        fulfil_location=store,
        collect_store=store,
        pickup_code=f"QR{n:04d}",
        currency="DKK",
        subtotal_amount=Decimal("349.00"),
        total_amount=Decimal("349.00"),
        language=language,
        notify_email=notify_email,
        notify_sms=notify_sms,
        placed_at=at - timedelta(days=1),
        ready_at=at,
        pickup_expires_at=at + timedelta(days=7),
    )
    for line_no, (name, qty, unit) in enumerate(
        [("Regnjakke", 1, Decimal("299.00")), ("Krus & kop", 2, Decimal("25.00"))], start=1
    ):
        product = ProductFactory(sku=f"NOTIFY-{line_no}", name=name)
        total = unit * qty
        OrderLine.objects.create(
            order=order,
            line_no=line_no,
            product=product,
            sku=product.sku,
            name=name,
            quantity=qty,
            unit_price_amount=unit,
            base_total_amount=total,
            total_amount=total,
            vat_rate=Decimal("25.00"),
            vat_amount=(total / 5).quantize(Decimal("0.01")),
        )
    return order


@contextmanager
def broker_down(settings):
    """Celery not eager and its broker on a port where nothing listens; restored afterwards."""
    from retail.celery import app

    previous_url, previous_eager = app.conf.broker_url, app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False  # the app read Django's settings once already

    def reset_pools():
        # The producer pool keeps its broker connection; drop it so the new URL is used
        # (what Celery itself does after a fork).
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous_url, previous_eager
        reset_pools()
