"""Orders API for channels: place, read, cancel, purchase history, refund instructions.

Thin views: parse, resolve who calls (``orders.api.scope``), call one
service or selector, render.  Every error is a domain error (or a DRF
validation error) rendered as ``{"code", "message", "fields"?, "extra"?}``
by the core handler.  Placing needs an ``Idempotency-Key``.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.api.pins import PinsFirstMixin
from loyalty.api.throttling import failed_lookup_guard
from orders.api import requests as r
from orders.api import serializers as s
from orders.api.errors import RefundNotFoundError
from orders.api.scope import order_get, own_channel_order, visible_orders
from orders.models import Order, Refund
from orders.selectors import (
    order_details,
    purchase_history,
    refund_for_client,
    refunds_pending,
)
from orders.services.backoffice import refund_instruction_done
from orders.services.fulfilment import order_cancel
from orders.services.place import order_place
from orders.services.tenders import TenderRequest
from retail.api.auth import request_client
from retail.api.idempotency import IdempotentMixin
from retail.api.parsing import parse_input
from retail.api.permissions import IsApiClientOrHQReader
from retail.api.schema import ERROR
from retail.api.scope import (
    api_client,
    call_channel,
    customer_get,
    customer_readable,
    store_get,
)
from retail.db_router import replica_reads

ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 422: ERROR}
COLLECT = (Order.Fulfilment.CLICK_COLLECT, Order.Fulfilment.COLLECT_OTHER)


def parse(serializer_class, data, request) -> dict:
    return parse_input(serializer_class, data, request=request)


def order_body(order: Order, serializer_class=s.OrderSerializer) -> dict:
    """The order as the API shows it, re-read with its details (seven queries)."""
    return serializer_class(order_details().get(pk=order.pk)).data


def tender_requests(tenders: list[dict]) -> list[TenderRequest]:
    return [
        TenderRequest(
            kind=t["kind"],
            amount=t.get("amount"),
            code=t.get("code") or "",
            pin=t.get("pin") or None,
            points=t.get("points"),
            external_reference=t.get("external_reference") or "",
            provider=t.get("provider") or "",
        )
        for t in tenders
    ]


def basket_lines(lines: list[dict]) -> list[tuple[str, object]]:
    return [(line.get("sku") or line["gtin"], line["quantity"]) for line in lines]


class OrderPlaceView(PinsFirstMixin, APIView):
    """Place an order: priced, coupons redeemed, stock reserved, tenders held, all or nothing."""

    permission_classes = [IsApiClientOrHQReader]
    pin_list_field = "tenders"  # wrong PINs are counted before the order's transaction

    @extend_schema(
        operation_id="orders_place",
        request=r.OrderPlaceSerializer,
        responses={201: s.OrderSerializer, **ERRORS, 423: ERROR, 429: ERROR},
        description=(
            "Needs an `Idempotency-Key` header: a retry returns the first answer. Lines by `sku` "
            "or `gtin`. Fulfilment `click_collect` at `collect_store` (a store key defaults to "
            "its own store), `collect_other` (collect at `collect_store`, sourced from "
            "`source_store`), `ship_from_store` (from `source_store`, to `shipping_address`) or "
            "`home_delivery` (from the channel's warehouse). Tenders pay in this order: points, "
            "vouchers, credit notes, gift cards, then one `external` tender (its `amount` may be "
            "left out: it pays the rest). When `expected_total` is not today's total the answer "
            "is `price_changed` (409) with the new priced basket in `extra.basket`. Errors name "
            "the field (`lines.<i>.sku`, `tenders.<i>.pin`, `collect_store`, ...); any error "
            "leaves no order, reservation, hold or coupon use behind."
        ),
    )
    def post(self, request):
        data = parse(r.OrderPlaceSerializer, request.data, request)
        client = api_client(request)
        customer = customer_get(data["customer"])
        collect = store_get(data.get("collect_store", ""), field="collect_store")
        if collect is None and client.store is not None and data["fulfilment"] in COLLECT:
            collect = client.store
        with failed_lookup_guard(request):  # wrong gift card codes count here too
            order = order_place(
                channel=client.channel,
                customer=customer,
                lines=basket_lines(data["lines"]),
                fulfilment=data["fulfilment"],
                tenders=tender_requests(data["tenders"]),
                collect_store=collect,
                source_store=store_get(data.get("source_store", ""), field="source_store"),
                shipping_address=data.get("shipping_address") or None,
                coupon_codes=data.get("coupons", ()),
                expected_total=data.get("expected_total"),
                notify_email=data["notify_email"],
                notify_sms=data["notify_sms"],
                language=data.get("language"),
                promised_at=data.get("promised_at"),
                at=timezone.now(),
            )
        return Response(order_body(order), status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    """One order or receipt, if the caller may see it."""

    permission_classes = [IsApiClientOrHQReader]

    @extend_schema(
        operation_id="orders_detail",
        parameters=[r.OrderQuerySerializer],
        responses={200: s.OrderSerializer, **ERRORS},
        description=(
            "A channel key sees its channel's orders; a store key (POS, handheld) the orders its "
            "store fulfils or collects and its receipts, of any channel. Naming the order's "
            "customer (`?customer=<public id>`) lets any key read an order of another channel "
            "or store, for a return at any store; its pickup code and delivery address are then "
            "left blank, as in the customer's history. Anything else is `order_not_found` (404)."
        ),
    )
    def get(self, request, number: str):
        params = parse(r.OrderQuerySerializer, request.query_params, request)
        customer_id = params.get("customer")
        order = order_get(order_details(visible_orders(request, customer_id=customer_id)), number)
        body = s.OrderSerializer(order).data
        if customer_id is not None and not visible_orders(request).filter(pk=order.pk).exists():
            # Seen only through the customer: no more than their history shows.
            body["pickup_code"], body["shipping_address"] = "", {}
        return Response(body)


class OrderCancelView(IdempotentMixin, APIView):
    """Cancel an open order of the caller's channel."""

    permission_classes = [IsApiClientOrHQReader]
    idempotency_required = False

    @extend_schema(
        operation_id="orders_cancel",
        request=r.CancelSerializer,
        responses={200: s.OrderSerializer, **ERRORS},
        description=(
            "Releases the reservations, holds and coupon uses and refunds what was taken. Only "
            "the channel's own open orders (`invalid_order_state`, 409, once picked up, shipped "
            "or closed). An `Idempotency-Key` is accepted."
        ),
    )
    def post(self, request, number: str):
        data = parse(r.CancelSerializer, request.data, request)
        order = own_channel_order(request, number)
        order = order_cancel(order=order, reason=data.get("reason", ""), at=timezone.now())
        return Response(order_body(order))


class PurchaseHistoryView(generics.GenericAPIView):
    """A customer's purchases from every channel: orders and POS receipts, newest first."""

    permission_classes = [IsApiClientOrHQReader]
    serializer_class = s.HistoryOrderSerializer
    filter_backends = []

    @extend_schema(
        operation_id="orders_history",
        parameters=[r.HistoryQuerySerializer],
        responses={200: s.HistoryOrderSerializer(many=True), **ERRORS},
        description=(
            "The same history in every channel: each order and receipt with its lines, tenders, "
            "returns and refunds, newest first, paged. A key of the customer's market may read "
            "it, by the customer's public id only (which a channel learns from a customer lookup "
            "or sign-up): a webshop or app its signed-in customer, a till the customer at the "
            "counter; a customer of another market is `customer_not_found` (404). Pickup codes "
            "and delivery addresses are left out. The number of queries does not grow with the "
            "number of purchases."
        ),
    )
    @replica_reads()
    def get(self, request):
        params = parse(r.HistoryQuerySerializer, request.query_params, request)
        customer = customer_readable(request, customer_get(params["customer"]))
        page = self.paginate_queryset(purchase_history(customer=customer))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PendingRefundsView(generics.GenericAPIView):
    """Refunds the payment provider still has to pay out (external payments)."""

    permission_classes = [IsApiClientOrHQReader]
    serializer_class = s.OrderRefundSerializer
    filter_backends = []

    @extend_schema(
        operation_id="orders_refunds_pending",
        parameters=[r.PendingRefundsQuerySerializer],
        responses={200: s.OrderRefundSerializer(many=True), **ERRORS},
        description=(
            "Oldest first, paged. A key sees those of its channel's orders; a store key (POS) "
            "only those that belong to its store: a refund of a return belongs to the store the "
            "goods were brought back to, any other refund (short pick, cancellation, expiry) to "
            "the store where the order is collected or the receipt was rung up, the till that "
            "took the payment. `provider` keeps those of payments taken by that provider. Report "
            "each as paid with `POST /api/v1/orders/refunds/{id}/done/`."
        ),
    )
    def get(self, request):
        params = parse(r.PendingRefundsQuerySerializer, request.query_params, request)
        client = request_client(request)
        queryset = refunds_pending(
            channel=call_channel(request),
            store=client.store if client is not None else None,
            provider=params.get("provider", ""),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RefundDoneView(IdempotentMixin, APIView):
    """The payment provider has paid a refund out."""

    permission_classes = [IsApiClientOrHQReader]
    idempotency_required = False

    @extend_schema(
        operation_id="orders_refund_done",
        request=r.RefundDoneSerializer,
        responses={200: s.OrderRefundSerializer, **ERRORS},
        description=(
            "Marks the refund instruction done, keeping the provider's reference in the order's "
            "history. Done already: answered as it is. Only refunds of the key's channel's "
            "orders, and for a store key only those that belong to its store (as in the pending "
            "list); anything else is `refund_not_found` (404)."
        ),
    )
    def post(self, request, refund_id: int):
        data = parse(r.RefundDoneSerializer, request.data, request)
        client = api_client(request)
        refund = refund_for_client(refund_id=refund_id, channel=client.channel, store=client.store)
        if refund is None:
            raise RefundNotFoundError(extra={"id": refund_id})
        refund = refund_instruction_done(
            refund=refund, provider_reference=data["provider_reference"], at=timezone.now()
        )
        refund = Refund.objects.select_related("order", "tender").get(pk=refund.pk)
        return Response(s.OrderRefundSerializer(refund).data)
