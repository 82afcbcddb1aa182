from rest_framework import serializers

from loyalty.models import Membership, PointsEntry, StoredValueAccount, StoredValueEntry
from retail.api.fields import ChannelCurrencyField

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class JoinSerializer(serializers.Serializer):
    customer = serializers.UUIDField(help_text="The customer's public id.")


class MembershipSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer.public_id", read_only=True)
    tier = serializers.CharField(source="tier.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["member_number", "customer", "status", "joined_at", "points_balance", "tier"]


class PointsEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["kind", "points", "balance_after", "reason", "at", "expires_at"]


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    pin = serializers.CharField(max_length=20, required=False, allow_blank=True)


class BalanceSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(**MONEY)
    available = serializers.SerializerMethodField()

    class Meta:
        model = StoredValueAccount
        fields = ["kind", "balance", "available", "currency", "expires_at"]

    def get_available(self, account) -> str:
        return f"{account.balance - account.held:.2f}"


class AmountSerializer(CodeSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = ChannelCurrencyField()
    order_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class CaptureSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class RefundSerializer(serializers.Serializer):
    redemption_source_key = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class GiftCardSellSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = ChannelCurrencyField()
    code = serializers.CharField(
        max_length=40, required=False, help_text="A physical card to activate; else one is issued."
    )


class EntrySerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    balance_after = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(source="account.currency")
    code = serializers.CharField(source="account.code")

    class Meta:
        model = StoredValueEntry
        fields = ["kind", "code", "amount", "balance_after", "currency", "source_key", "at"]


class HoldSerializer(serializers.Serializer):
    source_key = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(source="account.currency")
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()
