"""In which order campaigns apply: priority bands, and the best order inside each band.

The stacking model (after Dynamics 365 Commerce)
------------------------------------------------
Campaigns fall into *bands*: first the line-level kinds by priority, highest
first, then the basket-level kinds (spend thresholds) by priority.  Bands
apply strictly one after the other (hard precedence), each campaign once, to
the units its stacking policy allows (see ``units``).

Inside a band the order matters: whoever goes first takes the units (an
exclusive campaign first shuts out two compound ones; the compound pair first
shuts out the exclusive one; two overlapping mix & match sets compete for the
same items), and what the line-level bands leave decides the basket-level
ones.  Of all orders that keep the bands in sequence, the engine picks one
that gives the lowest basket total:

1. Campaigns that share no line cannot affect each other, so they split into
   connected components (across all bands), priced separately.
2. A component of up to :data:`EXACT_LIMIT` campaigns gets an exact search
   over every band-respecting order: depth first, branches cut when even
   their best case (every remaining campaign saving its upper bound, see
   ``Kind.bound``) cannot beat the best total found, and states already seen
   skipped.  A campaign whose bound is zero can never apply and is dropped.
3. A larger component is split into its line-level part and its
   basket-level part; each part splits again into components (a basket-wide
   threshold no longer glues every line together), searched exactly when
   small and otherwise greedily, then improved by moving each held-back
   campaign before one that took its lines while that lowers the total.
   When the line-level part differs from greedy, the result is compared with
   the plain greedy order and the better one kept.
4. The *greedy* order is bands in sequence and, inside a band, campaigns by
   what each would save alone at the start of the band, highest first, then
   code.  It is the first order the exact search tries and the fallback of a
   large component, so the result is never worse than greedy.  Beyond the
   greedy order the search spends at most :data:`WORK_BUDGET` per basket;
   past it, it keeps the best order found so far (so on a very large basket
   even a small component may stop short of its exact optimum).  Work is
   counted per line, so only there, past the budget, can the same goods
   split into other lines end on another order; within it the result per
   product does not depend on the lines (``tests/pricing/test_engine_splits``).

Ties keep the order found first, and everything is ordered by band, saving
and code, never by the order of the rules, so the same basket always gets
the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pricing.engine.offers import Basket, Evaluator, Offer, State, Use, state_total

EXACT_LIMIT = 7
# Work (``Evaluator.work``: 1 per remembered step, about 10 per computed one) the
# search may spend per basket on orders other than the greedy one; a count, not a
# clock, so the same basket always gets the same answer.  1000 is 1 to 2 ms here.
WORK_BUDGET = 1000


@dataclass(slots=True)
class Applied:
    """A campaign that changed the basket: its discount per line and its applications."""

    offer: Offer
    by_line: dict[int, Decimal]
    times: int
    uses: list[Use]
    before: State | None = None  # the state it applied to (hints measure spend on it)


class _Budget:
    """The work left for trying orders other than the greedy one, across components."""

    def __init__(self, evaluator: Evaluator, spare: int):
        self.evaluator = evaluator
        self.spare = spare
        self.mark: int | None = None

    def start(self) -> None:
        """From now on, work is charged (the greedy order has been tried)."""
        if self.mark is None:
            self.mark = self.evaluator.work

    def stop(self) -> None:
        if self.mark is not None:
            self.spare -= self.evaluator.work - self.mark
            self.mark = None

    def exhausted(self) -> bool:
        if self.mark is None:
            return self.spare <= 0
        return self.evaluator.work - self.mark >= self.spare


def band_of(offer: Offer) -> tuple[bool, int]:
    """Sort key of an offer's band: line-level before basket-level, then priority."""
    return (offer.kind.basket_level, -offer.rule.priority)


def offers_apply(state: State, offers: list[Offer], basket: Basket) -> tuple[State, list[Applied]]:
    """Apply ``offers`` in the best band-respecting order; return the state and what applied."""
    evaluator = Evaluator(basket)
    budget = _Budget(evaluator, WORK_BUDGET)
    offers = sorted(offers, key=lambda o: (band_of(o), o.rule.code, o.rule.campaign_id))
    sequence: list[Offer] = []
    for component in _components(offers):
        sequence += _plan(component, state, evaluator, budget)
    sequence.sort(key=band_of)  # stable: each component keeps its own order
    applied = []
    for offer in sequence:
        evaluation = evaluator.evaluate(offer, state)
        if evaluation.saving > 0:
            by_line: dict[int, Decimal] = {}
            uses: list[Use] = []
            before = state
            state = evaluator.apply(offer, evaluation, state, by_line, uses)
            applied.append(Applied(offer, by_line, evaluation.times, uses, before))
    return state, applied


def _components(offers: list[Offer]) -> list[list[Offer]]:
    """Split ``offers`` into groups that share lines, each group in the given order."""
    parent = list(range(len(offers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}  # line -> the first offer on it
    for i, offer in enumerate(offers):
        met = {owner.setdefault(line, i) for line in offer.lines}
        met.discard(i)
        for j in met:
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Offer]] = {}
    for i, offer in enumerate(offers):
        groups.setdefault(root(i), []).append(offer)
    return list(groups.values())


def _lines_of(offers: list[Offer]) -> tuple[int, ...]:
    return tuple(sorted(frozenset().union(*(offer.lines for offer in offers))))


def _plan(
    component: list[Offer], state: State, evaluator: Evaluator, budget: _Budget
) -> list[Offer]:
    """The order for one component (see the module docstring, steps 2 and 3)."""
    if len(component) == 1:
        return component
    if len(component) <= EXACT_LIMIT:
        return _Exact(component, state, evaluator, budget).orders()[0]
    line_level = [o for o in component if not o.kind.basket_level]
    basket_level = [o for o in component if o.kind.basket_level]
    lines_best, lines_greedy = _part(line_level, state, evaluator, budget)
    middle = _state_after(lines_best, state, evaluator)
    order = sorted(lines_best + _part(basket_level, middle, evaluator, budget)[0], key=band_of)
    if lines_best == lines_greedy:
        # The line-level part is the greedy one, and the basket-level part starts
        # from the greedy order too: never worse than greedy as it stands.
        return order
    middle = _state_after(lines_greedy, state, evaluator)
    greedy = lines_greedy + _greedy(basket_level, middle, evaluator)[0]
    lines = _lines_of(component)
    if state_total(_state_after(order, state, evaluator), lines) < state_total(
        _state_after(greedy, state, evaluator), lines
    ):
        return order
    return greedy


def _part(
    offers: list[Offer], state: State, evaluator: Evaluator, budget: _Budget
) -> tuple[list, list]:
    """The best order found and the greedy order of ``offers``, component by component."""
    best: list[Offer] = []
    greedy: list[Offer] = []
    for sub in _components(offers):
        if len(sub) == 1:
            sub_best = sub_greedy = sub
        elif len(sub) <= EXACT_LIMIT:
            sub_best, sub_greedy = _Exact(sub, state, evaluator, budget).orders()
        else:
            sub_greedy = _greedy(sub, state, evaluator)[0]
            sub_best = _improved(sub_greedy, state, evaluator, budget)
        best += sub_best
        greedy += sub_greedy
    return best, greedy


def _state_after(order: list[Offer], state: State, evaluator: Evaluator) -> State:
    for offer in order:
        state = evaluator.apply(offer, evaluator.evaluate(offer, state), state)
    return state


def _greedy(offers: list[Offer], state: State, evaluator: Evaluator) -> tuple[list, State]:
    """Bands in sequence; in a band, by saving alone at the band's start, then code.

    Returns the order and the state it leads to.
    """
    order = []
    bands: dict[tuple[bool, int], list[Offer]] = {}
    for offer in offers:
        bands.setdefault(band_of(offer), []).append(offer)
    for key in sorted(bands):
        start = {offer: evaluator.evaluate(offer, state) for offer in bands[key]}
        band = sorted(bands[key], key=lambda o: (-start[o].saving, o.rule.code, o.rule.campaign_id))
        for offer in band:
            state = evaluator.apply(offer, evaluator.evaluate(offer, state), state)
        order += band
    return order, state


class _Exact:
    """Depth-first search over the band-respecting orders of a few offers."""

    def __init__(self, offers: list[Offer], state: State, evaluator: Evaluator, budget: _Budget):
        self.offers = sorted(offers, key=band_of)
        self.state = state
        self.evaluator = evaluator
        self.budget = budget
        self.lines = _lines_of(offers)
        self.best: Decimal | None = None
        self.best_path: tuple[Offer, ...] = ()
        self.first_path: tuple[Offer, ...] | None = None
        self.seen: set = set()

    def orders(self) -> tuple[list[Offer], list[Offer]]:
        """The first order found with the lowest total of the offers' lines, and the
        first order tried (the greedy one, without campaigns that cannot apply)."""
        total = state_total(self.state, self.lines)
        self._visit(self.state, tuple(self.offers), total, (), None)
        self.budget.stop()
        return list(self.best_path), list(self.first_path or ())

    def _visit(self, state, remaining, total, path, band) -> None:
        evaluator = self.evaluator
        # The current band: the first band with a campaign that can still save.
        while True:
            if not remaining:
                if self.first_path is None:
                    self.first_path = path
                    self.budget.start()
                if self.best is None or total < self.best:
                    self.best, self.best_path = total, path
                return
            current = band_of(remaining[0])
            live = []
            dead = set()
            for offer in remaining:
                if band_of(offer) != current:
                    break
                evaluation = evaluator.evaluate(offer, state)
                if evaluation.bound > 0:
                    live.append((offer, evaluation))
                else:
                    dead.add(offer)
            if dead:
                remaining = tuple(o for o in remaining if o not in dead)
            if live:
                break
        later = remaining[len(live) :]
        if current != band:
            # Entering a band: its campaigns by what each saves alone now, then code.
            live.sort(key=lambda p: (-p[1].saving, p[0].rule.code, p[0].rule.campaign_id))
        room = sum((e.bound for _o, e in live), Decimal(0))
        room += sum((evaluator.evaluate(o, state).bound for o in later), Decimal(0))
        if self.best is not None and total - room >= self.best:
            return
        key = (tuple([state[line] for line in self.lines]), frozenset(remaining))  # by value
        if key in self.seen:
            return
        self.seen.add(key)
        for i, (offer, evaluation) in enumerate(live):
            if self.best is not None:
                if total - evaluation.saving - (room - evaluation.bound) >= self.best:
                    continue
                if self.budget.exhausted():
                    return
            child = evaluator.apply(offer, evaluation, state)
            rest = (*(o for j, (o, _e) in enumerate(live) if j != i), *later)
            self._visit(child, rest, total - evaluation.saving, (*path, offer), current)


def _improved(
    order: list[Offer], state: State, evaluator: Evaluator, budget: _Budget
) -> list[Offer]:
    """Improve a band-respecting ``order``: move a held-back campaign before one that
    took its lines (same band), keep the move when the final total drops, repeat."""
    if budget.exhausted():
        return order
    budget.start()
    lines = _lines_of(order)
    states, totals, savings = _run(order, 0, [state], [state_total(state, lines)], evaluator)
    improved = True
    while improved and not budget.exhausted():
        improved = False
        for j in range(1, len(order)):
            offer = order[j]
            first = j
            while first and band_of(order[first - 1]) == band_of(offer):
                first -= 1
            if savings[j] >= evaluator.evaluate(offer, states[first]).saving:
                continue
            for i in range(first, j):
                if not savings[i] or not _share_lines(offer, order[i]):
                    continue
                trial = [*order[:i], offer, *order[i:j], *order[j + 1 :]]
                result = _run(trial, i, states[: i + 1], totals[: i + 1], evaluator, budget)
                if result is None:
                    break
                if result[1][-1] < totals[-1]:
                    order = trial
                    states, totals, new_savings = result
                    savings = savings[:i] + new_savings
                    improved = True
                    break
            if improved or budget.exhausted():
                break
    budget.stop()
    return order


def _share_lines(a: Offer, b: Offer) -> bool:
    return not frozenset(a.lines).isdisjoint(b.lines)


def _run(order, begin, states, totals, evaluator, budget=None):
    """Apply ``order[begin:]`` from ``states[begin]``; ``None`` if ``budget`` runs out.

    Returns the states before each step (and the final one), the totals
    alongside, and the savings of the steps run.
    """
    states = list(states)
    totals = list(totals)
    savings = []
    for k in range(begin, len(order)):
        if budget is not None and budget.exhausted():
            return None
        evaluation = evaluator.evaluate(order[k], states[-1])
        savings.append(evaluation.saving)
        states.append(evaluator.apply(order[k], evaluation, states[-1]))
        totals.append(totals[-1] - evaluation.saving)
    return states, totals, savings
