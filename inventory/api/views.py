"""Inventory API views: parse, resolve the caller's scope, call one selector or service, render.

Every error is a domain error (or a DRF validation error) rendered in the
one shape ``{"code", "message", "fields"?, "extra"?}`` by the core handler.
Reservations are created with an ``Idempotency-Key``; release and extend
accept one.  A POS key works in its own store only; a key sees and changes
only its own channel's reservations.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.api import serializers
from inventory.api.scope import buffered, parse_skus, products_by_sku
from inventory.errors import ReservationNotFoundError
from inventory.models import Reservation, StockMovement
from inventory.selectors import (
    MAX_CHANNEL_PRODUCTS,
    availability_across_stores,
    availability_at_store,
    availability_for_channel,
)
from inventory.services import reservation_extend, reservation_release, stock_reserve
from retail.api.auth import request_client
from retail.api.idempotency import IdempotentMixin
from retail.api.parsing import parse_input
from retail.api.schema import ERROR
from retail.api.scope import call_channel, call_store, customer_get
from retail.db_router import replica_reads
from retail.errors import InvalidGtinError, UnknownProductError
from retail.gtin import gtin14
from retail.models import Product, ProductGtin


def _parse(serializer_class, data, request) -> dict:
    return parse_input(serializer_class, data, request=request)


class AvailabilityAtStoreView(APIView):
    """Stock of one or many SKUs at one store, as the caller's channel may promise it."""

    @extend_schema(
        operation_id="inventory_availability_at_store",
        parameters=[serializers.AvailabilityAtStoreQuerySerializer],
        responses={200: serializers.AvailabilityAtStoreSerializer, 400: ERROR, 403: ERROR},
        description=(
            "On hand, reserved, the channel's safety buffer and available "
            "(`max(0, on_hand - reserved - buffer)`) per SKU at `store`. A POS key is bound to "
            "its own store (`store_not_allowed` for another) and, like signed-in staff, sees no "
            "buffer. SKUs the catalogue does not know "
            "are listed in `unknown_skus`. Four queries whatever the number of SKUs."
        ),
    )
    @replica_reads()
    def get(self, request):
        params = _parse(
            serializers.AvailabilityAtStoreQuerySerializer, request.query_params, request
        )
        skus = parse_skus(request.query_params.getlist("sku"), limit=MAX_CHANNEL_PRODUCTS)
        channel = call_channel(request, channel_code=params.get("channel", ""))
        store = call_store(request, store_code=params.get("store", ""), required=True)
        products, unknown = products_by_sku(skus)
        rows = availability_at_store(store=store, products=products, channel=buffered(channel))
        body = {
            "store": store,
            "channel": channel.code if channel else None,
            "results": rows,
            "unknown_skus": unknown,
        }
        return Response(serializers.AvailabilityAtStoreSerializer(body).data)


class AvailabilityAcrossStoresView(APIView):
    """One SKU in every store: "the nearest stores that have it"."""

    @extend_schema(
        operation_id="inventory_availability_across_stores",
        parameters=[serializers.AvailabilityAcrossStoresQuerySerializer],
        responses={
            200: serializers.AvailabilityAcrossStoresSerializer,
            400: ERROR,
            403: ERROR,
        },
        description=(
            "Every active store and warehouse with the SKU's stock as the caller's channel sees "
            "it. With `lat` and `lon`, nearest first with `distance_km`; else by store code. "
            "`click_and_collect=true` keeps the stores customers can collect from; "
            "`in_stock=true` those with something available. An unknown SKU is "
            "`unknown_product` on `sku`. Five queries whatever the number of stores."
        ),
    )
    @replica_reads()
    def get(self, request):
        params = _parse(
            serializers.AvailabilityAcrossStoresQuerySerializer, request.query_params, request
        )
        channel = call_channel(request, channel_code=params.get("channel", ""))
        products, _unknown = products_by_sku([params["sku"]])
        if not products:
            raise UnknownProductError(field="sku", extra={"sku": params["sku"]})
        near = (params["lat"], params["lon"]) if "lat" in params else None
        rows = availability_across_stores(
            product=products[0],
            channel=buffered(channel),
            near=near,
            click_and_collect_only=params["click_and_collect"],
        )
        if params["in_stock"]:
            rows = [row for row in rows if row.available > 0]
        body = {
            "sku": products[0].sku,
            "channel": channel.code if channel else None,
            "results": [serializers.store_availability_data(row) for row in rows],
        }
        return Response(body)


class AvailabilityForChannelView(APIView):
    """Bulk availability for a webshop listing page: up to 500 SKUs for the caller's channel."""

    @extend_schema(
        operation_id="inventory_availability_for_channel",
        parameters=[serializers.AvailabilityForChannelQuerySerializer],
        responses={200: serializers.AvailabilityForChannelSerializer, 400: ERROR, 403: ERROR},
        description=(
            "Per SKU, what the channel may promise: the sum over the locations that serve it "
            "(`ChannelLocation`), each location's available after its own buffer and never "
            "below zero. At most 500 SKUs (`too_many_skus` on `sku`); unknown SKUs are listed "
            "in `unknown_skus`. Four queries whatever the number of SKUs and locations."
        ),
    )
    @replica_reads()
    def get(self, request):
        params = _parse(
            serializers.AvailabilityForChannelQuerySerializer, request.query_params, request
        )
        skus = parse_skus(request.query_params.getlist("sku"), limit=MAX_CHANNEL_PRODUCTS)
        channel = call_channel(request, channel_code=params.get("channel", ""), required=True)
        products, unknown = products_by_sku(skus)
        totals = availability_for_channel(channel=channel, products=products)
        body = {
            "channel": channel.code,
            "results": [{"sku": p.sku, "available": totals[p.pk]} for p in products],
            "unknown_skus": unknown,
        }
        return Response(serializers.AvailabilityForChannelSerializer(body).data)


def _reservation_lines(lines: list[dict]) -> list[tuple[Product, int]]:
    """Resolve request lines to (product, units) in two queries, naming a bad line's field."""
    skus = {line["sku"] for line in lines if line.get("sku")}
    keys: dict[int, str] = {}
    for index, line in enumerate(lines):
        if line.get("gtin"):
            try:
                keys[index] = gtin14(line["gtin"])
            except InvalidGtinError as exc:
                exc.field = f"lines.{index}.gtin"
                raise
    by_sku = Product.objects.in_bulk(skus, field_name="sku") if skus else {}
    by_gtin = {}
    if keys:
        by_gtin = {
            gtin.gtin14: gtin
            for gtin in ProductGtin.objects.filter(gtin14__in=keys.values()).select_related(
                "product"
            )
        }
    resolved = []
    for index, line in enumerate(lines):
        if line.get("sku"):
            product, units = by_sku.get(line["sku"]), 1
            field = f"lines.{index}.sku"
        else:
            gtin = by_gtin.get(keys[index])
            product, units = (gtin.product, gtin.pack_quantity) if gtin else (None, 1)
            field = f"lines.{index}.gtin"
        if product is None:
            raise UnknownProductError(field=field, extra={"line": index})
        resolved.append((product, line["quantity"] * units))
    return resolved


def stored_reference(request, reference: str) -> str:
    """The reference as stored: a key's references live in a namespace of their owner.

    A store key's reservations belong to its store (every till and handheld
    of the store may release or extend them): ``<channel>:<store>:<ref>``.  A
    key of no store (a webshop, an ERP) owns the reservations it made:
    ``<channel>:client-<id>:<ref>``; a store code is in capitals, so such a key
    naming ``<store code>:<ref>`` never reaches a till's reservation.  Two
    channels may both call an order "1001"; their reservations are never
    released or extended together.  Signed-in HQ staff name stored
    references as they are (``order:1042``, ``WEB-DK:client-7:1001``).
    """
    client = request_client(request)
    if client is None:
        return reference
    if client.store is not None:
        return f"{client.channel.code}:{client.store.code}:{reference}"
    return f"{client.channel.code}:client-{client.pk}:{reference}"


def reservation_group(reservations: list[Reservation], *, reference: str) -> dict:
    """The answer for the lines reserved together under one reference."""
    first = reservations[0]
    active = [r for r in reservations if r.status == Reservation.Status.ACTIVE]
    return {
        "reference": reference,
        "reference_kind": first.reference_kind,
        "store": first.location.code,
        "channel": first.channel.code if first.channel else None,
        "customer": first.customer.public_id if first.customer else None,
        "status": Reservation.Status.ACTIVE if active else first.status,
        "created_at": min(r.created_at for r in reservations),
        "expires_at": max(r.expires_at for r in (active or reservations)),
        "lines": reservations,
    }


def _scoped_reservations(request, reference: str):
    """The caller's reservations under ``reference`` (its own namespace, ``stored_reference``)."""
    qs = Reservation.objects.filter(reference=stored_reference(request, reference))
    client = request_client(request)
    if client is not None:
        qs = qs.filter(channel=client.channel)
        if client.store_id is not None:
            qs = qs.filter(location_id=client.store_id)
    return qs.select_related("location", "channel", "customer", "product").order_by("pk")


def _group_response(request, reference: str) -> Response:
    group = reservation_group(list(_scoped_reservations(request, reference)), reference=reference)
    return Response(serializers.ReservationGroupSerializer(group).data)


class ReservationCreateView(IdempotentMixin, APIView):
    """Reserve several lines at one store, all or nothing."""

    @extend_schema(
        operation_id="inventory_reservation_create",
        request=serializers.ReservationCreateSerializer,
        responses={
            201: serializers.ReservationGroupSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
        description=(
            "Needs an `Idempotency-Key` header: a retry returns the first answer. Lines by "
            "`sku` or `gtin` (a multipack GTIN reserves its pack quantity per unit); two lines "
            "of one SKU are summed before the check. Not enough stock for any line is "
            "`insufficient_stock` (409) with `extra.lines` naming each short line, and "
            "nothing is reserved. Errors name the line: `lines.<i>.sku`, `lines.<i>.quantity`; "
            "an unknown `store` is `store_not_found` (400), an unknown `customer` "
            "`customer_not_found` (404)."
        ),
    )
    def post(self, request):
        data = _parse(serializers.ReservationCreateSerializer, request.data, request)
        store = call_store(request, store_code=data.get("store", ""), required=True)
        channel = call_channel(request)
        customer = customer_get(data.get("customer"))
        ttl = data.get("ttl_minutes")
        reservations = stock_reserve(
            location=store,
            lines=_reservation_lines(data["lines"]),
            reference_kind=data["reference_kind"],
            reference=stored_reference(request, data["reference"]),
            channel=channel,
            customer=customer,
            ttl=timedelta(minutes=ttl) if ttl else None,
        )
        for reservation in reservations:
            reservation.location, reservation.channel = store, channel
            reservation.customer = customer
        group = reservation_group(reservations, reference=data["reference"])
        body = serializers.ReservationGroupSerializer(group).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReservationReleaseView(IdempotentMixin, APIView):
    """Give the stock of a reservation back (an order cancelled, a basket abandoned)."""

    idempotency_required = False

    @extend_schema(
        operation_id="inventory_reservation_release",
        request=None,
        responses={200: serializers.ReservationGroupSerializer, 404: ERROR, 409: ERROR},
        description=(
            "Releases every active line under the reference; lines already consumed or "
            "expired stay as they are. A store key (POS, handheld) sees its store's "
            "reservations, any other key only those it made itself (`reservation_not_found` "
            "otherwise). An `Idempotency-Key` is accepted."
        ),
    )
    def post(self, request, reference: str):
        reservations = list(_scoped_reservations(request, reference))
        if not reservations:
            raise ReservationNotFoundError(extra={"reference": reference})
        reservation_release(reservations=reservations)
        return _group_response(request, reference)


class ReservationExtendView(IdempotentMixin, APIView):
    """Hold a reservation longer (a customer is still paying)."""

    idempotency_required = False

    @extend_schema(
        operation_id="inventory_reservation_extend",
        request=serializers.ReservationExtendSerializer,
        responses={200: serializers.ReservationGroupSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        description=(
            "Moves the expiry of every active line under the reference to `expires_at`, or to "
            "`ttl_minutes` from now; an `expires_at` without an offset is the reserving "
            "store's local time. A reservation no longer active is "
            "`reservation_not_active` (409). An `Idempotency-Key` is accepted."
        ),
    )
    def post(self, request, reference: str):
        first = _scoped_reservations(request, reference).first()
        if first is None:
            raise ReservationNotFoundError(extra={"reference": reference})
        # A time without an offset is the reserving store's wall clock.
        data = parse_input(
            serializers.ReservationExtendSerializer,
            request.data,
            request=request,
            time_zone=first.location.tz,
        )
        now = timezone.now()
        expires_at = data.get("expires_at") or now + timedelta(minutes=data["ttl_minutes"])
        reservation_extend(
            reference=stored_reference(request, reference), expires_at=expires_at, at=now
        )
        return _group_response(request, reference)


class MovementListView(generics.GenericAPIView):
    """The stock ledger of one SKU at one store, oldest first, for a POS or ERP to reconcile."""

    serializer_class = serializers.MovementSerializer
    filter_backends = []

    @extend_schema(
        operation_id="inventory_movements_list",
        parameters=[serializers.MovementQuerySerializer],
        responses={200: serializers.MovementSerializer(many=True), 400: ERROR, 403: ERROR},
        description=(
            "Every movement of `sku` at `store` (oldest first, paginated), optionally `since` a "
            "time. The sum of `quantity` over all movements is the on hand. A POS key reads its "
            "own store; signed-in store staff read their own stores."
        ),
    )
    def get(self, request):
        params = _parse(serializers.MovementQuerySerializer, request.query_params, request)
        store = call_store(
            request, store_code=params.get("store", ""), required=True, own_only=True
        )
        products, _unknown = products_by_sku([params["sku"]])
        if not products:
            raise UnknownProductError(field="sku", extra={"sku": params["sku"]})
        queryset = StockMovement.objects.filter(location=store, product=products[0])
        if params.get("since"):
            queryset = queryset.filter(created_at__gte=params["since"])
        page = self.paginate_queryset(queryset.order_by("created_at", "pk"))
        context = {"store": store, "product": products[0]}
        data = serializers.MovementSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)
