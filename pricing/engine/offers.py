"""The basket state, campaigns prepared for one basket, and applying one campaign.

State
-----
The state of a basket is a tuple with one entry per line: the line's slots,
``(price, mode, count)`` triples sorted by price then mode, descending, with
equal (price, mode) merged.  It is immutable and hashable, so the search can
branch from it and remember where it has been.

Offers
------
An :class:`Offer` is a campaign in force prepared for one basket: its kind,
the lines its target matches (found through an index of the basket's
products, categories, brands and sets, built once per call, so the cost does
not grow with lines x campaigns), a bundle's lines per component, a gift's
lines, and the stacking tables of its policy and level.

Applying
--------
:meth:`Evaluator.evaluate` builds the offer's pool from a state, asks the kind
for its applications and rounds each application's discount half-up to the
minor unit.  :meth:`Evaluator.apply` allocates each rounded discount over its
units (largest remainder, see ``allocation``), lowers their prices, moves
them to the policy's stacking mode and returns the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from pricing.engine.allocation import allocate, minor
from pricing.engine.kinds import KINDS
from pricing.engine.scope import campaign_in_force
from pricing.engine.targets import TargetIndex
from pricing.engine.types import CampaignRule, PricingContext, ProductInfo
from pricing.engine.units import (
    AFTER,
    COUNTED,
    ELIGIBLE,
    HUNDRED,
    ZERO,
    Application,
    Kind,
    Pool,
    Unit,
    unit_order,
)
from retail.money import quantize

Slot = tuple[Decimal, int, int]  # (price, mode, count)
State = tuple[tuple[Slot, ...], ...]


@dataclass(frozen=True, slots=True)
class Basket:
    """What the engine needs of the basket besides its state: currency and products per line."""

    currency: str
    places: int  # decimals of the currency's minor unit
    minor_unit: Decimal
    products: tuple[ProductInfo, ...]  # per line
    product_ids: tuple[int, ...]  # per line


@dataclass(slots=True, eq=False)
class Offer:
    """A campaign in force, prepared for one basket; compared by identity, never changed.

    Not frozen: a frozen dataclass pays for every field on creation, and there
    is one per campaign per basket.
    """

    rule: CampaignRule
    kind: Kind
    target_lines: tuple[int, ...]
    component_lines: tuple[tuple[int, ...], ...]
    gift_lines: tuple[int, ...]
    gift_in_target: bool
    lines: tuple[int, ...]  # every line it reads or changes, in order: where it meets others
    eligible: tuple[bool, bool, bool, bool]
    after: tuple[int, int, int, int]


class Evaluation(NamedTuple):
    """What an offer would do to a state: rounded applications, their saving, its bound."""

    applications: tuple[tuple[Application, Decimal], ...]
    saving: Decimal
    bound: Decimal
    times: int  # applications counted with their repeats


def offers_prepare(
    campaigns: tuple[CampaignRule, ...], context: PricingContext, basket: Basket
) -> list[Offer]:
    """The campaigns in force that touch the basket, prepared; unknown kinds are ignored.

    Ignoring an unknown kind or stacking policy (say, a kind added to the
    database before the engine knows it) keeps one bad row from stopping
    every checkout.
    """
    index = TargetIndex(basket.products)
    offers = []
    for rule in campaigns:
        kind = KINDS.get(rule.kind)
        if kind is None or rule.stacking not in AFTER or not campaign_in_force(rule, context):
            continue
        rule = _normalised(rule, basket)
        target_lines = () if kind.wants_components else index.lines(rule.target)
        component_lines: tuple[tuple[int, ...], ...] = ()
        if kind.wants_components:
            allowed = replace(rule.target, everything=True)  # only the exclusions remain
            component_lines = tuple(
                tuple(line for line in index.lines(c) if allowed.matches(basket.products[line]))
                for c in rule.components
            )
        gift_lines: tuple[int, ...] = ()
        gift_in_target = False
        if kind.wants_gift and rule.gift_product_id is not None:
            gift_lines = tuple(index.by_product.get(rule.gift_product_id, ()))
            gift_in_target = bool(gift_lines) and rule.target.matches(
                basket.products[gift_lines[0]]
            )
        lines = tuple(sorted(frozenset(target_lines).union(gift_lines, *component_lines)))
        if not lines:
            continue
        offers.append(
            Offer(
                rule=rule,
                kind=kind,
                target_lines=target_lines,
                component_lines=component_lines,
                gift_lines=gift_lines,
                gift_in_target=gift_in_target,
                lines=lines,
                eligible=ELIGIBLE[(rule.stacking, kind.basket_level)],
                after=AFTER[rule.stacking],
            )
        )
    return offers


def _normalised(rule: CampaignRule, basket: Basket) -> CampaignRule:
    """Round a campaign's money parameters to the minor unit and cap its percent at 100.

    Database columns already hold two decimals; this keeps a hand-built rule
    from putting a unit price between two minor units.
    """
    changes: dict[str, Decimal] = {}
    for name in ("amount", "price", "threshold_amount"):
        value = getattr(rule, name)
        if value is not None and value.as_tuple().exponent < -basket.places:
            changes[name] = quantize(value, basket.currency)
    if rule.percent is not None and rule.percent > HUNDRED:
        changes["percent"] = HUNDRED
    return replace(rule, **changes) if changes else rule


def _units(
    lines: tuple[int, ...], state: State, basket: Basket, eligible, ordered: bool = True
) -> tuple[Unit, ...]:
    product_ids = basket.product_ids
    units = [
        Unit(price, mode, line, product_ids[line], count, slot)
        for line in lines
        for slot, (price, mode, count) in enumerate(state[line])
        if eligible[mode]
    ]
    if ordered and len(units) > 1:
        units.sort(key=unit_order, reverse=True)
    return tuple(units)


def pool_build(offer: Offer, state: State, basket: Basket) -> Pool:
    """The units of ``state`` that ``offer`` may use (and count), most valuable first."""
    kind = offer.kind
    eligible = offer.eligible
    return Pool(
        basket.currency,
        basket.minor_unit,
        units=_units(offer.target_lines, state, basket, eligible, kind.wants_order)
        if kind.wants_units
        else (),
        counted=_units(offer.target_lines, state, basket, COUNTED) if kind.wants_counted else (),
        components=tuple(_units(lines, state, basket, eligible) for lines in offer.component_lines)
        if kind.wants_components
        else (),
        gift_units=_units(offer.gift_lines, state, basket, eligible) if kind.wants_gift else (),
        gift_in_target=offer.gift_in_target,
    )


_NOTHING = Evaluation((), ZERO, ZERO, 0)


def _evaluate(offer: Offer, state: State, basket: Basket) -> Evaluation:
    if offer.kind.spend_gated:
        eligible = offer.eligible
        spend = sum(
            (
                price * count
                for line in offer.target_lines
                for price, mode, count in state[line]
                if eligible[mode]
            ),
            ZERO,
        )
        if not offer.kind.within_reach(offer.rule, spend):
            return _NOTHING
    pool = pool_build(offer, state, basket)
    rounded = []
    saving = ZERO
    times = 0
    places = -basket.places
    for application in offer.kind.applications(offer.rule, pool):
        discount = application.discount
        if discount.as_tuple().exponent < places:  # more decimals than the currency has
            discount = quantize(discount, basket.currency)
        if discount > 0:
            rounded.append((application, discount))
            saving += discount * application.times
            times += application.times * application.steps
    bound = offer.kind.bound(offer.rule, pool, saving)
    return Evaluation(tuple(rounded), saving, bound, times)


class Use(NamedTuple):
    """One application as applied: its rounded ``discount``, repeated ``times``, on
    ``units``: (line, count) pairs in line order, per single application."""

    discount: Decimal
    times: int
    units: tuple[tuple[int, int], ...]


def _use(application: Application, discount: Decimal) -> Use:
    counts: dict[int, int] = {}
    for take in application.takes:
        counts[take.unit.line] = counts.get(take.unit.line, 0) + take.count
    return Use(discount, application.times, tuple(sorted(counts.items())))


def _apply(
    offer: Offer, evaluation: Evaluation, state: State, basket: Basket
) -> tuple[tuple[tuple[int, tuple[Slot, ...]], ...], dict[int, Decimal]]:
    places = basket.places
    minor_unit = basket.minor_unit
    after = offer.after
    changes: dict[int, dict[tuple[Decimal, int], int]] = {}
    by_line: dict[int, Decimal] = {}
    for application, discount in evaluation.applications:
        times = application.times
        parts = allocate(minor(discount, places), application.takes, places)
        for take, (plus, rest, base) in zip(application.takes, parts, strict=True):
            unit = take.unit
            line = unit.line
            delta = changes.get(line)
            if delta is None:
                delta = changes[line] = {}
            key = (unit.price, unit.mode)
            delta[key] = delta.get(key, 0) - take.count * times
            mode = after[unit.mode]
            off = base * minor_unit
            if rest:
                key = (unit.price - off, mode)
                delta[key] = delta.get(key, 0) + rest * times
            if plus:
                key = (unit.price - off - minor_unit, mode)
                delta[key] = delta.get(key, 0) + plus * times
            saved = off * take.count + minor_unit * plus
            if saved:
                by_line[line] = by_line.get(line, ZERO) + saved * times
    new_slots = []
    for line, delta in changes.items():
        counts = {(price, mode): count for price, mode, count in state[line]}
        for key, count in delta.items():
            count += counts.get(key, 0)
            if count < 0:
                raise ValueError(f"{offer.rule.code} used more units of line {line} than it has")
            counts[key] = count
        slots = tuple(sorted(((p, m, c) for (p, m), c in counts.items() if c), reverse=True))
        new_slots.append((line, slots))
    return tuple(new_slots), by_line


# Relative cost of answering from memory and of computing an answer (about 1 : 10,
# plus one per line the offer touches: a basket-wide threshold costs more).
HIT_WORK = 1
MISS_WORK = 10


class Evaluator:
    """Evaluates and applies offers on states of one basket, remembering the answers.

    What an offer does depends only on the slots of its own lines, so answers
    are kept per (offer, those slots): the search tries many orders, and most
    steps of a new order meet lines exactly as an earlier order left them.
    Slots of a line are interned (one tuple object per distinct value), so
    the key can use their identities instead of hashing every price again;
    every interned tuple lives as long as the evaluator.  ``work`` counts the
    effort spent (:data:`HIT_WORK` for a remembered answer, :data:`MISS_WORK`
    for a computed one), which the search budgets.
    """

    def __init__(self, basket: Basket):
        self.basket = basket
        self.work = 0
        self._evaluations: dict[tuple, Evaluation] = {}
        self._applied: dict[tuple, tuple] = {}
        self._interned: dict[tuple, tuple] = {}
        self._last: tuple = (None, None, None)

    def _key(self, offer: Offer, state: State) -> tuple:
        last = self._last
        if last[0] is offer and last[1] is state:
            return last[2]  # evaluate, then apply: the same key twice
        key = (offer, *[id(state[line]) for line in offer.lines])
        self._last = (offer, state, key)
        return key

    def evaluate(self, offer: Offer, state: State) -> Evaluation:
        """What ``offer`` would do to ``state``: its applications with rounded discounts."""
        key = self._key(offer, state)
        evaluation = self._evaluations.get(key)
        self.work += HIT_WORK
        if evaluation is None:
            self.work += MISS_WORK + len(offer.lines)
            evaluation = self._evaluations[key] = _evaluate(offer, state, self.basket)
        return evaluation

    def apply(
        self,
        offer: Offer,
        evaluation: Evaluation,
        state: State,
        record: dict[int, Decimal] | None = None,
        uses: list[Use] | None = None,
    ) -> State:
        """``state`` after ``offer``'s applications; each line's discount is added to
        ``record`` and each application, with the units it took, to ``uses``.

        Each discount is allocated over its units (largest remainder), their
        prices lowered and their stacking mode moved on by the offer's policy.
        """
        if not evaluation.applications:
            return state
        key = self._key(offer, state)
        answer = self._applied.get(key)
        self.work += HIT_WORK
        if answer is None:
            self.work += MISS_WORK + len(offer.lines)
            new_slots, by_line = _apply(offer, evaluation, state, self.basket)
            interned = self._interned
            new_slots = tuple(
                (line, interned.setdefault(slots, slots)) for line, slots in new_slots
            )
            answer = self._applied[key] = (new_slots, by_line)
        new_slots, by_line = answer
        new_state = list(state)
        for line, slots in new_slots:
            new_state[line] = slots
        if record is not None:
            record.update(by_line)
        if uses is not None:
            # Only the final pass asks: the search's trial orders never pay for it.
            uses.extend(
                _use(application, discount) for application, discount in evaluation.applications
            )
        return tuple(new_state)


def state_total(state: State, lines) -> Decimal:
    """The current amount of ``lines`` in ``state``."""
    return sum((price * count for line in lines for price, _mode, count in state[line]), ZERO)
