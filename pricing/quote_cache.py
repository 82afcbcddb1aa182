"""Unit prices already worked out, remembered per web process while nothing that prices changes.

A listing page asks ``/api/v1/pricing/prices/`` for the same few hundred SKUs
again and again; working each out (the engine per SKU, the Omnibus prior price
from the price history) costs far more than reading it back.  A process keeps
the answers for one **epoch**: a rules revision (``pricing.services.revision``,
bumped in the transaction of every change to prices, campaigns, their targets
and scopes, product sets, VAT rates and products) and a span of time in which
no campaign or price entry starts or ends.  An epoch ends at the first of:

* the revision changing (read once per lookup: one query);
* the next moment a campaign or price entry starts or ends (found when the
  epoch begins: two queries), so a campaign is shown from its first second;
* ``PRICING_QUOTE_CACHE_SECONDS`` after it began, because the rolling 30-day
  lowest price moves with time alone.

Entries are keyed by everything that can change a unit price besides the rules:
channel, store, customer and their groups, and the SKU.  Lookups for a given
``at`` (not "now") bypass the memory.  Off when ``PRICING_QUOTE_CACHE`` is
false.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q

from pricing.models import Campaign, PriceListEntry
from pricing.services.revision import rules_revision_current

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class Epoch:
    revision: int
    since: datetime
    until: datetime


def next_rule_change(*, after: datetime) -> datetime | None:
    """The first moment after ``after`` when a campaign or a price entry starts or ends (2 queries).

    Only active campaigns start or end by time alone; a draft becoming active
    is a change (a revision bump).
    """
    moments = []
    for queryset in (
        Campaign.objects.filter(status=Campaign.Status.ACTIVE),
        PriceListEntry.objects.all(),
    ):
        moments += queryset.aggregate(
            starts=Min("valid_from", filter=Q(valid_from__gt=after)),
            ends=Min("valid_to", filter=Q(valid_to__gt=after)),
        ).values()
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


class QuoteMemory:
    """One process's remembered unit prices (module-level :data:`memory`)."""

    def __init__(self):
        self._entries: dict[tuple, object] = {}
        self._epoch: Epoch | None = None
        self._lock = threading.Lock()

    def epoch(self, *, at: datetime) -> Epoch:
        """The epoch ``at`` falls in, starting a new one (and forgetting) when needed."""
        revision = rules_revision_current()
        epoch = self._epoch
        if epoch is None or epoch.revision != revision or not epoch.since <= at < epoch.until:
            until = at + timedelta(seconds=settings.PRICING_QUOTE_CACHE_SECONDS)
            change = next_rule_change(after=at)
            epoch = Epoch(revision, at, min(until, change) if change else until)
            with self._lock:
                self._entries.clear()
                self._epoch = epoch
        return epoch

    def get(self, epoch: Epoch, key: tuple):
        return self._entries.get((epoch, *key)) if self._epoch == epoch else None

    def put(self, epoch: Epoch, key: tuple, value) -> None:
        with self._lock:
            if self._epoch != epoch:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[(epoch, *key)] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._epoch = None


memory = QuoteMemory()


def enabled() -> bool:
    return settings.PRICING_QUOTE_CACHE
