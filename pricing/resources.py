"""django-import-export resources of pricing: the spreadsheet layout of prices, campaigns, coupons.

The column names are the documented import contract (``docs/imports.md``);
exports use these resources, so an export reads back as an import that
changes nothing.  Cells are raw values (Decimal, datetime, text): the
``imports`` app formats dates and neutralises formulas when it writes a file.
Writes never go around the services: a resource used for a plain
django-import-export import saves prices with ``price_entry_set`` and coupon
codes with ``coupon_code_create``; the fast checked import is ``imports``.
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from pricing.models import Campaign, CouponCode, PriceList, PriceListEntry
from pricing.services.coupons import coupon_code_create
from pricing.services.prices import price_entry_set
from retail.models import Product

PRICE_COLUMNS = ("price_list", "sku", "price", "valid_from", "valid_to")
CAMPAIGN_COLUMNS = (
    "code",
    "name",
    "kind",
    "offer",
    "currency",
    "status",
    "valid_from",
    "valid_to",
    "priority",
    "stacking",
    "requires_coupon",
    "max_applications",
    "threshold",
    "channels",
    "stores",
    "customer_groups",
    "products",
    "categories",
    "brands",
    "exclude_products",
)
COUPON_COLUMNS = (
    "campaign",
    "code",
    "generate",
    "prefix",
    "max_uses",
    "max_uses_per_customer",
    "valid_from",
    "valid_to",
)


class PriceListEntryResource(resources.ModelResource):
    """One row per price list entry: ``price_list, sku, price, valid_from, valid_to``."""

    price_list = fields.Field(
        attribute="price_list",
        column_name="price_list",
        widget=widgets.ForeignKeyWidget(PriceList, "code"),
    )
    sku = fields.Field(
        attribute="product", column_name="sku", widget=widgets.ForeignKeyWidget(Product, "sku")
    )
    price = fields.Field(attribute="amount", column_name="price", widget=widgets.DecimalWidget())
    valid_from = fields.Field(attribute="valid_from", column_name="valid_from")
    valid_to = fields.Field(attribute="valid_to", column_name="valid_to")

    class Meta:
        model = PriceListEntry
        fields = PRICE_COLUMNS
        export_order = PRICE_COLUMNS
        import_id_fields = ("price_list", "sku", "valid_from")

    def get_queryset(self):
        return PriceListEntry.objects.select_related("price_list", "product").order_by(
            "price_list__code", "product__sku", "valid_from"
        )

    def dehydrate_price_list(self, entry):
        return entry.price_list.code

    def dehydrate_sku(self, entry):
        return entry.product.sku

    def dehydrate_price(self, entry):
        return entry.amount

    def dehydrate_valid_from(self, entry):
        return entry.valid_from

    def dehydrate_valid_to(self, entry):
        return entry.valid_to

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save through ``price_entry_set``: history row (source ``import``) and revision bump."""
        if kwargs.get("dry_run"):
            return
        price_entry_set(
            price_list=instance.price_list,
            product=instance.product,
            amount=instance.amount,
            valid_from=instance.valid_from,
            valid_to=instance.valid_to,
            user=kwargs.get("user"),
            source="import",
        )


def _codes(related) -> list[str]:
    return sorted(obj.code for obj in related.all())


class CampaignResource(resources.ModelResource):
    """One row per campaign; its targets and scope are list columns (codes or SKUs)."""

    class Meta:
        model = Campaign
        fields = CAMPAIGN_COLUMNS
        export_order = CAMPAIGN_COLUMNS
        import_id_fields = ("code",)

    offer = fields.Field(column_name="offer")
    threshold = fields.Field(column_name="threshold")
    channels = fields.Field(column_name="channels")
    stores = fields.Field(column_name="stores")
    customer_groups = fields.Field(column_name="customer_groups")
    products = fields.Field(column_name="products")
    categories = fields.Field(column_name="categories")
    brands = fields.Field(column_name="brands")
    exclude_products = fields.Field(column_name="exclude_products")

    def get_queryset(self):
        return (
            Campaign.objects.exclude(
                kind__in=[Campaign.Kind.BUNDLE, Campaign.Kind.GIFT_WITH_PURCHASE]
            )
            .prefetch_related(
                "channels",
                "stores",
                "customer_groups",
                "targets__product",
                "targets__category",
                "targets__brand",
            )
            .order_by("code")
        )

    def dehydrate_offer(self, campaign):
        return campaign_offer_text(campaign)

    def dehydrate_threshold(self, campaign):
        return campaign.threshold_amount

    def dehydrate_valid_from(self, campaign):
        return campaign.valid_from

    def dehydrate_valid_to(self, campaign):
        return campaign.valid_to

    def dehydrate_requires_coupon(self, campaign):
        return "yes" if campaign.requires_coupon else "no"

    def dehydrate_channels(self, campaign):
        return ", ".join(_codes(campaign.channels))

    def dehydrate_stores(self, campaign):
        return ", ".join(_codes(campaign.stores))

    def dehydrate_customer_groups(self, campaign):
        return ", ".join(_codes(campaign.customer_groups))

    def _targets(self, campaign, attribute: str, *, exclude: bool = False) -> str:
        values = []
        for target in campaign.targets.all():
            obj = getattr(target, attribute)
            if target.group == 0 and target.exclude == exclude and obj is not None:
                values.append(obj.sku if attribute == "product" else obj.code)
        return ", ".join(sorted(values))

    def dehydrate_products(self, campaign):
        return self._targets(campaign, "product")

    def dehydrate_categories(self, campaign):
        return self._targets(campaign, "category")

    def dehydrate_brands(self, campaign):
        return self._targets(campaign, "brand")

    def dehydrate_exclude_products(self, campaign):
        return self._targets(campaign, "product", exclude=True)


def campaign_offer_text(campaign: Campaign) -> str:
    """The ``offer`` cell of a campaign: ``20%``, ``10.00``, ``3 for 2`` or ``2 for 100.00``."""
    kind = campaign.kind
    if kind == Campaign.Kind.PERCENT_OFF or (
        kind in (Campaign.Kind.SPEND_THRESHOLD, Campaign.Kind.MIX_MATCH)
        and campaign.percent is not None
    ):
        percent = campaign.percent.normalize()
        text = f"{percent:f}%"
        if kind == Campaign.Kind.MIX_MATCH:
            return f"{campaign.buy_quantity} for {text}"
        return text
    if kind == Campaign.Kind.AMOUNT_OFF or kind == Campaign.Kind.SPEND_THRESHOLD:
        return f"{campaign.amount:f}"
    if kind == Campaign.Kind.FIXED_PRICE:
        return f"{campaign.price:f}"
    if campaign.price is not None:
        return f"{campaign.buy_quantity} for {campaign.price:f}"
    if campaign.pay_quantity is None:  # mix & match, cheapest free: one unit of the group
        return f"{campaign.buy_quantity} for {(campaign.buy_quantity or 1) - 1}"
    return f"{campaign.buy_quantity} for {campaign.pay_quantity}"


class CouponCodeResource(resources.ModelResource):
    """One row per code: ``campaign, code`` and its limits; ``generate`` is import-only."""

    campaign = fields.Field(
        attribute="campaign",
        column_name="campaign",
        widget=widgets.ForeignKeyWidget(Campaign, "code"),
    )
    generate = fields.Field(column_name="generate")
    prefix = fields.Field(column_name="prefix")

    class Meta:
        model = CouponCode
        fields = COUPON_COLUMNS
        export_order = COUPON_COLUMNS
        import_id_fields = ("code",)

    def get_queryset(self):
        return CouponCode.objects.select_related("campaign").order_by("campaign__code", "code")

    def dehydrate_campaign(self, coupon):
        return coupon.campaign.code

    def dehydrate_generate(self, coupon):
        return ""

    def dehydrate_prefix(self, coupon):
        return ""

    def dehydrate_valid_from(self, coupon):
        return coupon.valid_from

    def dehydrate_valid_to(self, coupon):
        return coupon.valid_to

    def save_instance(self, instance, is_create, row, **kwargs):
        """Create new codes through ``coupon_code_create``; existing codes are left as they are."""
        if kwargs.get("dry_run") or not is_create:
            return
        coupon_code_create(
            campaign=instance.campaign,
            code=instance.code,
            max_uses=instance.max_uses,
            max_uses_per_customer=instance.max_uses_per_customer,
            valid_from=instance.valid_from,
            valid_to=instance.valid_to,
        )


__all__ = [
    "CampaignResource",
    "CouponCodeResource",
    "PriceListEntryResource",
    "campaign_offer_text",
]
