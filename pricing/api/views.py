"""Pricing API views: parse, resolve the caller's scope, call one pricing read, render.

Every error is a domain error (or a DRF validation error) rendered in the
one shape ``{"code", "message", "fields"?, "extra"?}`` by the core handler.
Nothing here writes, so no view needs an ``Idempotency-Key``.
"""

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.http import parse_etags, quote_etag
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.fields import DateTimeField
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing.api import serializers
from pricing.api.plain import priced_basket_data
from pricing.api.scope import call_scope
from pricing.models import CampaignTarget
from pricing.quotes import basket_quote
from pricing.selectors import (
    MAX_LOOKUP_SKUS,
    TOO_MANY_SKUS,
    campaigns_for_channel,
    prices_lookup,
)
from pricing.services.revision import rules_revision_current, rules_snapshot, rules_version
from retail.api.parsing import parse_input
from retail.api.schema import ERROR
from retail.db_router import replica_reads
from retail.errors import DomainError, TooManySkusError
from retail.models import Language

NOT_MODIFIED = OpenApiResponse(description="The snapshot named in If-None-Match is current.")


def _parse(serializer_class, data, request) -> dict:
    return parse_input(serializer_class, data, request=request)


def _accepted_language(request) -> str | None:
    """The supported language the Accept-Language header asks for, if it names one."""
    header = request.headers.get("Accept-Language", "")
    if not header:
        return None
    supported = {code for code, _name in Language.choices}
    for code, _quality in parse_accept_lang_header(header):
        primary = code.lower().split("-")[0]
        primary = {"no": "nb", "nn": "nb"}.get(primary, primary)
        if primary in supported:
            return primary
    return None


class BasketPriceView(APIView):
    """Price a whole basket for a customer, channel, store and moment, with every explanation."""

    @extend_schema(
        operation_id="pricing_basket_price",
        request=serializers.BasketSerializer,
        responses={
            200: serializers.PricedBasketSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
            422: ERROR,
        },
        description=(
            "The same basket gets the same answer in every channel whose rules are the same. "
            "Lines by `sku` or `gtin`. Errors name the line or code: `lines.<i>.sku` "
            "(unknown_product, inactive_product), `lines.<i>.quantity` (invalid_quantity), "
            "`lines.<i>` (no_price), `coupons.<i>` (coupon_not_found, coupon_expired, ...). "
            "A valid coupon that gives nothing for this basket is reported under `coupons` "
            "with status `not_applicable` and a `reason` code and `message`, not as an error. "
            "`hints` (default 3, up to 20) are ranked by the discount they unlock; messages "
            "are in `language`, else the Accept-Language header's, else the channel's. "
            "A read: no Idempotency-Key."
        ),
    )
    @replica_reads()
    def post(self, request):
        data = _parse(serializers.BasketSerializer, request.data, request)
        scope = call_scope(
            request,
            channel_code=data.get("channel", ""),
            store_code=data.get("store", ""),
            customer_id=data.get("customer"),
        )
        lines = data["lines"]
        language = (
            data.get("language") or _accepted_language(request) or scope.channel.language or "en"
        )
        quote = basket_quote(
            lines=[(line.get("sku") or line["gtin"], line["quantity"]) for line in lines],
            line_ids=[line.get("line_id") or str(i) for i, line in enumerate(lines)],
            channel=scope.channel,
            store=scope.store,
            customer=scope.customer,
            coupon_codes=data.get("coupons", ()),
            at=data.get("at"),
            language=language,
            rules_version_given=data.get("rules_version"),
            hint_limit=data.get("hints", serializers.DEFAULT_HINTS),
        )
        with translation.override(language):
            return Response(priced_basket_data(quote))


class PriceLookupView(APIView):
    """Prices of up to 500 SKUs at once, for listing pages."""

    @extend_schema(
        operation_id="pricing_prices_lookup",
        parameters=[serializers.PriceLookupRequestSerializer],
        responses={
            200: serializers.PriceLookupSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            422: ERROR,
        },
        description=(
            "Per SKU: the price of one unit with its campaigns, the ordinary price, the EU "
            "Omnibus `prior_price` of the reduction in force (null without one) and the "
            "rolling lowest public list price of the last 30 days. More than 500 SKUs is "
            "`too_many_skus` naming `sku`; an unknown or inactive SKU names `sku.<i>`. "
            "A SKU without a price in this channel and store is left out."
        ),
    )
    @replica_reads()
    def get(self, request):
        params = _parse(serializers.PriceLookupRequestSerializer, request.query_params, request)
        skus = [
            sku.strip()
            for value in request.query_params.getlist("sku")
            for sku in value.split(",")
            if sku.strip()
        ]
        if len(skus) > MAX_LOOKUP_SKUS:
            raise TooManySkusError(TOO_MANY_SKUS, field="sku", extra={"max": MAX_LOOKUP_SKUS})
        scope = call_scope(
            request,
            channel_code=params.get("channel", ""),
            store_code=params.get("store", ""),
            customer_id=params.get("customer"),
        )
        # Without ``at`` the selector prices for now and may answer from memory.
        at = params.get("at")
        try:
            prices = prices_lookup(
                skus=skus, channel=scope.channel, store=scope.store, customer=scope.customer, at=at
            )
        except DomainError as exc:
            # The selector counts "skus"; this endpoint's parameter is "sku".
            if exc.field and exc.field.startswith("skus"):
                exc.field = "sku" + exc.field.removeprefix("skus")
            raise
        return Response(
            {
                "at": DateTimeField().to_representation(at or timezone.now()),
                "currency": scope.channel.currency,
                "results": [serializers.product_price_data(price) for price in prices],
            }
        )


class CampaignListView(generics.ListAPIView):
    """The campaigns in force for the calling channel: what a webshop shows as offers."""

    serializer_class = serializers.CampaignSerializer
    filter_backends = []

    @extend_schema(
        operation_id="pricing_campaigns_list",
        parameters=[serializers.CampaignListRequestSerializer],
        responses={200: serializers.CampaignSerializer(many=True), 400: ERROR, 403: ERROR},
        description=(
            "Active campaigns valid now (or at `at`) for this channel, highest priority first: "
            "receipt text in the channel's language, kind, validity, whether a coupon is "
            "needed, member-only groups and what they apply to."
        ),
    )
    @replica_reads()
    def get(self, request, *args, **kwargs):
        params = _parse(serializers.CampaignListRequestSerializer, request.query_params, request)
        scope = call_scope(request, channel_code=params.get("channel", ""))
        queryset = (
            campaigns_for_channel(channel=scope.channel, at=params.get("at"))
            .select_related("gift_product")
            .prefetch_related(
                "customer_groups",
                Prefetch(
                    "targets",
                    queryset=CampaignTarget.objects.select_related(
                        "product", "category", "brand", "product_set"
                    ).order_by("group", "exclude", "pk"),
                ),
            )
        )
        page = self.paginate_queryset(queryset)
        data = serializers.CampaignSerializer(
            page, many=True, context={"language": scope.channel.language}
        ).data
        return self.get_paginated_response(data)


class RulesSnapshotView(APIView):
    """The rules in force for a channel and store, versioned, for a till that must work offline."""

    @extend_schema(
        operation_id="pricing_rules_snapshot",
        parameters=[serializers.RulesRequestSerializer],
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="The snapshot: version, price lists with entries, campaigns, VAT.",
            ),
            304: NOT_MODIFIED,
            400: ERROR,
            403: ERROR,
            422: ERROR,
        },
        description=(
            "The `ETag` header is the snapshot's version. Send it back in `If-None-Match` "
            "to get `304 Not Modified` while nothing that prices a basket has changed. "
            "A POS key gets its own store's snapshot."
        ),
    )
    def get(self, request):
        params = _parse(serializers.RulesRequestSerializer, request.query_params, request)
        scope = call_scope(
            request, channel_code=params.get("channel", ""), store_code=params.get("store", "")
        )
        known = parse_etags(request.headers.get("If-None-Match", ""))
        if known:
            current = rules_version(
                channel=scope.channel, store=scope.store, revision=rules_revision_current()
            )
            tag = quote_etag(current)
            if "*" in known or tag in known or f"W/{tag}" in known:
                return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        snapshot = rules_snapshot(channel=scope.channel, store=scope.store, at=params.get("at"))
        return Response(
            snapshot,
            headers={"ETag": quote_etag(snapshot["version"]), "Cache-Control": "private, no-cache"},
        )
