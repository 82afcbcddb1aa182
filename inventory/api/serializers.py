"""Serializers of the inventory API: what a request may say and what an answer looks like.

Requests are only parsed here; which store, channel and products a caller
may use is decided in ``inventory.api.scope``, the stock rules in the services.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.models import Reservation, StockMovement
from retail.api.fields import LocalDateTimeField, local_time_help
from retail.models import Store

MAX_RESERVATION_LINES = 100
MAX_QUANTITY = 9999
# A reservation may be held for at most a week; a staff hold for a day by default.
MAX_TTL_MINUTES = 7 * 24 * 60

SKU_LIST_HELP = "One SKU or a comma list; the parameter may repeat."


# ---- requests -------------------------------------------------------------------------------


class ChannelParamMixin(serializers.Serializer):
    channel = serializers.CharField(
        required=False,
        max_length=32,
        help_text="Channel code; only for signed-in staff (a key implies its channel).",
    )


class AvailabilityAtStoreQuerySerializer(ChannelParamMixin):
    store = serializers.CharField(
        required=False, max_length=16, help_text="Store code; a POS key implies its own store."
    )
    sku = serializers.CharField(help_text=SKU_LIST_HELP + " At most 500.")


class AvailabilityAcrossStoresQuerySerializer(ChannelParamMixin):
    sku = serializers.CharField(max_length=64, help_text="One SKU.")
    lat = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Latitude to sort by distance."
    )
    lon = serializers.FloatField(
        required=False, min_value=-180, max_value=180, help_text="Longitude; give with `lat`."
    )
    click_and_collect = serializers.BooleanField(
        required=False, default=False, help_text="Only stores customers can collect from."
    )
    in_stock = serializers.BooleanField(
        required=False, default=False, help_text="Only stores with something available."
    )

    def validate(self, attrs):
        if ("lat" in attrs) != ("lon" in attrs):
            missing = "lon" if "lat" in attrs else "lat"
            raise serializers.ValidationError(
                {missing: "Give both `lat` and `lon`, or neither."}, code="required"
            )
        return attrs


class AvailabilityForChannelQuerySerializer(ChannelParamMixin):
    sku = serializers.CharField(help_text=SKU_LIST_HELP + " At most 500.")


class ReservationLineRequestSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False, max_length=64, help_text="SKU; or give `gtin`.")
    gtin = serializers.CharField(
        required=False,
        max_length=14,
        help_text="Any GTIN as scanned; a multipack GTIN reserves its pack quantity per unit.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)

    def validate(self, attrs):
        if bool(attrs.get("sku")) == bool(attrs.get("gtin")):
            raise serializers.ValidationError(
                {"sku": "Give exactly one of `sku` or `gtin`."}, code="required"
            )
        return attrs


class ReservationCreateSerializer(serializers.Serializer):
    store = serializers.CharField(
        required=False, max_length=16, help_text="Store code; a POS key implies its own store."
    )
    lines = ReservationLineRequestSerializer(many=True, allow_empty=False)
    reference = serializers.CharField(
        max_length=50,
        help_text=(
            "Your order or basket id; release and extend name it. Kept apart per channel "
            "(and per till for a POS key), so another channel's same id never collides."
        ),
    )
    reference_kind = serializers.ChoiceField(
        choices=[Reservation.ReferenceKind.ORDER, Reservation.ReferenceKind.CUSTOMER],
        default=Reservation.ReferenceKind.ORDER,
    )
    customer = serializers.UUIDField(required=False, help_text="The customer's public id.")
    ttl_minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TTL_MINUTES,
        help_text="How long to hold the stock (default: the service's reservation TTL).",
    )

    def validate_lines(self, lines):
        if len(lines) > MAX_RESERVATION_LINES:
            raise serializers.ValidationError(
                f"At most {MAX_RESERVATION_LINES} lines.", code="max_length"
            )
        return lines


class ReservationExtendSerializer(serializers.Serializer):
    expires_at = LocalDateTimeField(
        required=False, help_text=local_time_help(_("The new expiry time."))
    )
    ttl_minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TTL_MINUTES,
        help_text="Or: hold until this many minutes from now.",
    )

    def validate(self, attrs):
        if ("expires_at" in attrs) == ("ttl_minutes" in attrs):
            raise serializers.ValidationError(
                {"expires_at": "Give exactly one of `expires_at` or `ttl_minutes`."},
                code="required",
            )
        return attrs


class MovementQuerySerializer(serializers.Serializer):
    store = serializers.CharField(
        required=False, max_length=16, help_text="Store code; a POS key implies its own store."
    )
    sku = serializers.CharField(max_length=64)
    since = LocalDateTimeField(
        required=False, help_text=local_time_help(_("Only movements at or after this time."))
    )


# ---- answers --------------------------------------------------------------------------------


class StoreBriefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "kind",
            "city",
            "country",
            "latitude",
            "longitude",
            "click_and_collect",
            "ship_from_store",
        ]


class StockFiguresSerializer(serializers.Serializer):
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    buffer = serializers.IntegerField(help_text="Withheld from this channel (0 without one).")
    available = serializers.IntegerField(help_text="max(0, on_hand - reserved - buffer).")


class StockAvailabilitySerializer(StockFiguresSerializer):
    sku = serializers.CharField(source="product.sku")


class AvailabilityAtStoreSerializer(serializers.Serializer):
    store = serializers.CharField(source="store.code")
    channel = serializers.CharField(allow_null=True)
    results = StockAvailabilitySerializer(many=True)
    unknown_skus = serializers.ListField(child=serializers.CharField())


class StoreAvailabilitySerializer(StockFiguresSerializer):
    store = StoreBriefSerializer()
    distance_km = serializers.FloatField(allow_null=True)


def store_availability_data(row) -> dict:
    """``StoreAvailabilitySerializer(row).data`` built by hand: 200 stores a call, a hot path."""
    store = row.store
    return {
        "store": {
            "code": store.code,
            "name": store.name,
            "kind": store.kind,
            "city": store.city,
            "country": store.country.code,
            "latitude": str(store.latitude),
            "longitude": str(store.longitude),
            "click_and_collect": store.click_and_collect,
            "ship_from_store": store.ship_from_store,
        },
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "buffer": row.buffer,
        "available": row.available,
        "distance_km": None if row.distance_km is None else round(row.distance_km, 3),
    }


class AvailabilityAcrossStoresSerializer(serializers.Serializer):
    sku = serializers.CharField()
    channel = serializers.CharField(allow_null=True)
    results = StoreAvailabilitySerializer(many=True)


class ChannelAvailabilityLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    available = serializers.IntegerField()


class AvailabilityForChannelSerializer(serializers.Serializer):
    channel = serializers.CharField()
    results = ChannelAvailabilityLineSerializer(many=True)
    unknown_skus = serializers.ListField(child=serializers.CharField())


class ReservationLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")

    class Meta:
        model = Reservation
        fields = ["sku", "quantity", "status", "expires_at"]


class ReservationGroupSerializer(serializers.Serializer):
    """The lines reserved together under one reference at one store."""

    reference = serializers.CharField()
    reference_kind = serializers.CharField()
    store = serializers.CharField()
    channel = serializers.CharField(allow_null=True)
    customer = serializers.UUIDField(allow_null=True)
    status = serializers.CharField(
        help_text="active while any line is active, else the lines' final status."
    )
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    lines = ReservationLineSerializer(many=True)


class MovementSerializer(serializers.ModelSerializer):
    sku = serializers.SerializerMethodField()
    store = serializers.SerializerMethodField()

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "store",
            "sku",
            "kind",
            "quantity",
            "on_hand_after",
            "reason",
            "source_document",
            "source_key",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_sku(self, movement) -> str:
        return self.context["product"].sku

    @extend_schema_field(serializers.CharField())
    def get_store(self, movement) -> str:
        return self.context["store"].code
