"""Serializers of the core API: thin shapes, no business rules."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from retail.api.fields import WallClockTimeField
from retail.models import (
    ApiClient,
    Channel,
    Customer,
    CustomerExternalId,
    Language,
    OpeningHours,
    Product,
    ProductGtin,
    SpecialOpeningHours,
    Store,
)
from retail.selectors import customer_group_codes


class ChannelSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Channel
        fields = ["code", "name", "kind", "country", "currency", "language", "is_active"]


class OpeningHoursSerializer(serializers.ModelSerializer):
    opens_at = WallClockTimeField()
    closes_at = WallClockTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]


class SpecialOpeningHoursSerializer(serializers.ModelSerializer):
    opens_at = WallClockTimeField(allow_null=True)
    closes_at = WallClockTimeField(allow_null=True)

    class Meta:
        model = SpecialOpeningHours
        fields = ["date", "is_closed", "opens_at", "closes_at", "note"]


class StoreSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    phone = serializers.CharField()
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    special_hours = serializers.SerializerMethodField()

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "kind",
            "country",
            "time_zone",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "latitude",
            "longitude",
            "click_and_collect",
            "ship_from_store",
            "is_active",
            "opening_hours",
            "special_hours",
        ]

    @extend_schema_field(SpecialOpeningHoursSerializer(many=True))
    def get_special_hours(self, store):
        # Only what is still ahead; prefetched by the view.
        today = timezone.now().date()
        upcoming = [s for s in store.special_hours.all() if s.date >= today]
        return SpecialOpeningHoursSerializer(upcoming, many=True).data


class GtinSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductGtin
        fields = ["gtin", "gtin14", "pack_quantity", "is_primary"]


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProductSerializer(serializers.ModelSerializer):
    brand = CodeNameSerializer(allow_null=True)
    category = CodeNameSerializer()
    vat_class = serializers.CharField(source="vat_class.code")
    gtins = GtinSerializer(many=True)

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "brand",
            "category",
            "vat_class",
            "gtins",
            "attributes",
            "is_active",
        ]


class ConsentSerializer(serializers.Serializer):
    granted = serializers.BooleanField()
    changed_at = serializers.DateTimeField(allow_null=True)


class ExternalIdSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerExternalId
        fields = ["kind", "value"]


class CustomerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    phone = serializers.CharField()
    preferred_store = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    consents = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()
    external_ids = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "member_number",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "preferred_store",
            "consents",
            "groups",
            "external_ids",
        ]

    @extend_schema_field(serializers.DictField(child=ConsentSerializer()))
    def get_consents(self, customer):
        return {
            "email": {
                "granted": customer.email_marketing_consent,
                "changed_at": customer.email_marketing_consent_at,
            },
            "sms": {
                "granted": customer.sms_marketing_consent,
                "changed_at": customer.sms_marketing_consent_at,
            },
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_groups(self, customer):
        return sorted(customer_group_codes(customer=customer))

    @extend_schema_field(ExternalIdSerializer(many=True))
    def get_external_ids(self, customer):
        # A channel sees its own ids for the customer, never another channel's.
        channel = self.context.get("channel")
        if channel is None:
            return []
        ids = customer.external_ids.filter(channel=channel).order_by("kind", "value")
        return ExternalIdSerializer(ids, many=True).data


class TillCustomerSerializer(CustomerSerializer):
    """The customer as a till sees them: who is at the counter, no e-mail, phone or consents."""

    class Meta(CustomerSerializer.Meta):
        fields = ["id", "member_number", "first_name", "last_name", "language", "groups"]


class CustomerLookupResultSerializer(CustomerSerializer):
    """The schema of a lookup's answer: a ``Customer``, less what a till is not shown.

    Only the OpenAPI document uses it; the view renders ``CustomerSerializer`` or,
    for a till, ``TillCustomerSerializer``.
    """

    email = serializers.EmailField(required=False, help_text="Not shown to a till.")
    phone = serializers.CharField(required=False, help_text="Not shown to a till.")
    preferred_store = serializers.CharField(
        required=False, allow_null=True, help_text="Not shown to a till."
    )
    consents = serializers.DictField(
        child=ConsentSerializer(), required=False, help_text="Not shown to a till."
    )
    external_ids = ExternalIdSerializer(
        many=True, required=False, help_text="This channel's ids; not shown to a till."
    )

    class Meta(CustomerSerializer.Meta):
        ref_name = "CustomerLookupResult"


class CustomerLookupSerializer(serializers.Serializer):
    member_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    external_id_kind = serializers.ChoiceField(
        choices=CustomerExternalId.Kind.choices, required=False, allow_blank=True
    )


class CustomerCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    preferred_store = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Store.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    external_id_kind = serializers.ChoiceField(
        choices=CustomerExternalId.Kind.choices, default=CustomerExternalId.Kind.ACCOUNT
    )
    email_marketing_consent = serializers.BooleanField(default=False)
    sms_marketing_consent = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError(
                {"email": "Give an e-mail address or a phone number."}, code="required"
            )
        if attrs.get("email_marketing_consent") and not attrs.get("email"):
            raise serializers.ValidationError(
                {"email_marketing_consent": "E-mail consent needs an e-mail address."},
                code="invalid",
            )
        if attrs.get("sms_marketing_consent") and not attrs.get("phone"):
            raise serializers.ValidationError(
                {"sms_marketing_consent": "SMS consent needs a phone number."}, code="invalid"
            )
        return attrs


class ApiClientSerializer(serializers.ModelSerializer):
    channel = ChannelSerializer(allow_null=True, help_text="Null for a signed-in user.")
    store = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="A POS key's store."
    )

    class Meta:
        model = ApiClient
        fields = ["name", "channel", "store"]
