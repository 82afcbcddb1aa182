"""Core API: channels, stores, products (read-only) and customers (lookup, sign-up)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from retail.api import filters, serializers
from retail.api.auth import request_client
from retail.api.idempotency import IdempotentMixin
from retail.api.schema import ERROR
from retail.api.scope import call_channel, customer_readable, is_till
from retail.api.throttling import ApiClientRateThrottle, GuessableIdentifierThrottle
from retail.db_router import replica_reads
from retail.errors import CustomerIdentifierRequiredError
from retail.models import Channel, Customer, Product, ProductGtin, Store
from retail.selectors import customer_find
from retail.services.customers import customer_create


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    """Sales channels with their market, currency and language."""

    queryset = Channel.objects.all()
    serializer_class = serializers.ChannelSerializer
    filterset_class = filters.ChannelFilter
    lookup_field = "code"


class StoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Stores and warehouses with address, coordinates, services and opening hours."""

    queryset = Store.objects.prefetch_related("opening_hours", "special_hours")
    serializer_class = serializers.StoreSerializer
    filterset_class = filters.StoreFilter
    lookup_field = "code"

    @replica_reads()
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @replica_reads()
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue: filter by SKU, GTIN, category (with sub-categories), brand or words."""

    queryset = (
        Product.objects.select_related("brand", "category", "vat_class")
        .prefetch_related(
            Prefetch("gtins", queryset=ProductGtin.objects.order_by("-is_primary", "gtin"))
        )
        .order_by("sku")
        .distinct()
    )
    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilter
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"

    @replica_reads()
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @replica_reads()
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class CustomerViewSet(IdempotentMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Customers: a channel finds one only by an identifier it presents; no listing."""

    queryset = Customer.objects.none()
    serializer_class = serializers.CustomerSerializer
    pagination_class = None
    filter_backends = []
    throttle_classes = [ApiClientRateThrottle, GuessableIdentifierThrottle]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["channel"] = call_channel(self.request)
        return context

    @extend_schema(
        request=serializers.CustomerCreateSerializer,
        responses={201: serializers.CustomerSerializer, 400: ERROR, 409: ERROR, 422: ERROR},
        description=(
            "Register a customer profile (e.g. a new webshop account) with the channel's "
            "external id and consents. Needs an `Idempotency-Key` header."
        ),
    )
    def create(self, request, *args, **kwargs):
        data = serializers.CustomerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_create(
            channel=call_channel(request),
            **{k: (str(v) if k == "phone" and v else v) for k, v in data.validated_data.items()},
        )
        body = serializers.CustomerSerializer(customer, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.CustomerLookupSerializer,
        # A till is shown less of the customer (TillCustomerSerializer).
        responses={200: serializers.CustomerLookupResultSerializer, 400: ERROR, 404: ERROR},
        description=(
            "Find the customer by exactly one identifier: member number, e-mail, phone, or "
            "this channel's external id. A POST so that personal data stays out of URLs and logs. "
            "A key finds only customers of its own market (`customer_not_found`, 404, for "
            "others). A till (POS key) finds the customer at the counter by member number or "
            "card (`external_id`) only, and is shown no e-mail, phone, consents or ids. "
            "Throttled per client (`API_IDENTIFIER_RATES['member_lookup']`, then 429)."
        ),
    )
    @action(detail=False, methods=["post"], url_path="lookup")
    def lookup(self, request):
        data = serializers.CustomerLookupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: (str(v) if v else "") for k, v in data.validated_data.items()}
        till = is_till(request)
        if till and (values.get("email") or values.get("phone")):
            raise CustomerIdentifierRequiredError(
                _("A till finds a customer by member number or card.")
            )
        customer = customer_readable(
            request, customer_find(channel=call_channel(request), **values)
        )
        serializer = serializers.TillCustomerSerializer if till else serializers.CustomerSerializer
        return Response(serializer(customer, context=self.get_serializer_context()).data)

    # The lookup is a read; only create needs an Idempotency-Key.  Lookups are throttled.
    def initial(self, request, *args, **kwargs):
        self.idempotency_methods = ("POST",) if self.action == "create" else ()
        self.throttle_scope = "member_lookup" if self.action == "lookup" else None
        super().initial(request, *args, **kwargs)


class MeView(APIView):
    """Who the calling key belongs to: client name, channel and (for a POS) store."""

    @extend_schema(responses={200: serializers.ApiClientSerializer, 401: ERROR})
    def get(self, request):
        client = request_client(request)
        if client is None:
            return Response({"name": str(request.user), "channel": None, "store": None})
        return Response(serializers.ApiClientSerializer(client).data)
