"""The engine's vocabulary: frozen dataclasses in, frozen dataclasses out.

The engine imports no Django model.  ``pricing.loader`` builds the inputs
from the database; tests build them by hand.  Money is ``Decimal`` in the
``currency`` of the context, VAT-inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# Kinds and policies mirror pricing.models.CampaignKind / StackingPolicy / MixBenefit values.
PERCENT_OFF = "percent_off"
AMOUNT_OFF = "amount_off"
FIXED_PRICE = "fixed_price"
MULTIBUY = "multibuy"
MIX_MATCH = "mix_match"
BUNDLE = "bundle"
SPEND_THRESHOLD = "spend_threshold"
GIFT_WITH_PURCHASE = "gift_with_purchase"

EXCLUSIVE = "exclusive"
BEST_PRICE = "best_price"
COMPOUND = "compound"

BENEFIT_FIXED_PRICE = "fixed_price"
BENEFIT_CHEAPEST_FREE = "cheapest_free"
BENEFIT_CHEAPEST_PERCENT = "cheapest_percent"


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What the engine knows of a product: enough to match targets and to split VAT."""

    product_id: int
    sku: str
    name: str
    category_ids: frozenset[int]  # its category and every ancestor
    brand_id: int | None
    set_ids: frozenset[int]  # the ProductSets it belongs to
    vat_rate: Decimal  # percent, for the store's/channel's country at ``at``


@dataclass(frozen=True, slots=True)
class PriceRule:
    """One price list entry that could price a product (scope empty = all)."""

    price_list_code: str
    priority: int
    product_id: int
    amount: Decimal
    valid_from: datetime
    valid_to: datetime | None
    channel_ids: frozenset[int] = frozenset()
    store_ids: frozenset[int] = frozenset()
    group_codes: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return not self.group_codes


@dataclass(frozen=True, slots=True)
class Target:
    """Products a campaign (or a bundle component) applies to; matches if any include
    matches and no exclude matches.  ``quantity`` is a bundle component's count."""

    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    brand_ids: frozenset[int] = frozenset()
    set_ids: frozenset[int] = frozenset()
    exclude_product_ids: frozenset[int] = frozenset()
    exclude_category_ids: frozenset[int] = frozenset()
    exclude_brand_ids: frozenset[int] = frozenset()
    exclude_set_ids: frozenset[int] = frozenset()
    quantity: int = 1
    # A spend threshold on the whole basket: every product matches.
    everything: bool = False

    def matches(self, product: ProductInfo) -> bool:
        if (
            product.product_id in self.exclude_product_ids
            or product.category_ids & self.exclude_category_ids
            or (product.brand_id is not None and product.brand_id in self.exclude_brand_ids)
            or product.set_ids & self.exclude_set_ids
        ):
            return False
        return (
            self.everything
            or product.product_id in self.product_ids
            or bool(product.category_ids & self.category_ids)
            or (product.brand_id is not None and product.brand_id in self.brand_ids)
            or bool(product.set_ids & self.set_ids)
        )


@dataclass(frozen=True, slots=True)
class CampaignRule:
    """A campaign as the engine sees it.  Scope sets empty = all.

    Parameters by kind (see pricing.models.Campaign): percent, amount, price,
    buy_quantity, pay_quantity, mix_benefit, threshold_amount, gift_product_id,
    gift_quantity; ``components`` are a bundle's targets (each with quantity).
    """

    campaign_id: int
    code: str
    name: str
    kind: str
    stacking: str
    priority: int
    valid_from: datetime
    valid_to: datetime | None
    target: Target
    receipt_text: tuple[tuple[str, str], ...] = ()  # (language, text) pairs
    currency: str | None = None
    channel_ids: frozenset[int] = frozenset()
    store_ids: frozenset[int] = frozenset()
    group_codes: frozenset[str] = frozenset()
    requires_coupon: bool = False
    max_applications: int | None = None
    percent: Decimal | None = None
    amount: Decimal | None = None
    price: Decimal | None = None
    buy_quantity: int | None = None
    pay_quantity: int | None = None
    mix_benefit: str = ""
    threshold_amount: Decimal | None = None
    gift_product_id: int | None = None
    gift_quantity: int = 1
    components: tuple[Target, ...] = ()
    # spend_threshold: ``amount`` off per full ``threshold_amount`` spent, up to
    # ``max_applications`` steps ("5.00 off per 30.00 spent").
    repeats: bool = False

    def text(self, language: str) -> str:
        texts = dict(self.receipt_text)
        return texts.get(language) or texts.get("en") or self.name


@dataclass(frozen=True, slots=True)
class Named:
    """Something a campaign targets, as a customer would read it: code (SKU) and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class References:
    """Names of what the campaigns target, for hints and coupon reasons.

    ``addable``: products not in the basket that a hint may ask to add
    (a bundle's missing component, a gift), only when active; their prices
    are in ``Rules.prices`` (so "sold in this channel and store" is the
    ordinary base-price rule).  Keys of ``names`` are ("product" | "category"
    | "brand" | "set", id).
    """

    addable: frozenset[int] = frozenset()
    names: dict[tuple[str, int], Named] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything in force that can touch one basket (from the loader, or built by hand)."""

    products: dict[int, ProductInfo]
    prices: tuple[PriceRule, ...]
    campaigns: tuple[CampaignRule, ...]
    references: References = field(default_factory=References)


@dataclass(frozen=True, slots=True)
class PricingContext:
    """Who buys where and when.  ``unlocked_campaign_ids``: campaigns whose coupon was
    presented and is valid for this customer now (the loader checks the codes)."""

    at: datetime
    currency: str
    language: str = "en"
    channel_id: int | None = None
    store_id: int | None = None
    customer_id: int | None = None
    group_codes: frozenset[str] = frozenset()
    unlocked_campaign_ids: frozenset[int] = frozenset()
    # code -> campaign id, for reporting per presented coupon whether it applied
    coupon_campaigns: tuple[tuple[str, int], ...] = ()
    # At most this many hints, the most valuable first.
    hint_limit: int = 3


@dataclass(frozen=True, slots=True)
class BasketLine:
    line_id: str
    product_id: int
    quantity: int


# ---- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Discount:
    """One campaign's share of a line's discount, in minor units of the currency."""

    campaign_code: str
    campaign_name: str
    kind: str
    text: str  # receipt text in the context's language
    amount: Decimal
    coupon_code: str | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_id: str
    product_id: int
    sku: str
    quantity: int
    unit_price: Decimal  # base price per unit
    price_list_code: str
    base_total: Decimal  # unit_price * quantity
    discounts: tuple[Discount, ...]  # line-level and allocated basket-level discounts
    total: Decimal  # base_total - sum(discounts); sums exactly to the basket total
    vat_rate: Decimal
    vat_amount: Decimal
    # What each unit pays, lowest first; sums to ``total``.  The same goods get the
    # same shares however they are split into lines, so a return refunds its own.
    unit_paid: tuple[Decimal, ...] = ()


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    gross: Decimal
    net: Decimal
    vat: Decimal


# Hint kinds
ADD_QUANTITY = "add_quantity"  # more units of a product (or from a set, category, brand)
COMPLETE_BUNDLE = "complete_bundle"  # the missing component of a bundle
SPEND_MORE = "spend_more"  # more spend on the target (or the basket)
ADD_GIFT = "add_gift"  # the gift is earned but not in the basket

# Target types of a hint or a coupon reason
TARGET_PRODUCT = "product"
TARGET_CATEGORY = "category"
TARGET_BRAND = "brand"
TARGET_SET = "set"
TARGET_BASKET = "basket"

# What a hint's reward is, so a message can say it ("3 for 2", "10% off", "a free mug")
REWARD_FREE_UNITS = "free_units"  # ``size`` for ``pay``
REWARD_GROUP_PRICE = "group_price"  # ``size`` for ``price``
REWARD_CHEAPEST_PERCENT = "cheapest_percent"  # ``percent`` off the cheapest of ``size``
REWARD_PERCENT = "percent"  # ``percent`` off
REWARD_AMOUNT = "amount"  # ``price`` off (a repeating step: ``another`` is true)
REWARD_BUNDLE = "bundle"  # the set for ``price``
REWARD_GIFT = "gift"  # ``quantity`` x ``target``/gift free


@dataclass(frozen=True, slots=True)
class HintTarget:
    """What to add or spend on: ``type`` is one of the TARGET_* values; ``code`` is the
    SKU or the category, brand or set code (empty for the basket)."""

    type: str
    code: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class HintReward:
    """What the customer gets: ``amount`` is the discount unlocked (for ranking and
    showing), the rest says the deal in words (see the REWARD_* values)."""

    kind: str
    amount: Decimal
    size: int | None = None
    pay: int | None = None
    price: Decimal | None = None
    percent: Decimal | None = None
    gift: HintTarget | None = None
    quantity: int = 1
    another: bool = False


@dataclass(frozen=True, slots=True)
class Hint:
    """A nudge the customer can act on: add ``missing_quantity`` of ``target`` or
    spend ``missing_amount`` more on it to get ``reward``.  Structured only: the
    message is rendered in the customer's language outside the engine."""

    kind: str
    campaign_code: str
    target: HintTarget
    reward: HintReward
    missing_quantity: int | None = None
    missing_amount: Decimal | None = None
    campaign_name: str = ""


# Why a valid coupon gave nothing
COUPON_NO_ITEMS = "no_qualifying_items"
COUPON_SPEND_SHORT = "spend_short"
COUPON_QUANTITY_SHORT = "quantity_short"
COUPON_BETTER_OFFER = "better_offer_applies"
COUPON_OTHER_CHANNEL = "other_channel"
COUPON_OTHER_STORE = "other_store"
COUPON_CUSTOMER_GROUP = "customer_group"
COUPON_OTHER_CURRENCY = "other_currency"
COUPON_NOT_STARTED = "not_started"
COUPON_ENDED = "ended"
COUPON_NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class CouponResult:
    """A presented, valid coupon: ``applied``, or ``reason`` (a COUPON_* code) why not.

    ``targets``: what the offer applies to (for "nothing in the basket is part
    of the offer"); ``hint``: how far the basket is (spend or quantity short);
    ``by``: the campaigns that took its items instead (a better offer).
    """

    code: str
    applied: bool
    reason: str = ""
    targets: tuple[HintTarget, ...] = ()
    hint: Hint | None = None
    by: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApplicationUnits:
    """``quantity`` units of line ``line_id`` taking part in one application."""

    line_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CampaignApplication:
    """One use of a campaign: the units that formed it and its discount (rounded once,
    then shared by those units by price).  ``times`` > 1: that many uses, each of the
    same number of units from the same lines (a 3 for 2 on a line of 9 is 3 uses)."""

    campaign_code: str
    campaign_name: str
    amount: Decimal  # of one use
    units: tuple[ApplicationUnits, ...]
    times: int = 1


@dataclass(frozen=True, slots=True)
class CampaignTotal:
    """An applied campaign and what it took off the basket in all."""

    campaign_code: str
    campaign_name: str
    kind: str
    text: str
    amount: Decimal
    applications: int  # uses, repeats counted
    coupon_code: str | None = None


@dataclass(frozen=True, slots=True)
class PricedBasket:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Decimal  # sum of base totals
    discount_total: Decimal
    total: Decimal
    vat: tuple[VatLine, ...]
    hints: tuple[Hint, ...] = ()
    coupons: tuple[CouponResult, ...] = ()
    applied_campaigns: tuple[str, ...] = field(default=())
    applications: tuple[CampaignApplication, ...] = ()
    campaigns: tuple[CampaignTotal, ...] = ()
