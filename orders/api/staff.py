"""Store staff's steps through the API (POS, handheld): queue, pick, ready, ship, hand over.

Only keys bound to a store (``store_key_required``, 403, otherwise), and
only on orders that store fulfils or collects: another store's order is
``order_not_found`` (404), as if it did not exist.  Each step accepts an
``Idempotency-Key``; without one, a repeated step is ``invalid_order_state``.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.api import requests as r
from orders.api import serializers as s
from orders.api.errors import LineNotFoundError
from orders.api.scope import store_order
from orders.api.views import ERRORS, order_body, parse
from orders.models import Order, OrderLine
from orders.queue import work_queue
from orders.services.fulfilment import (
    order_hand_over,
    order_line_pick,
    order_line_short_pick,
    order_pick_start,
    order_ready,
    order_ship,
    order_transfer_receive,
)
from retail.api.idempotency import IdempotentMixin
from retail.api.permissions import IsApiClientOrHQReader
from retail.api.scope import key_store
from retail.api.throttling import ApiClientRateThrottle, GuessableIdentifierThrottle
from retail.errors import InvalidGtinError, UnknownProductError
from retail.gtin import gtin14
from retail.models import Product, ProductGtin

STAFF = "Store keys only, on their own store's orders (another store's: `order_not_found`)."


def _line(order: Order, line_no: int) -> OrderLine:
    line = order.lines.filter(line_no=line_no).first()
    if line is None:
        raise LineNotFoundError(extra={"number": order.number, "line_no": line_no})
    return line


def _product(value: str, *, field: str) -> Product:
    """The product with this SKU, or with this GTIN as scanned."""
    product = Product.objects.filter(sku=value).first()
    if product is None and value.isdigit():
        try:
            gtin = ProductGtin.objects.filter(gtin14=gtin14(value)).select_related("product")
            product = next((g.product for g in gtin[:1]), None)
        except InvalidGtinError:
            product = None
    if product is None:
        raise UnknownProductError(field=field, extra={"sku": value})
    return product


class StaffActionView(IdempotentMixin, APIView):
    permission_classes = [IsApiClientOrHQReader]
    idempotency_required = False


class QueueView(APIView):
    """The store's open orders: what to pick, what is on its way, what waits for pickup."""

    permission_classes = [IsApiClientOrHQReader]

    @extend_schema(
        operation_id="orders_queue",
        parameters=[r.QueueQuerySerializer],
        responses={200: s.QueueSerializer, **ERRORS},
        description=(
            "For a store key, the same queue as the store's work queue page: sections new and "
            "picking (orders its store fulfils), in transit and ready (orders it collects), and "
            "overdue (promised time or pickup expiry passed), each with its count; `sort` "
            "newest first or due soonest first. Never another store's orders."
        ),
    )
    def get(self, request):
        params = parse(r.QueueQuerySerializer, request.query_params, request)
        store = key_store(request)
        queue = work_queue(store=store, at=timezone.now(), sort=params["sort"])
        body = {"store": store.code, "sort": queue.sort, "sections": queue.sections}
        return Response(s.QueueSerializer(body).data)


class PickStartView(StaffActionView):
    @extend_schema(
        operation_id="orders_pick_start",
        request=None,
        responses={200: s.OrderSerializer, **ERRORS},
        description=f"Start picking (new -> picking). {STAFF}",
    )
    def post(self, request, number: str):
        order, store = store_order(request, number)
        order = order_pick_start(order=order, store=store, at=timezone.now())
        return Response(order_body(order))


class LinePickView(StaffActionView):
    @extend_schema(
        operation_id="orders_line_pick",
        request=None,
        responses={200: s.OrderSerializer, **ERRORS},
        description=f"Confirm one line is picked. {STAFF}",
    )
    def post(self, request, number: str, line_no: int):
        order, store = store_order(request, number)
        order_line_pick(line=_line(order, line_no), store=store, at=timezone.now())
        return Response(order_body(order))


class LineShortView(StaffActionView):
    @extend_schema(
        operation_id="orders_line_short",
        request=r.ShortPickSerializer,
        responses={200: s.OrderSerializer, **ERRORS},
        description=(
            "The line's item is missing or damaged: with `substitute_sku` (SKU or GTIN) a "
            "substitute from this store's stock replaces it at the same price; without, the line "
            f"is removed and its paid share refunded. The customer is told. {STAFF}"
        ),
    )
    def post(self, request, number: str, line_no: int):
        data = parse(r.ShortPickSerializer, request.data, request)
        order, store = store_order(request, number)
        line = _line(order, line_no)
        substitute = None
        if data.get("substitute_sku"):
            substitute = _product(data["substitute_sku"], field="substitute_sku")
        order_line_short_pick(line=line, store=store, substitute=substitute, at=timezone.now())
        return Response(order_body(order))


class ReadyView(StaffActionView):
    @extend_schema(
        operation_id="orders_ready",
        request=None,
        responses={200: s.OrderSerializer, **ERRORS},
        description=(
            "Every line picked: ready for pickup (the customer is notified), or, at the source "
            f"store of a collect-elsewhere order, shipped to the collecting store. {STAFF}"
        ),
    )
    def post(self, request, number: str):
        order, store = store_order(request, number)
        order = order_ready(order=order, store=store, at=timezone.now())
        return Response(order_body(order))


class ReceiveView(StaffActionView):
    @extend_schema(
        operation_id="orders_receive",
        request=None,
        responses={200: s.OrderSerializer, **ERRORS},
        description=f"The collecting store received the transfer: ready for pickup. {STAFF}",
    )
    def post(self, request, number: str):
        order, store = store_order(request, number)
        order = order_transfer_receive(order=order, store=store, at=timezone.now())
        return Response(order_body(order))


class ShipView(StaffActionView):
    @extend_schema(
        operation_id="orders_ship",
        request=r.ShipSerializer,
        responses={200: s.OrderSerializer, **ERRORS},
        description=f"Ship-from-store or warehouse delivery handed to the carrier. {STAFF}",
    )
    def post(self, request, number: str):
        data = parse(r.ShipSerializer, request.data, request)
        order, store = store_order(request, number)
        order = order_ship(
            order=order, store=store, tracking=data.get("tracking", ""), at=timezone.now()
        )
        return Response(order_body(order))


class HandOverView(StaffActionView):
    throttle_classes = [ApiClientRateThrottle, GuessableIdentifierThrottle]
    throttle_scope = "pickup_code"

    @extend_schema(
        operation_id="orders_hand_over",
        request=r.HandOverSerializer,
        responses={200: s.OrderSerializer, **ERRORS},
        description=(
            "The customer collects: the pickup code (scanned or typed, any case, spaces and "
            "dashes ignored) of an order ready at this store. Stock is taken, held stored value "
            "captured, points earned. An unknown code here is `pickup_code_not_found` (404). "
            "Throttled per client (`API_IDENTIFIER_RATES['pickup_code']`, then 429)."
        ),
    )
    def post(self, request):
        data = parse(r.HandOverSerializer, request.data, request)
        store = key_store(request)
        order = order_hand_over(pickup_code=data["pickup_code"], store=store, at=timezone.now())
        return Response(order_body(order))
