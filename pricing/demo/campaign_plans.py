"""The demo's campaigns, planned without a database: about 200 of every kind and policy.

Their validity lies around *today*, so offers are live whenever the demo is
run: most are running, some start soon, some ended, some are paused or
drafts.  About one in five is for members (or loyalty tiers) only, some are
online-only or in-store-only, and the named ones (``special_plans``) need a
coupon code.  Each generated campaign draws from its own generator, so one
never shifts another.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from pricing.demo.prices import PER_DKK, ProductRow, public_price, shop_price
from pricing.models import Campaign
from retail.demo.data.catalog import BRANDS, department_leaves
from retail.demo.data.locations import HANDMADE_STORES, MARKET_CHANNELS, MARKETS

GENERATED_CAMPAIGNS = 195
KINDS = tuple(Campaign.Kind.values)
KIND_CODES = {
    "percent_off": "PCT",
    "amount_off": "AMT",
    "fixed_price": "FIX",
    "multibuy": "MULTI",
    "mix_match": "MIX",
    "bundle": "BNDL",
    "spend_threshold": "SPEND",
    "gift_with_purchase": "GIFT",
}
STACKINGS = (
    Campaign.Stacking.BEST_PRICE,
    Campaign.Stacking.COMPOUND,
    Campaign.Stacking.EXCLUSIVE,
)
# Spend-based campaigns compete for the basket (best price) instead of piling up.
BASKET_KINDS = {"spend_threshold", "gift_with_purchase"}
MONEY_PARAMS = {"amount", "price", "threshold_amount"}
NEEDS_PRODUCTS = {"fixed_price", "bundle", "gift_with_purchase"}
# Texts in the market's language and English; "{what}" is the deal.
TEXT_LANGUAGES = {"DK": "da", "SE": "sv", "NO": "nb"}
OFF_WORD = {"da": "rabat", "sv": "rabatt", "nb": "rabatt", "en": "off"}
# (code, name, category codes) of the mix & match sets.
PRODUCT_SETS = (
    ("COFFEE-MIX", "Coffee mix & match", ("FOOD-COFFEE-BEANS", "FOOD-COFFEE-GROUND")),
    ("TEA-TIME", "Tea time", ("FOOD-TEA", "FOOD-SWEETS")),
    ("PANTRY", "Pantry basics", ("FOOD-PASTA", "FOOD-OILS", "FOOD-SPICES")),
    ("CARE-TRIO", "Skin and hair care", ("BEAUTY-SKIN", "BEAUTY-HAIR")),
    ("KIDS-BASICS", "Kids' basics", ("CLO-K-BASICS",)),
    ("BOOK-SHELF", "Books for the shelf", ("BOOKS-COOKING", "BOOKS-FICTION", "BOOKS-KIDS")),
    ("BATH-LINEN", "Bath and bed linen", ("HOME-BATH", "HOME-BEDDING")),
    ("OUTDOOR", "Outdoor gear", ("SPORT-CAMPING", "SPORT-BAGS")),
)
SET_SIZE = 30
MULTIBUY_CATEGORIES = (
    "FOOD-COFFEE-BEANS",
    "FOOD-TEA",
    "FOOD-PASTA",
    "FOOD-SWEETS",
    "FOOD-DRINKS",
    "BEAUTY-HAIR",
    "CLO-ACCESSORIES",
)
WELCOME_CODES = {"DK": "WELCOME10", "SE": "VALKOMMEN10", "NO": "VELKOMMEN10"}
PERSONAL_CAMPAIGN, PERSONAL_BATCH_SIZE = "DK-PERSONAL-100", 100


@dataclass(frozen=True)
class TargetPlan:
    group: int = 0
    quantity: int = 1
    exclude: bool = False
    product: str | None = None
    category: str | None = None
    brand: str | None = None
    product_set: str | None = None


@dataclass(frozen=True)
class CampaignPlan:
    code: str
    name: str
    texts: dict[str, str]
    kind: str
    valid_from: datetime
    valid_to: datetime | None
    status: str = Campaign.Status.ACTIVE
    stacking: str = Campaign.Stacking.BEST_PRICE
    priority: int = 0
    currency: str = ""
    channels: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    requires_coupon: bool = False
    max_applications: int | None = None
    params: dict = field(default_factory=dict)
    targets: tuple[TargetPlan, ...] = ()


def _texts(country: str, en: str, local: str | None = None) -> dict[str, str]:
    return {TEXT_LANGUAGES[country]: local or en, "en": en}


def _money(rng: random.Random, choices: tuple[int, ...], currency: str) -> Decimal:
    return (Decimal(rng.choice(choices)) * PER_DKK[currency]).quantize(Decimal(1))


class _Planner:
    """Draws the campaigns; each from its own generator, so one never shifts another."""

    def __init__(self, *, products: list[ProductRow], today: datetime):
        self.today = today
        self.products = products
        self.leaves = [leaf for _d, leaf in department_leaves()]
        self.leaf_names = {leaf.code: leaf.name for leaf in self.leaves}

    def plan(self, index: int, rng: random.Random) -> CampaignPlan:
        market = MARKETS[(index // len(KINDS)) % len(MARKETS)]
        kind = KINDS[index % len(KINDS)]
        if kind in NEEDS_PRODUCTS and not self.products:
            kind = Campaign.Kind.PERCENT_OFF
        code = f"{market.country}-{KIND_CODES[kind]}-{index:03d}"
        valid_from, valid_to, status = self._when(rng)
        channels = self._channels(rng, market.country)
        stores = ()
        if channels == (f"POS-{market.country}",) and rng.random() < 0.3:
            flagship = next(s.code for s in HANDMADE_STORES if s.code[:2] == market.country)
            stores = (flagship,)
        roll = rng.random()
        groups = ("MEMBER",) if roll < 0.15 else ("GOLD", "SILVER") if roll < 0.2 else ()
        name, params, targets = getattr(self, f"_{kind}")(rng, market.currency)
        who = " (members)" if groups else ""
        return CampaignPlan(
            code=code,
            name=f"{name}{who}",
            texts=_texts(market.country, name),
            kind=kind,
            valid_from=valid_from,
            valid_to=valid_to,
            status=status,
            stacking=(
                Campaign.Stacking.BEST_PRICE
                if kind in BASKET_KINDS
                else rng.choices(STACKINGS, weights=(5, 3, 1))[0]
            ),
            priority=rng.randrange(0, 100, 5),
            currency=market.currency if params.keys() & MONEY_PARAMS else "",
            channels=channels,
            stores=stores,
            groups=groups,
            max_applications=_cap(kind, rng.choice((1, 2, 3)) if rng.random() < 0.1 else None),
            params=params,
            targets=targets,
        )

    def _when(self, rng: random.Random) -> tuple[datetime, datetime | None, str]:
        day, hour = timedelta(days=1), timedelta(hours=rng.choice((0, 6, 8)))
        roll = rng.random()
        if roll < 0.70:
            start = self.today - rng.randint(1, 45) * day + hour
            end = None if rng.random() < 0.1 else self.today + rng.randint(5, 60) * day
            return start, end, Campaign.Status.ACTIVE
        if roll < 0.80:
            start = self.today + rng.randint(2, 21) * day + hour
            return start, start + rng.randint(7, 30) * day, Campaign.Status.ACTIVE
        if roll < 0.87:
            start = self.today - rng.randint(60, 90) * day
            return start, self.today - rng.randint(5, 30) * day, Campaign.Status.ENDED
        if roll < 0.93:
            start = self.today - rng.randint(1, 30) * day
            return start, self.today + rng.randint(5, 30) * day, Campaign.Status.PAUSED
        start = self.today + rng.randint(10, 40) * day
        return start, start + 14 * day, Campaign.Status.DRAFT

    def _channels(self, rng: random.Random, country: str) -> tuple[str, ...]:
        roll = rng.random()
        if roll < 0.2:
            return (f"WEB-{country}", f"APP-{country}")
        if roll < 0.3:
            return (f"POS-{country}",)
        return tuple(f"{prefix}-{country}" for prefix, *_ in MARKET_CHANNELS)

    def _some_target(self, rng: random.Random) -> tuple[str, tuple[TargetPlan, ...]]:
        """A few products, a brand or a category, with a name for the campaign."""
        roll = rng.random()
        if roll < 0.2 and self.products:
            picked = rng.sample(self.products, k=min(len(self.products), rng.randint(2, 6)))
            return f"{len(picked)} selected products", tuple(
                TargetPlan(product=p.sku) for p in picked
            )
        if roll < 0.5:
            brand = rng.choice(BRANDS)
            return brand.name, (TargetPlan(brand=brand.code),)
        leaf = rng.choice(self.leaves)
        return leaf.name, (TargetPlan(category=leaf.code),)

    def _percent_off(self, rng, currency):
        percent = rng.choice((10, 15, 20, 25, 30, 40, 50))
        what, targets = self._some_target(rng)
        return f"{percent}% off {what}", {"percent": Decimal(percent)}, targets

    def _amount_off(self, rng, currency):
        amount = _money(rng, (10, 20, 25, 50), currency)
        what, targets = self._some_target(rng)
        return f"{amount} {currency} off {what}", {"amount": amount}, targets

    def _fixed_price(self, rng, currency):
        product = rng.choice(self.products)
        price = public_price(product, currency=currency, country=_country(currency))
        deal = shop_price(price * Decimal("0.75"), department=product.department)
        return f"{product.name} now {deal}", {"price": deal}, (TargetPlan(product=product.sku),)

    def _multibuy(self, rng, currency):
        category = rng.choice(MULTIBUY_CATEGORIES)
        buy = rng.choice((3, 3, 4))
        name = f"{buy} for {buy - 1}: {self.leaf_names[category]}"
        params = {"buy_quantity": buy, "pay_quantity": buy - 1}
        return name, params, (TargetPlan(category=category),)

    def _mix_match(self, rng, currency):
        code, set_name, _categories = rng.choice(PRODUCT_SETS)
        benefit = rng.choice(("cheapest_free", "fixed_price", "cheapest_percent"))
        target = (TargetPlan(product_set=code),)
        if benefit == "cheapest_free":
            params = {"buy_quantity": 3, "mix_benefit": benefit}
            return f"Any 3 {set_name}: cheapest free", params, target
        if benefit == "cheapest_percent":
            params = {"buy_quantity": 2, "mix_benefit": benefit, "percent": Decimal(50)}
            return f"Any 2 {set_name}: second at half price", params, target
        price = _money(rng, (99, 149, 199), currency)
        params = {"buy_quantity": 3, "mix_benefit": benefit, "price": price}
        return f"Any 3 {set_name} for {price}", params, target

    def _bundle(self, rng, currency):
        parts = rng.sample(self.products, k=min(len(self.products), rng.choice((2, 3))))
        total = sum(
            (public_price(p, currency=currency, country=_country(currency)) for p in parts),
            Decimal(0),
        )
        price = shop_price(total * Decimal("0.85"), department=parts[0].department)
        targets = tuple(TargetPlan(group=i, product=p.sku) for i, p in enumerate(parts, 1))
        names = " + ".join(p.name for p in parts)
        return f"Bundle {names} for {price}", {"price": price}, targets

    def _spend_threshold(self, rng, currency):
        threshold = _money(rng, (300, 500, 750, 1000), currency)
        if rng.random() < 0.5:
            params = {"threshold_amount": threshold, "percent": Decimal(rng.choice((10, 15)))}
            deal = f"{params['percent']:.0f}% off"
        else:
            params = {"threshold_amount": threshold, "amount": _money(rng, (50, 75, 100), currency)}
            deal = f"{params['amount']} {currency} off"
        if rng.random() < 0.3:
            return f"Spend {threshold} {currency}, get {deal}", params, ()
        what, targets = self._some_target(rng)
        return f"Spend {threshold} {currency} on {what}, get {deal}", params, targets

    def _gift_with_purchase(self, rng, currency):
        sweets = [p for p in self.products if p.department == "FOOD"] or self.products
        gift = rng.choice(sweets)
        threshold = _money(rng, (200, 300, 400, 500), currency)
        params = {"threshold_amount": threshold, "gift_product": gift.sku, "gift_quantity": 1}
        return f"Free {gift.name} when you spend {threshold} {currency}", params, ()


def _cap(kind: str, cap: int | None) -> int | None:
    """A cap where it means something: a spend discount or a gift applies once per basket."""
    return None if kind in BASKET_KINDS else cap


def _country(currency: str) -> str:
    return next(m.country for m in MARKETS if m.currency == currency)


def special_plans(*, today: datetime) -> list[CampaignPlan]:
    """The named campaigns the README and tests point at: coupons and a member week."""
    day = timedelta(days=1)
    plans = []
    for market in MARKETS:
        threshold = (Decimal(300) * PER_DKK[market.currency]).quantize(Decimal(1))
        code = WELCOME_CODES[market.country]
        plans.append(
            CampaignPlan(
                code=code,
                name=f"Welcome: 10% off when you spend {threshold} {market.currency}",
                texts=_texts(market.country, "Welcome 10% off"),
                kind=Campaign.Kind.SPEND_THRESHOLD,
                valid_from=today - 30 * day,
                valid_to=today + 335 * day,
                stacking=Campaign.Stacking.COMPOUND,
                priority=50,
                currency=market.currency,
                channels=tuple(f"{p}-{market.country}" for p, *_ in MARKET_CHANNELS),
                requires_coupon=True,
                params={"threshold_amount": threshold, "percent": Decimal(10)},
            )
        )
    plans.append(
        CampaignPlan(
            code=PERSONAL_CAMPAIGN,
            name="Personal code: 100 DKK off when you spend 500 DKK",
            texts=_texts("DK", "Your personal 100 DKK"),
            kind=Campaign.Kind.SPEND_THRESHOLD,
            valid_from=today - 7 * day,
            valid_to=today + 60 * day,
            stacking=Campaign.Stacking.COMPOUND,
            priority=60,
            currency="DKK",
            requires_coupon=True,
            params={"threshold_amount": Decimal(500), "amount": Decimal(100)},
        )
    )
    plans.append(
        CampaignPlan(
            code="DK-MEMBER-WEEK",
            name="Member week: 15% off Home",
            texts=_texts("DK", "Member week 15% off"),
            kind=Campaign.Kind.PERCENT_OFF,
            valid_from=today - 2 * day,
            valid_to=today + 5 * day,
            priority=40,
            channels=tuple(f"{p}-DK" for p, *_ in MARKET_CHANNELS),
            groups=("MEMBER",),
            params={"percent": Decimal(15)},
            targets=(TargetPlan(category="HOME"),),
        )
    )
    return plans


def campaign_plans(
    *, rng: Callable[..., random.Random], products: list[ProductRow], today: datetime
) -> list[CampaignPlan]:
    """Every demo campaign; the same for the same seed, products and day.

    ``rng(*parts)`` returns the generator of a campaign (``SeedContext.rng``).
    """
    planner = _Planner(products=products, today=today)
    plans = [
        planner.plan(index, rng("pricing", "campaign", index))
        for index in range(1, GENERATED_CAMPAIGNS + 1)
    ]
    return [*special_plans(today=today), *plans]
