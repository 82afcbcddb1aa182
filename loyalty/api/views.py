"""Loyalty API: club membership and points, gift cards, credit notes and vouchers.

Thin views: validate, call one service, serialize.  Every stored-value write
needs an ``Idempotency-Key``; the key, scoped to the calling client
(``api:<client id>:<key>``), is the service's ``source_key``, so a client
names only its own holds and redemptions and two tills numbering their keys
alike never collide.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.api import serializers as s
from loyalty.api.pins import PinsFirstMixin
from loyalty.api.throttling import failed_lookup_guard
from loyalty.models import Membership, PointsEntry
from loyalty.selectors import hold_status, redemption_for_key
from loyalty.services.membership import membership_join
from loyalty.services.stored_value import (
    gift_card_activate,
    hold_capture,
    hold_release,
    stored_value_hold,
    stored_value_issue,
    stored_value_lookup,
    stored_value_redeem,
    stored_value_refund,
)
from retail.api.idempotency import (
    HEADER,
    IdempotentMixin,
    client_source_key,
    named_source_key,
)
from retail.api.parsing import parse_input
from retail.api.schema import ERROR
from retail.api.scope import call_channel, customer_get, customer_readable
from retail.api.throttling import ApiClientRateThrottle, GuessableIdentifierThrottle
from retail.errors import CustomerNotFoundError

ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 422: ERROR, 423: ERROR, 429: ERROR}


def _own_key(request) -> str:
    return client_source_key(request, request.headers[HEADER])


def _hold_key(request, key: str) -> str:
    return named_source_key(
        request,
        key,
        exists=lambda k: hold_status(source_key=k) is not None,
        path_prefix="/api/v1/loyalty/stored-value/holds/",
    )


def _redemption_key(request, key: str) -> str:
    return named_source_key(
        request,
        key,
        exists=lambda k: redemption_for_key(source_key=k) is not None,
        path_prefix="/api/v1/loyalty/stored-value/",
    )


def _valid(serializer_class, request):
    return parse_input(serializer_class, request.data, request=request)


class MemberJoinView(IdempotentMixin, APIView):
    @extend_schema(
        request=s.JoinSerializer,
        responses={201: s.MembershipSerializer, **ERRORS},
        description="Make a customer a club member. Needs an `Idempotency-Key` header.",
    )
    def post(self, request):
        data = _valid(s.JoinSerializer, request)
        customer = customer_get(data["customer"])
        membership = membership_join(customer=customer, channel=call_channel(request))
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


def _member(request, member_number: str) -> Membership:
    """The membership ``member_number`` when the caller may read it (its market's), else 404."""
    membership = get_object_or_404(
        Membership.objects.select_related("customer", "tier"), member_number=member_number
    )
    try:
        customer_readable(request, membership.customer)
    except CustomerNotFoundError:
        raise Http404 from None
    return membership


MEMBER_READ = (
    "Only members of the key's market (404 otherwise, as for an unknown number). Throttled "
    "per client (`API_IDENTIFIER_RATES['member_lookup']`, then 429)."
)


class MemberDetailView(generics.RetrieveAPIView):
    """A membership with its points balance and tier."""

    queryset = Membership.objects.none()
    serializer_class = s.MembershipSerializer
    throttle_classes = [ApiClientRateThrottle, GuessableIdentifierThrottle]
    throttle_scope = "member_lookup"

    @extend_schema(description=MEMBER_READ)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return _member(self.request, self.kwargs["member_number"])


class MemberPointsView(generics.ListAPIView):
    """The member's points history, newest first."""

    serializer_class = s.PointsEntrySerializer
    queryset = PointsEntry.objects.none()
    throttle_classes = [ApiClientRateThrottle, GuessableIdentifierThrottle]
    throttle_scope = "member_lookup"

    @extend_schema(description=MEMBER_READ)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        membership = _member(self.request, self.kwargs["member_number"])
        return membership.points_entries.order_by("-at", "-pk")


class BalanceView(APIView):
    throttle_classes = [ApiClientRateThrottle, GuessableIdentifierThrottle]
    throttle_scope = "gift_card_lookup"

    @extend_schema(
        request=s.CodeSerializer,
        responses={200: s.BalanceSerializer, **ERRORS},
        description=(
            "Balance of a gift card, credit note or voucher (a POST: codes stay out of URLs). "
            "Throttled per client (`API_IDENTIFIER_RATES['gift_card_lookup']`, then 429), "
            "besides the count of wrong codes."
        ),
    )
    def post(self, request):
        data = _valid(s.CodeSerializer, request)
        with failed_lookup_guard(request):
            account = stored_value_lookup(code=data["code"], pin=data.get("pin") or None)
        return Response(s.BalanceSerializer(account).data)


class RedeemView(PinsFirstMixin, APIView):
    @extend_schema(
        request=s.AmountSerializer,
        responses={201: s.EntrySerializer, **ERRORS},
        description="Pay with stored value. Needs an `Idempotency-Key` header.",
    )
    def post(self, request):
        data = _valid(s.AmountSerializer, request)
        with failed_lookup_guard(request):
            entry = stored_value_redeem(
                code=data["code"],
                pin=data.get("pin") or None,
                amount=data["amount"],
                currency=data["currency"],
                order_amount=data.get("order_amount"),
                channel=call_channel(request),
                source_key=_own_key(request),
            )
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def _hold_body(request, hold) -> dict:
    body = s.HoldSerializer(hold).data
    body["source_key"] = request.headers[HEADER]  # what the client names it by
    return body


class HoldView(PinsFirstMixin, APIView):
    @extend_schema(
        request=s.AmountSerializer,
        responses={201: s.HoldSerializer, **ERRORS},
        description=(
            "Authorise an amount; capture or release it later by the Idempotency-Key "
            "(the hold's source_key). Keys are the calling client's own: only the client "
            "that took a hold can capture or release it."
        ),
    )
    def post(self, request):
        data = _valid(s.AmountSerializer, request)
        with failed_lookup_guard(request):
            hold = stored_value_hold(
                code=data["code"],
                pin=data.get("pin") or None,
                amount=data["amount"],
                currency=data["currency"],
                order_amount=data.get("order_amount"),
                channel=call_channel(request),
                source_key=_own_key(request),
            )
        return Response(_hold_body(request, hold), status=status.HTTP_201_CREATED)


class HoldCaptureView(IdempotentMixin, APIView):
    @extend_schema(
        request=s.CaptureSerializer,
        responses={201: s.EntrySerializer, **ERRORS},
        description="Capture a hold (all of it unless `amount`). Needs an `Idempotency-Key`.",
    )
    def post(self, request, source_key):
        data = _valid(s.CaptureSerializer, request)
        entry = hold_capture(
            hold_source_key=_hold_key(request, source_key),
            amount=data.get("amount"),
            source_key=_own_key(request),
        )
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class HoldReleaseView(IdempotentMixin, APIView):
    @extend_schema(
        request=None,
        responses={200: s.HoldSerializer, **ERRORS},
        description="Release a hold. Needs an `Idempotency-Key`.",
    )
    def post(self, request, source_key):
        hold = hold_release(hold_source_key=_hold_key(request, source_key))
        body = s.HoldSerializer(hold).data
        body["source_key"] = source_key
        return Response(body)


class RefundView(IdempotentMixin, APIView):
    @extend_schema(
        request=s.RefundSerializer,
        responses={201: s.EntrySerializer, **ERRORS},
        description=(
            "Refund (part of) a redemption, named by the Idempotency-Key it was made with (or "
            "the `source_key` its answer showed). Only the calling client's own redemptions: "
            "another client's key is `redemption_not_found` (404)."
        ),
    )
    def post(self, request):
        data = _valid(s.RefundSerializer, request)
        entry = stored_value_refund(
            redemption_source_key=_redemption_key(request, data["redemption_source_key"]),
            amount=data.get("amount"),
            source_key=_own_key(request),
        )
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class GiftCardSellView(IdempotentMixin, APIView):
    @extend_schema(
        request=s.GiftCardSellSerializer,
        responses={201: s.EntrySerializer, **ERRORS},
        description=(
            "Sell a gift card: activate the physical card `code`, or issue a new e-gift card. "
            "Needs an `Idempotency-Key`."
        ),
    )
    def post(self, request):
        data = _valid(s.GiftCardSellSerializer, request)
        channel, key = call_channel(request), _own_key(request)
        if data.get("code"):
            entry = gift_card_activate(
                code=data["code"], amount=data["amount"], source_key=key, channel=channel
            )
        else:
            account, _ = stored_value_issue(
                kind="gift_card",
                amount=data["amount"],
                currency=data["currency"],
                source_key=key,
                channel=channel,
            )
            entry = account.entries.get(source_key=key)
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)
