"""A basket quote for a client: the priced basket, each line's Omnibus price and the rules version.

What the basket API and the admin's price simulator show, assembled in one
place so both say exactly the same.  Fetch, then compute: ``basket_price``
(about eight queries), then one query for the public price lists in scope,
two for their price history (the Omnibus prior price and the 30-day lowest)
and one for the rules version when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from pricing import quote_cache
from pricing.engine.types import (
    ApplicationUnits,
    CampaignApplication,
    PricedBasket,
    PricedLine,
    PricingContext,
    Rules,
)
from pricing.models import PriceList
from pricing.selectors import basket_price_and_rules
from pricing.services.omnibus import OMNIBUS_HORIZON, OmnibusPrice, omnibus_prices
from pricing.services.revision import rules_revision_current, rules_version
from retail import metrics
from retail.errors import DomainError
from retail.models import Channel, Customer, Store


@dataclass(frozen=True, slots=True)
class QuotedLine:
    """A priced line under the caller's own line id, with its Omnibus prices.

    ``prior_price``: the prior price of the public reduction in force (None:
    none is); ``lowest_price_30d``: the rolling 30-day lowest public list price.
    """

    line_id: str
    line: PricedLine
    lowest_price_30d: Decimal | None
    prior_price: Decimal | None = None

    @property
    def discount_total(self) -> Decimal:
        return self.line.base_total - self.line.total


@dataclass(frozen=True, slots=True)
class RulesVersionCheck:
    given: str
    current: str

    @property
    def is_current(self) -> bool:
        return self.given == self.current


@dataclass(frozen=True, slots=True)
class BasketQuote:
    at: datetime
    basket: PricedBasket
    lines: tuple[QuotedLine, ...]
    rules_version: RulesVersionCheck | None = None
    # The basket's applications, their units under the caller's line ids.
    applications: tuple[CampaignApplication, ...] = ()


@metrics.counted(
    metrics.baskets_priced,
    metrics.basket_pricing_seconds,
    ok="ok",
    refused=(DomainError,),
    refused_outcome="error",
)
def basket_quote(
    *,
    lines: Sequence[tuple[str, int]],
    line_ids: Sequence[str] | None = None,
    channel: Channel,
    store: Store | None = None,
    customer: Customer | None = None,
    coupon_codes: Sequence[str] = (),
    at: datetime | None = None,
    language: str | None = None,
    rules_version_given: str | None = None,
    hint_limit: int = 3,
) -> BasketQuote:
    """Price ``lines`` (SKU or GTIN, quantity) and add what a client shows beside the price.

    ``line_ids`` are the caller's names for the lines (default: their
    positions).  Each line gets the Omnibus prior price and the lowest price
    of the last 30 days, from the highest-priority public list in scope that
    priced the product in the look-back.  With
    ``rules_version_given``, the quote says whether that snapshot version is
    still current; at most ``hint_limit`` hints.  Raises what ``basket_price`` raises.
    """
    remember = at is None and quote_cache.enabled()
    at = at or timezone.now()
    priced, rules = basket_price_and_rules(
        lines=lines,
        channel=channel,
        store=store,
        customer=customer,
        coupon_codes=coupon_codes,
        at=at,
        language=language,
        campaigns_since=at - OMNIBUS_HORIZON,
        hint_limit=hint_limit,
    )
    ids = list(line_ids) if line_ids is not None else [str(i) for i in range(len(lines))]
    omnibus = (
        _public_omnibus_remembered(rules=rules, channel=channel, store=store, at=at)
        if remember
        else public_omnibus_prices(rules=rules, channel=channel, store=store, at=at)
    )
    check = None
    if rules_version_given is not None:
        current = rules_version(channel=channel, store=store, revision=rules_revision_current())
        check = RulesVersionCheck(given=rules_version_given, current=current)
    return BasketQuote(
        at=at,
        basket=priced,
        lines=tuple(
            QuotedLine(
                line_id=ids[int(line.line_id)],
                line=line,
                lowest_price_30d=omnibus[line.product_id].lowest_price_30d
                if line.product_id in omnibus
                else None,
                prior_price=omnibus[line.product_id].prior_price
                if line.product_id in omnibus
                else None,
            )
            for line in priced.lines
        ),
        rules_version=check,
        applications=tuple(
            replace(
                application,
                units=tuple(
                    ApplicationUnits(ids[int(u.line_id)], u.quantity) for u in application.units
                ),
            )
            for application in priced.applications
        ),
    )


def _public_omnibus_remembered(
    *, rules: Rules, channel: Channel, store: Store | None, at: datetime
) -> dict[int, OmnibusPrice]:
    """``public_omnibus_prices``, from the process's memory where it has them (``quote_cache``).

    The public prior price of a product is the same for every customer of a
    channel and store, and changes only with the rules or when a rule's time
    comes: what one basket worked out serves the next.
    """
    memory = quote_cache.memory
    epoch = memory.epoch(at=at)
    scope = ("omnibus", channel.pk, store.pk if store is not None else None)
    found = {pid: memory.get(epoch, (*scope, pid)) for pid in rules.products}
    missing = [pid for pid, price in found.items() if price is None]
    if missing:
        computed = public_omnibus_prices(
            rules=replace(rules, products={pid: rules.products[pid] for pid in missing}),
            channel=channel,
            store=store,
            at=at,
        )
        for pid in missing:
            found[pid] = computed.get(pid, _NO_OMNIBUS)
            memory.put(epoch, (*scope, pid), found[pid])
    return found


_NO_OMNIBUS = OmnibusPrice(prior_price=None, lowest_price_30d=None)


def public_omnibus_prices(
    *, rules: Rules, channel: Channel, store: Store | None, at: datetime
) -> dict[int, OmnibusPrice]:
    """Return the Omnibus prices per product of ``rules`` from the public lists in scope.

    A public list has no customer groups; it is in scope when its channels
    and stores are empty or name this channel and store.  Where several
    lists priced a product, the one with the highest priority wins.  The
    campaigns are those of ``rules`` (load them with ``campaigns_since``);
    the prior price is the public one, whoever asks.  Three queries.
    """
    if not rules.products:
        return {}
    through = PriceList.channels.through.objects.filter(pricelist_id=OuterRef("pk"))
    stores = PriceList.stores.through.objects.filter(pricelist_id=OuterRef("pk"))
    groups = PriceList.customer_groups.through.objects.filter(pricelist_id=OuterRef("pk"))
    in_store = ~Exists(stores)
    if store is not None:
        in_store |= Exists(stores.filter(store_id=store.pk))
    lists = PriceList.objects.filter(is_active=True, currency=channel.currency).filter(
        ~Exists(groups), ~Exists(through) | Exists(through.filter(channel_id=channel.pk)), in_store
    )
    codes = tuple(lists.order_by("-priority", "code").values_list("code", flat=True))
    if not codes:
        return {}
    return omnibus_prices(
        products=rules.products,
        list_codes=dict.fromkeys(rules.products, codes),
        campaigns={
            product_id: [c for c in rules.campaigns if c.target.matches(product)]
            for product_id, product in rules.products.items()
        },
        context=PricingContext(
            at=at,
            currency=channel.currency,
            channel_id=channel.pk,
            store_id=store.pk if store is not None else None,
        ),
    )
