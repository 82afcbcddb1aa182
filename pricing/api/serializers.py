"""Serializers of the pricing API: what a request may say and what an answer looks like.

Money is a decimal string with two decimals beside a ``currency`` code.
Requests are only parsed here; the rules (quantities, coupons, products) are
checked by the pricing selectors, which name the offending field.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pricing.api.hints import CouponResultSerializer, HintSerializer
from pricing.api.money import Money, Percent
from pricing.models import Campaign
from retail.api.fields import LocalDateTimeField, local_time_help
from retail.models import Language

MAX_BASKET_LINES = 500
MAX_COUPONS = 20
MAX_HINTS = 20
DEFAULT_HINTS = 3


# ---- requests ----------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999, "example": 1})
class QuantityField(serializers.Field):
    """Passed on as given: the pricing selector judges it and names the line."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class BasketLineSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False, max_length=64, help_text="SKU; or give `gtin`.")
    gtin = serializers.CharField(
        required=False, max_length=14, help_text="Any GTIN as scanned; a multipack counts its pack."
    )
    quantity = QuantityField(allow_null=True, help_text="Whole number from 1 to 9999.")
    line_id = serializers.CharField(
        required=False, max_length=64, help_text="Your name for the line (default: its position)."
    )

    def validate(self, attrs):
        if bool(attrs.get("sku")) == bool(attrs.get("gtin")):
            raise serializers.ValidationError(
                {"sku": "Give exactly one of sku or gtin."}, code="required"
            )
        return attrs


class ScopeRequestMixin(serializers.Serializer):
    channel = serializers.CharField(
        required=False,
        max_length=32,
        help_text="Channel code; only for signed-in staff (an API key implies its channel).",
    )
    store = serializers.CharField(
        required=False,
        max_length=16,
        help_text="Store code; a POS key prices for its own store and may not name another.",
    )
    customer = serializers.UUIDField(
        required=False, allow_null=True, help_text="The customer's public id."
    )
    at = LocalDateTimeField(
        required=False, help_text=local_time_help(_("The moment to price at; default now."))
    )


class BasketSerializer(ScopeRequestMixin):
    lines = BasketLineSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    coupons = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=MAX_COUPONS,
        help_text="Coupon codes presented by the customer.",
    )
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="Receipt texts, hint and coupon messages; default the Accept-Language "
        "header's (en, da, sv, nb), else the channel's.",
    )
    hints = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_HINTS,
        help_text=f"At most this many hints, the most valuable first (default {DEFAULT_HINTS}).",
    )
    rules_version = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The version of the offline rule snapshot a till priced with; the answer "
        "says whether it is still current.",
    )

    def validate_lines(self, lines):
        ids = [line.get("line_id") for line in lines if line.get("line_id")]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Line ids must be unique.", code="unique")
        return lines


class PriceLookupRequestSerializer(ScopeRequestMixin):
    sku = serializers.CharField(
        help_text="One SKU or a comma-separated list, up to 500; `sku` may also repeat."
    )


class RulesRequestSerializer(serializers.Serializer):
    channel = serializers.CharField(
        required=False, max_length=32, help_text="Channel code; only for signed-in staff."
    )
    store = serializers.CharField(
        required=False, max_length=16, help_text="Store code; a POS key defaults to its own store."
    )
    at = LocalDateTimeField(required=False, help_text=local_time_help(_("Default now.")))


class CampaignListRequestSerializer(serializers.Serializer):
    channel = serializers.CharField(
        required=False, max_length=32, help_text="Channel code; only for signed-in staff."
    )
    at = LocalDateTimeField(required=False, help_text=local_time_help(_("Default now.")))


# ---- the priced basket -------------------------------------------------------------------

PRIOR_PRICE_HELP = (
    "EU Omnibus prior price: the lowest public price applied to one unit in the 30 days "
    "before the reduction in force began (list price, or a public percent, amount or fixed "
    "price campaign), fixed while the reduction runs; null when no reduction is in force. "
    "Show it beside a reduced price."
)
LOWEST_30D_HELP = (
    "Rolling lowest public list price of the last 30 days, the current price included "
    "(campaigns not counted). Kept for existing clients; not the prior price of a reduction."
)


class DiscountSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign_code")
    name = serializers.CharField(source="campaign_name")
    kind = serializers.CharField()
    text = serializers.CharField(help_text="Receipt text in the requested language.")
    amount = Money()
    coupon = serializers.CharField(source="coupon_code", allow_null=True)


class PricedLineSerializer(serializers.Serializer):
    line_id = serializers.CharField()
    sku = serializers.CharField(source="line.sku")
    quantity = serializers.IntegerField(source="line.quantity")
    unit_price = Money(source="line.unit_price", help_text="Base price of one unit.")
    price_list = serializers.CharField(source="line.price_list_code")
    base_total = Money(source="line.base_total")
    discounts = DiscountSerializer(source="line.discounts", many=True)
    discount_total = Money()
    total = Money(source="line.total")
    vat_rate = Percent(source="line.vat_rate")
    vat_amount = Money(source="line.vat_amount")
    prior_price = Money(allow_null=True, help_text=PRIOR_PRICE_HELP)
    lowest_price_30d = Money(allow_null=True, help_text=LOWEST_30D_HELP)


class VatLineSerializer(serializers.Serializer):
    rate = Percent()
    gross = Money()
    net = Money()
    vat = Money()


class ApplicationUnitsSerializer(serializers.Serializer):
    line_id = serializers.CharField(help_text="The line, as the request named it.")
    quantity = serializers.IntegerField(help_text="Units of that line in one use.")


class ApplicationSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign_code")
    name = serializers.CharField(source="campaign_name")
    amount = Money(help_text="Discount of one use, shared by its units in proportion to price.")
    times = serializers.IntegerField(help_text="Uses of this shape (a 3 for 2 on 9 units: 3).")
    units = ApplicationUnitsSerializer(many=True, help_text="The units that formed one use.")


class CampaignTotalSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign_code")
    name = serializers.CharField(source="campaign_name")
    kind = serializers.CharField()
    text = serializers.CharField(help_text="Receipt text in the requested language.")
    amount = Money(help_text="What the campaign took off the whole basket.")
    applications = serializers.IntegerField(help_text="How many times it applied.")
    coupon = serializers.CharField(source="coupon_code", allow_null=True)


class RulesVersionSerializer(serializers.Serializer):
    given = serializers.CharField()
    current = serializers.CharField()
    is_current = serializers.BooleanField()


class PricedBasketSerializer(serializers.Serializer):
    """A ``pricing.quotes.BasketQuote`` as the API and the price simulator show it."""

    at = serializers.DateTimeField()
    currency = serializers.CharField(source="basket.currency")
    lines = PricedLineSerializer(many=True)
    subtotal = Money(source="basket.subtotal")
    discount_total = Money(source="basket.discount_total")
    total = Money(source="basket.total")
    vat = VatLineSerializer(source="basket.vat", many=True)
    hints = HintSerializer(
        source="basket.hints",
        many=True,
        help_text="What the customer could add or spend for a deal, the most valuable first.",
    )
    coupons = CouponResultSerializer(source="basket.coupons", many=True)
    applied_campaigns = serializers.ListField(
        source="basket.applied_campaigns", child=serializers.CharField()
    )
    campaigns = CampaignTotalSerializer(
        source="basket.campaigns",
        many=True,
        help_text="Applied campaigns with their total discount (a 3 for 2 -30.00).",
    )
    applications = ApplicationSerializer(
        many=True, help_text="Each use of a campaign with the lines and units that formed it."
    )
    rules_version = RulesVersionSerializer(
        allow_null=True, help_text="Only when the request gave a rules_version."
    )


# ---- price lookup ------------------------------------------------------------------------


class ProductPriceSerializer(serializers.Serializer):
    sku = serializers.CharField()
    currency = serializers.CharField()
    price = Money(help_text="One unit with the campaigns that apply to it alone.")
    ordinary_price = Money(help_text="Without campaigns (a member or contract price if any).")
    price_list = serializers.CharField(source="price_list_code")
    prior_price = Money(allow_null=True, help_text=PRIOR_PRICE_HELP)
    lowest_price_30d = Money(allow_null=True, help_text=LOWEST_30D_HELP)
    campaigns = serializers.ListField(source="campaign_codes", child=serializers.CharField())


class PriceLookupSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    currency = serializers.CharField()
    results = ProductPriceSerializer(many=True)


_CENT = Decimal("0.01")


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def product_price_data(price) -> dict:
    """``ProductPriceSerializer(price).data`` as a plain dict, at a fraction of its cost.

    A listing page asks for hundreds of prices; the serializer stays the schema
    (and a test holds the two to the same answer).
    """
    return {
        "sku": price.sku,
        "currency": price.currency,
        "price": _money(price.price),
        "ordinary_price": _money(price.ordinary_price),
        "price_list": price.price_list_code,
        "prior_price": _money(price.prior_price),
        "lowest_price_30d": _money(price.lowest_price_30d),
        "campaigns": list(price.campaign_codes),
    }


# ---- campaigns ---------------------------------------------------------------------------


class CampaignTargetSerializer(serializers.Serializer):
    group = serializers.IntegerField()
    quantity = serializers.IntegerField()
    exclude = serializers.BooleanField()
    type = serializers.CharField()
    code = serializers.CharField(help_text="SKU, category code, brand code or product set code.")
    name = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="Receipt text in the channel's language.")
    customer_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    percent = Percent(allow_null=True)
    amount = Money(allow_null=True)
    price = Money(allow_null=True)
    threshold_amount = Money(allow_null=True)
    gift_product = serializers.SlugRelatedField(slug_field="sku", read_only=True, allow_null=True)
    targets = serializers.SerializerMethodField()
    target_summary = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "text",
            "kind",
            "stacking",
            "priority",
            "valid_from",
            "valid_to",
            "requires_coupon",
            "customer_groups",
            "currency",
            "percent",
            "amount",
            "price",
            "buy_quantity",
            "pay_quantity",
            "mix_benefit",
            "threshold_amount",
            "gift_product",
            "gift_quantity",
            "max_applications",
            "targets",
            "target_summary",
        ]

    def get_text(self, campaign) -> str:
        language = self.context.get("language", "en")
        texts = campaign.receipt_text or {}
        return texts.get(language) or texts.get("en") or campaign.name

    @extend_schema_field(CampaignTargetSerializer(many=True))
    def get_targets(self, campaign):
        return CampaignTargetSerializer(
            [_target_row(t) for t in campaign.targets.all()], many=True
        ).data

    def get_target_summary(self, campaign) -> str:
        """E.g. "2 products, category Coffee beans; not brand Dugg", or "the whole basket"."""
        includes: dict[str, list[str]] = {}
        excludes: list[str] = []
        for target in campaign.targets.all():
            row = _target_row(target)
            if target.exclude:
                excludes.append(f"{row['type'].replace('_', ' ')} {row['name']}")
            else:
                includes.setdefault(row["type"], []).append(row["name"])
        parts = []
        for kind, names in includes.items():
            label = kind.replace("_", " ")
            if len(names) > 3:
                parts.append(f"{len(names)} {label}s")
            else:
                parts.extend(f"{label} {name}" for name in names)
        summary = ", ".join(parts) or "the whole basket"
        if excludes:
            summary += "; not " + ", ".join(excludes)
        return summary


def _target_row(target) -> dict:
    for kind, attr, key in (
        ("product", "product", "sku"),
        ("category", "category", "code"),
        ("brand", "brand", "code"),
        ("product_set", "product_set", "code"),
    ):
        value = getattr(target, attr)
        if value is not None:
            return {
                "group": target.group,
                "quantity": target.quantity,
                "exclude": target.exclude,
                "type": kind,
                "code": getattr(value, key),
                "name": value.name,
            }
    raise ValueError("a campaign target names nothing")  # the CHECK constraint forbids it
