"""POS receipts, returns and exchanges through the API.

A receipt's id is its natural key (unique per store): re-sending it is
answered 200 with the first order and changes nothing.  Returns and
exchanges need an ``Idempotency-Key``; scoped to the calling client, it is
the service's ``source_key``, so a retry never refunds twice.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.api.pins import PinsFirstMixin
from loyalty.selectors import redemption_for_key
from orders.api import requests as r
from orders.api import serializers as s
from orders.api.scope import order_get, visible_orders
from orders.api.views import ERRORS, basket_lines, order_body, parse
from orders.api.views import tender_requests as tenders_of
from orders.models import Return
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from orders.services.returns import ReturnRequestLine, exchange_create, return_create
from orders.services.tenders.take import STORED_VALUE_KINDS
from retail.api.idempotency import HEADER, IdempotentMixin, named_source_key
from retail.api.permissions import IsApiClientOrHQReader
from retail.api.scope import api_client, customer_get, key_store
from retail.models import ApiClient


def _source_key(client: ApiClient, request) -> str:
    return f"api:{client.pk}:{request.headers[HEADER]}"


def _reference(request, kind: str, reference: str) -> str:
    """A stored-value tender's redemption key as the calling till's own (another's: none)."""
    if kind not in STORED_VALUE_KINDS or not reference:
        return reference
    return named_source_key(
        request,
        reference,
        exists=lambda k: redemption_for_key(source_key=k) is not None,
        path_prefix="/api/v1/loyalty/stored-value/",
    )


def _return_lines(lines: list[dict]) -> list[ReturnRequestLine]:
    return [
        ReturnRequestLine(line_no=x["line_no"], quantity=x["quantity"], condition=x["condition"])
        for x in lines
    ]


def _return_body(record: Return) -> dict:
    record = (
        Return.objects.select_related("order", "store", "exchange_order")
        .prefetch_related("lines__order_line", "refunds__tender", "refunds__order")
        .get(pk=record.pk)
    )
    return s.ReturnSerializer(record).data


class ReceiptView(IdempotentMixin, APIView):
    """A completed POS sale joins the customer's history; stock and points follow."""

    permission_classes = [IsApiClientOrHQReader]
    idempotency_required = False

    @extend_schema(
        operation_id="orders_receipt_record",
        request=r.ReceiptSerializer,
        responses={200: s.OrderSerializer, 201: s.OrderSerializer, **ERRORS},
        description=(
            "POS keys only; the store is the key's. `201` the first time; a re-sent receipt "
            "(same `receipt_id` at this store) is `200` with the same order and changes "
            "nothing, so an `Idempotency-Key` is optional. Lines and tenders must add up "
            "(`receipt_invalid` naming the field). Optional `rules_version` (the till's rules "
            "snapshot) and `till` are kept on the receipt, whose prices are then audited "
            "against the engine."
        ),
    )
    def post(self, request):
        data = parse(r.ReceiptSerializer, request.data, request)
        store = key_store(request)
        client = api_client(request)
        order, created = receipt_record(
            channel=client.channel,
            store=store,
            receipt_id=data["receipt_id"],
            customer=customer_get(data.get("customer")),
            sold_at=data["sold_at"],
            currency=data.get("currency") or None,
            rules_version=data.get("rules_version", ""),
            till=data.get("till", ""),
            lines=[
                ReceiptLine(
                    sku=line.get("sku") or line["gtin"],
                    quantity=line["quantity"],
                    unit_price=line["unit_price"],
                    total=line["total"],
                    discounts=tuple(line.get("discounts", ())),
                )
                for line in data["lines"]
            ],
            tenders=[
                ReceiptTender(
                    kind=t["kind"],
                    amount=t["amount"],
                    reference=_reference(request, t["kind"], t.get("reference", "")),
                    code_last4=t.get("card_last4", ""),
                    points=t.get("points", 0),
                )
                for t in data["tenders"]
            ],
            at=timezone.now(),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(order_body(order), status=code)


class ReturnView(IdempotentMixin, APIView):
    """Take lines of an order or receipt back, at the key's store or by post."""

    permission_classes = [IsApiClientOrHQReader]

    @extend_schema(
        operation_id="orders_return_create",
        request=r.ReturnRequestSerializer,
        responses={201: s.ReturnSerializer, **ERRORS},
        description=(
            "Needs an `Idempotency-Key`. A store key takes the return at its store (resellable "
            "units back to its stock, damaged ones written off); a channel key registers a "
            "return by post. Any line of any order or receipt can come back anywhere: naming "
            "the order's `customer` lets a store take back another channel's or store's order. "
            "Refunds go to the original tenders (or as one credit note: `refund_to`), never "
            "more than the line paid after its discounts. Errors: `return_window_closed`, "
            "`return_not_allowed` naming `lines.<i>`."
        ),
    )
    def post(self, request, number: str):
        data = parse(r.ReturnRequestSerializer, request.data, request)
        client = api_client(request)
        order = order_get(visible_orders(request, customer_id=data.get("customer")), number)
        record = return_create(
            order=order,
            lines=_return_lines(data["lines"]),
            channel=client.channel,
            store=client.store,
            source_key=_source_key(client, request),
            refund_to=data["refund_to"],
            reason=data.get("reason", ""),
            at=timezone.now(),
        )
        return Response(_return_body(record), status=status.HTTP_201_CREATED)


class ExchangeView(PinsFirstMixin, APIView):
    """Return lines and sell others at the store in one step, settling the difference."""

    permission_classes = [IsApiClientOrHQReader]
    pin_list_field = "tenders"  # wrong PINs are counted before the exchange's transaction

    @extend_schema(
        operation_id="orders_exchange_create",
        request=r.ExchangeRequestSerializer,
        responses={201: s.ReturnSerializer, **ERRORS},
        description=(
            "Store keys only; needs an `Idempotency-Key`. The returned value pays for "
            "`new_lines` first; `tenders` pay what the new sale costs more, and what it costs "
            "less goes back to the original tenders. The new sale is in `exchange_order`."
        ),
    )
    def post(self, request, number: str):
        data = parse(r.ExchangeRequestSerializer, request.data, request)
        store = key_store(request)
        client = api_client(request)
        order = order_get(visible_orders(request, customer_id=data.get("customer")), number)
        record = exchange_create(
            order=order,
            lines=_return_lines(data["lines"]),
            new_lines=basket_lines(data["new_lines"]),
            channel=client.channel,
            store=store,
            source_key=_source_key(client, request),
            tenders=tenders_of(data.get("tenders", [])),
            at=timezone.now(),
        )
        return Response(_return_body(record), status=status.HTTP_201_CREATED)
