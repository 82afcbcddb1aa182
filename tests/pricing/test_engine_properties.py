"""Property tests: the engine against a brute-force reference on random small baskets.

The reference below prices a basket unit by unit (one Python object per
item), tries every order of the campaigns inside each priority band (bands in
sequence, line-level before basket-level) and keeps the lowest total.  It
shares only the campaign kind classes with the engine (what "3 for 2" means),
not the search, the slots, the allocation or the stacking bookkeeping.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.engine import price_basket, search
from pricing.engine import types as t
from pricing.engine.kinds import KINDS
from pricing.engine.units import Pool, Unit
from retail.money import quantize
from tests.pricing.builders import campaign, context, lines, product, rules, target

CURRENCY = "DKK"
PRODUCTS = (1, 2, 3, 4)
VAT = {1: "25", 2: "25", 3: "12", 4: "0"}
CATALOGUE = tuple(
    product(pid, categories={10 + pid % 2}, brand=20 + pid % 3, vat=VAT[pid]) for pid in PRODUCTS
)
BY_ID = {p.product_id: p for p in CATALOGUE}

# ---- the reference ------------------------------------------------------------------------

ELIGIBLE_MODES = {  # (stacking, basket level) -> modes a unit may be in to take part
    ("exclusive", False): {0},
    ("exclusive", True): {0},
    ("best_price", False): {0},
    ("best_price", True): {0},
    ("compound", False): {0, 1},
    ("compound", True): {0, 1, 2},
}
MODE_AFTER = {"exclusive": lambda m: 3, "best_price": lambda m: 2, "compound": lambda m: max(m, 1)}


def _order(units):
    return sorted(units, key=lambda u: (-u.price, -u.mode, u.product_id, u.line))


def _pool(rule, items, products_by_line):
    """The kind's view of the items (each item its own slot of one unit)."""
    kind = KINDS[rule.kind]
    modes = ELIGIBLE_MODES[(rule.stacking, kind.basket_level)]

    def unit(i, item):
        line, price, mode = item
        return Unit(price, mode, line, products_by_line[line].product_id, 1, i)

    def units(match, allowed):
        return tuple(
            _order(
                unit(i, item)
                for i, item in enumerate(items)
                if item[2] in allowed and match(products_by_line[item[0]])
            )
        )

    if kind.wants_components:
        allowed = t.Target(
            everything=True,
            exclude_product_ids=rule.target.exclude_product_ids,
        )
        return Pool(
            CURRENCY,
            Decimal("0.01"),
            components=tuple(
                units(lambda p, c=c: c.matches(p) and allowed.matches(p), modes)
                for c in rule.components
            ),
        )
    if kind.wants_gift:
        gift = rule.gift_product_id
        return Pool(
            CURRENCY,
            Decimal("0.01"),
            counted=units(rule.target.matches, {0, 1, 2}),
            gift_units=units(lambda p: p.product_id == gift, modes),
            gift_in_target=gift in BY_ID and rule.target.matches(BY_ID[gift]),
        )
    return Pool(CURRENCY, Decimal("0.01"), units=units(rule.target.matches, modes))


def _split(discount_cents, takes):
    """Largest remainder over single units, ties as the engine documents them."""
    weights = [int(take.weight * 100) for take in takes]
    total = sum(weights)
    assert discount_cents <= total
    shares = [discount_cents * w // total for w in weights]
    left = discount_cents - sum(shares)
    ranked = sorted(
        (i for i, w in enumerate(weights) if discount_cents * w % total),
        key=lambda i: (
            -(discount_cents * weights[i] % total),
            -weights[i],
            -takes[i].unit.price,
            -takes[i].unit.mode,
            takes[i].unit.product_id,
            takes[i].unit.line,
        ),
    )
    for i in ranked[:left]:
        shares[i] += 1
    return shares


def _apply(rule, items, products_by_line):
    """Apply one campaign to a list of [line, price, mode] items; return (items, saving)."""
    items = [list(item) for item in items]
    pool = _pool(rule, items, products_by_line)
    after = MODE_AFTER[rule.stacking]
    saving = Decimal(0)
    for application in KINDS[rule.kind].applications(rule, pool):
        discount = quantize(application.discount, CURRENCY)
        if discount <= 0:
            continue
        for _ in range(application.times):
            assert all(take.count == 1 for take in application.takes)
            cents = _split(int(discount * 100), application.takes)
            for take, share in zip(application.takes, cents, strict=True):
                item = items[take.unit.slot]
                item[1] -= Decimal(share) / 100
                item[2] = after(item[2])
            saving += discount
    return items, saving


def _bands(campaigns):
    bands = {}
    for rule in campaigns:
        bands.setdefault((KINDS[rule.kind].basket_level, -rule.priority), []).append(rule)
    return [bands[key] for key in sorted(bands)]


def reference_total(basket, campaigns) -> Decimal:
    """The lowest total over every order of the campaigns inside each band."""
    products_by_line = [BY_ID[pid] for pid, _qty in basket]
    prices = {p: _price_of(p) for p in PRODUCTS}
    items = [[line, prices[pid], 0] for line, (pid, qty) in enumerate(basket) for _ in range(qty)]
    bands = _bands(campaigns)
    orders = [list(itertools.permutations(band)) for band in bands]
    best = None
    for combination in itertools.product(*orders):
        state = items
        for rule in itertools.chain.from_iterable(combination):
            state, _saving = _apply(rule, state, products_by_line)
        total = sum(item[1] for item in state)
        best = total if best is None else min(best, total)
    return best


def greedy_by_saving_total(basket, campaigns) -> Decimal:
    """The engine's own greedy order: in each band by what each saves alone at its start."""
    products_by_line = [BY_ID[pid] for pid, _qty in basket]
    state = [
        [line, _price_of(pid), 0] for line, (pid, qty) in enumerate(basket) for _ in range(qty)
    ]
    for band in _bands(campaigns):
        alone = {r.code: _apply(r, state, products_by_line)[1] for r in band}
        for rule in sorted(band, key=lambda r: (-alone[r.code], r.code)):
            state, _saving = _apply(rule, state, products_by_line)
    return sum(item[1] for item in state)


def greedy_total(basket, campaigns) -> Decimal:
    """Bands in sequence, in each band by code: one order among all the reference tries."""
    products_by_line = [BY_ID[pid] for pid, _qty in basket]
    state = [
        [line, _price_of(pid), 0] for line, (pid, qty) in enumerate(basket) for _ in range(qty)
    ]
    for band in _bands(campaigns):
        for rule in sorted(band, key=lambda r: r.code):
            state, _saving = _apply(rule, state, products_by_line)
    return sum(item[1] for item in state)


# ---- random inputs ------------------------------------------------------------------------

PRICES: dict[int, Decimal] = {}


def _price_of(pid: int) -> Decimal:
    return PRICES[pid]


money = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
some_products = st.sets(st.sampled_from(PRODUCTS), min_size=1, max_size=3)


@st.composite
def a_campaign(draw, number: int):
    kind = draw(st.sampled_from(sorted(KINDS)))
    common = {
        "stacking": draw(st.sampled_from(["exclusive", "best_price", "compound"])),
        "priority": draw(st.sampled_from([0, 0, 1])),
        "max_applications": draw(st.sampled_from([None, None, None, 1, 2])),
    }
    on = target(draw(some_products))
    amount = str(draw(st.sampled_from(["0.99", "5.00", "20.00", "150.00"])))
    percent = draw(st.sampled_from(["10", "25", "33.33", "50", "100"]))
    if kind == t.PERCENT_OFF:
        params = {"percent": percent}
    elif kind == t.AMOUNT_OFF:
        params = {"amount": amount}
    elif kind == t.FIXED_PRICE:
        params = {"price": amount}
    elif kind == t.MULTIBUY:
        buy = draw(st.integers(2, 3))
        params = {"buy": buy}
        params |= {"pay": buy - 1} if draw(st.booleans()) else {"price": amount}
    elif kind == t.MIX_MATCH:
        buy = draw(st.integers(2, 3))
        benefit = draw(
            st.sampled_from(
                [t.BENEFIT_FIXED_PRICE, t.BENEFIT_CHEAPEST_FREE, t.BENEFIT_CHEAPEST_PERCENT]
            )
        )
        params = {"buy": buy, "benefit": benefit, "price": amount, "percent": percent}
    elif kind == t.BUNDLE:
        parts = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3))
        on = target()
        params = {
            "components": [target([pid], quantity=draw(st.integers(1, 2))) for pid in parts],
            "price": amount,
        }
    elif kind == t.SPEND_THRESHOLD:
        if draw(st.booleans()):
            on = target(everything=True)
        if draw(st.booleans()):
            # "amount off per threshold spent", capped by max_applications steps
            step = draw(st.sampled_from(["20.00", "30.00", "100.00"]))
            params = {"threshold": step, "amount": amount, "repeats": True}
        else:
            params = {"threshold": draw(st.sampled_from([None, "20.00", "100.00", "400.00"]))}
            params |= {"percent": percent} if draw(st.booleans()) else {"amount": amount}
    else:
        if draw(st.booleans()):
            on = target(everything=True)
        params = {
            "gift": draw(st.sampled_from(PRODUCTS)),
            "gift_quantity": draw(st.integers(1, 2)),
            "threshold": draw(st.sampled_from([None, "50.00", "300.00"])),
        }
    return campaign(f"C{number}", kind, on, campaign_id=number, **common, **params)


@st.composite
def a_case(draw, most: int = 5):
    basket = draw(
        st.lists(st.tuples(st.sampled_from(PRODUCTS), st.integers(1, 4)), min_size=1, max_size=4)
    )
    prices = {pid: draw(money) for pid in PRODUCTS}
    count = draw(st.integers(2, most))
    campaigns = [draw(a_campaign(number)) for number in range(1, count + 1)]
    return basket, prices, campaigns


def _price(basket, prices, campaigns):
    PRICES.clear()
    PRICES.update(prices)
    return price_basket(
        lines=lines(*basket),
        context=context(),
        rules=rules({pid: str(a) for pid, a in prices.items()}, campaigns, products=CATALOGUE),
    )


# ---- the properties -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(a_case())
def test_engine_total_equals_brute_force_over_every_order_in_each_band(case):
    basket, prices, campaigns = case
    priced = _price(basket, prices, campaigns)
    assert priced.total == reference_total(basket, campaigns)


@settings(max_examples=200, deadline=None)
@given(a_case())
def test_engine_is_never_worse_than_greedy_by_priority(case):
    basket, prices, campaigns = case
    priced = _price(basket, prices, campaigns)
    assert priced.total <= greedy_total(basket, campaigns)


@settings(max_examples=200, deadline=None)
@given(a_case())
def test_engine_money_adds_up_exactly(case):
    basket, prices, campaigns = case
    priced = _price(basket, prices, campaigns)
    assert sum(line.total for line in priced.lines) == priced.total
    assert priced.subtotal - priced.discount_total == priced.total
    for line in priced.lines:
        assert line.total >= 0
        assert line.base_total - sum(d.amount for d in line.discounts) == line.total
        for discount in line.discounts:
            assert discount.amount > 0
            assert discount.amount == discount.amount.quantize(Decimal("0.01"))
    for vat in priced.vat:
        at_rate = [line for line in priced.lines if line.vat_rate == vat.rate]
        assert vat.gross == sum(line.total for line in at_rate)
        assert vat.vat == sum(line.vat_amount for line in at_rate)
        assert vat.net == vat.gross - vat.vat


@settings(max_examples=200, deadline=None)
@given(a_case(), st.randoms(use_true_random=False))
def test_engine_is_deterministic_whatever_the_order_of_the_rules(case, rnd: random.Random):
    basket, prices, campaigns = case
    first = _price(basket, prices, campaigns)
    assert _price(basket, prices, campaigns) == first
    shuffled = list(campaigns)
    rnd.shuffle(shuffled)
    assert _price(basket, prices, shuffled) == first  # the total, and every line alike


@settings(max_examples=100, deadline=None)
@given(a_case(most=8))
def test_engine_without_exact_search_is_between_greedy_and_the_best(case):
    # Forces the path of large components (greedy, then improved) on every basket.
    basket, prices, campaigns = case
    with mock.patch.object(search, "EXACT_LIMIT", 1):
        priced = _price(basket, prices, campaigns)
    assert priced.total <= greedy_by_saving_total(basket, campaigns)
    assert sum(line.total for line in priced.lines) == priced.total
    if len(campaigns) <= 5:
        assert priced.total >= reference_total(basket, campaigns)
