"""Reads of orders: an order with everything shown about it, a customer's history, refunds due.

The store's work queue and pick lists are in ``orders.queue``.

Every selector returns a queryset whose related rows are fetched with a
fixed number of queries (``select_related`` and ``prefetch_related``), so a
page of 50 orders costs the same handful of queries as a page of one.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from orders.models import Order, OrderLine, Refund, Return, ReturnLine
from retail.models import Customer


def _with_details(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related(
        "channel", "customer", "fulfil_location", "collect_store"
    ).prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related("substitute_for").order_by("line_no"),
        ),
        "tenders",
        Prefetch(
            "returns",
            queryset=Return.objects.select_related("store", "exchange_order").prefetch_related(
                Prefetch(
                    "lines",
                    queryset=ReturnLine.objects.select_related("order_line").order_by("pk"),
                )
            ),
        ),
        Prefetch("refunds", queryset=Refund.objects.select_related("tender").order_by("pk")),
    )


def order_details(queryset: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Return ``queryset`` (default: every order) with lines, tenders, returns and refunds.

    Seven queries for any number of orders.
    """
    return _with_details(queryset if queryset is not None else Order.objects.all())


def purchase_history(*, customer: Customer) -> QuerySet[Order]:
    """Return every order and POS receipt of ``customer`` from every channel, newest first.

    With lines, tenders, returns and refunds prefetched: a constant number of
    queries whatever the number of purchases (page it with ``[:n]``).
    """
    return _with_details(Order.objects.filter(customer=customer).order_by("-placed_at", "-pk"))


def refund_store_filter(store) -> Q:
    """The refunds that belong to ``store``: those it has to pay out at its till.

    A refund of a return belongs to the store the goods were brought back
    to (``Return.store``; a return by post belongs to no store).  Any other
    refund (short pick, cancellation, expiry) belongs to the store where the
    order is collected or the receipt was rung up (``Order.collect_store``),
    the store whose till took the payment.
    """
    return Q(return_record__store=store) | Q(return_record__isnull=True, order__collect_store=store)


def refunds_pending(*, channel=None, store=None, provider: str = "") -> QuerySet[Refund]:
    """Return refund instructions still waiting for the payment provider, oldest first.

    ``channel`` keeps those of that channel's orders; ``store`` those that
    belong to that store (``refund_store_filter``); ``provider`` those of
    external payments taken by that provider.
    """
    queryset = Refund.objects.filter(status=Refund.Status.PENDING)
    if channel is not None:
        queryset = queryset.filter(order__channel=channel)
    if store is not None:
        queryset = queryset.filter(refund_store_filter(store))
    if provider:
        queryset = queryset.filter(tender__external_provider=provider)
    return queryset.select_related("order", "tender").order_by("created_at", "pk")


def refund_for_client(*, refund_id: int, channel, store=None) -> Refund | None:
    """Return refund ``refund_id`` of ``channel``'s orders (and ``store``'s), else None."""
    queryset = Refund.objects.filter(pk=refund_id, order__channel=channel)
    if store is not None:
        queryset = queryset.filter(refund_store_filter(store))
    return queryset.first()
