"""The rules revision: one counter that changes whenever prices or campaigns change.

Services bump it in their own transaction; the receivers in
``pricing.receivers`` bump it for admin edits.  The offline POS snapshot
(``rules_snapshot``) derives its version from it, so a version is current
exactly while nothing that prices a basket has changed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from pricing.loader.campaigns import BASKET_WIDE_KINDS
from pricing.models import (
    Campaign,
    CampaignTarget,
    PriceList,
    PriceListEntry,
    ProductSet,
    RulesRevision,
)
from retail.db_router import read_connection
from retail.models import Channel, Store, VatRate

_ROW = 1


def rules_revision_bump(*, at: datetime | None = None) -> None:
    """Increment the rules revision; call inside the transaction of the change.

    One conditional UPDATE (the row lock it takes is held until commit, so
    concurrent writers of rules serialise on it briefly); creates the row the
    first time.
    """
    at = at or timezone.now()
    bumped = RulesRevision.objects.filter(pk=_ROW).update(revision=F("revision") + 1, changed_at=at)
    if not bumped:
        RulesRevision.objects.get_or_create(pk=_ROW)
        RulesRevision.objects.filter(pk=_ROW).update(revision=F("revision") + 1, changed_at=at)


def rules_revision_current() -> int:
    """Return the current rules revision (0 before any change).

    One indexed read on every remembered price lookup and basket, so it skips
    the ORM's query building (a tenth of the time on this path).
    """
    with read_connection().cursor() as cursor:
        cursor.execute(_REVISION_SQL, [_ROW])
        row = cursor.fetchone()
    return (row[0] if row else 0) or 0


_TABLE, _PK = RulesRevision._meta.db_table, RulesRevision._meta.pk.column
_REVISION_SQL = f"SELECT revision FROM {_TABLE} WHERE {_PK} = %s"  # noqa: S608


# ---- the offline snapshot ---------------------------------------------------------------


def rules_version(*, channel: Channel, store: Store | None = None, revision: int) -> str:
    """Return the snapshot version of ``channel`` and ``store`` at ``revision``.

    The ids are part of it, so one store's version is never current for another.
    """
    return f"{revision}-{channel.pk}-{store.pk if store is not None else 0}"


def rules_version_current(*, channel: Channel, store: Store | None, version: str) -> bool:
    """Return whether a snapshot ``version`` still holds: nothing that prices has changed since."""
    current = rules_version(channel=channel, store=store, revision=rules_revision_current())
    return version == current


def rules_version_at(*, channel: Channel, store: Store | None, at: datetime) -> str | None:
    """Return the snapshot version that was in force at ``at``; None when it cannot be told.

    One query.  The counter keeps no history, so the version of a moment is
    known only while nothing has changed since it: when the rules last
    changed after ``at``, the answer is None (not "the current version").
    """
    row = RulesRevision.objects.filter(pk=_ROW).values_list("revision", "changed_at").first()
    revision, changed_at = row or (0, None)
    if changed_at is not None and changed_at > at:
        return None
    return rules_version(channel=channel, store=store, revision=revision)


def _scoped(queryset, *, channel: Channel, store: Store | None):
    """Rows whose channel and store scope admit this channel and store (empty scope: all)."""
    model = queryset.model
    channels = model.channels.through.objects.filter(
        **{f"{model._meta.model_name}_id": OuterRef("pk")}
    )
    stores = model.stores.through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")})
    queryset = queryset.filter(~Exists(channels) | Exists(channels.filter(channel_id=channel.pk)))
    if store is None:
        return queryset.filter(~Exists(stores))
    return queryset.filter(~Exists(stores) | Exists(stores.filter(store_id=store.pk)))


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _money(amount: Decimal | None) -> str | None:
    return str(amount) if amount is not None else None


def rules_snapshot(
    *, channel: Channel, store: Store | None = None, at: datetime | None = None
) -> dict:
    """Return the rules for ``channel`` and ``store`` as a JSON-able, versioned document.

    For an offline POS: the price list entries and campaigns in force at
    ``at`` or scheduled after it (so prices change at midnight without a
    connection), every customer-group scope included; campaign targets as
    SKUs, category codes, brand codes and set codes; product sets as SKUs; the
    market's VAT rates.  Money is a decimal string, time ISO 8601.  The
    ``version`` changes whenever anything here changes (``rules_version_current``).
    """
    at = at or timezone.now()
    revision = rules_revision_current()
    lists = list(
        _scoped(
            PriceList.objects.filter(is_active=True, currency=channel.currency),
            channel=channel,
            store=store,
        )
        .prefetch_related("channels", "stores", "customer_groups")
        .order_by("-priority", "code")
    )
    entries = defaultdict(list)
    for row in (
        PriceListEntry.objects.filter(price_list__in=lists)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .values("price_list_id", "product__sku", "amount", "valid_from", "valid_to")
        .order_by("product__sku", "valid_from")
    ):
        entries[row["price_list_id"]].append(
            {
                "sku": row["product__sku"],
                "amount": _money(row["amount"]),
                "valid_from": _iso(row["valid_from"]),
                "valid_to": _iso(row["valid_to"]),
            }
        )
    campaigns = list(
        _scoped(
            Campaign.objects.filter(status=Campaign.Status.ACTIVE)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
            .filter(Q(currency="") | Q(currency=channel.currency)),
            channel=channel,
            store=store,
        )
        .select_related("gift_product")
        .prefetch_related(
            "channels",
            "stores",
            "customer_groups",
            Prefetch(
                "targets",
                queryset=CampaignTarget.objects.select_related(
                    "product", "category", "brand", "product_set"
                ).order_by("group", "pk"),
            ),
        )
        .order_by("-priority", "code")
    )
    set_ids = {t.product_set_id for c in campaigns for t in c.targets.all() if t.product_set_id}
    country = store.country if store is not None else channel.country
    return {
        "version": rules_version(channel=channel, store=store, revision=revision),
        "revision": revision,
        "generated_at": _iso(at),
        "channel": channel.code,
        "store": store.code if store is not None else None,
        "currency": channel.currency,
        "country": str(country),
        "vat_rates": [
            {
                "vat_class": rate.vat_class.code,
                "rate": _money(rate.rate),
                "valid_from": rate.valid_from.isoformat(),
                "valid_to": rate.valid_to.isoformat() if rate.valid_to else None,
            }
            for rate in VatRate.objects.filter(country=country)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at.date()))
            .select_related("vat_class")
            .order_by("vat_class__code", "valid_from")
        ],
        "price_lists": [
            {
                **_scope_json(price_list),
                "code": price_list.code,
                "priority": price_list.priority,
                "entries": entries[price_list.pk],
            }
            for price_list in lists
        ],
        "campaigns": [_campaign_json(campaign) for campaign in campaigns],
        "product_sets": [
            {"code": product_set.code, "skus": sorted(p.sku for p in product_set.products.all())}
            for product_set in ProductSet.objects.filter(pk__in=set_ids)
            .prefetch_related("products")
            .order_by("code")
        ],
    }


def _scope_json(owner) -> dict:
    return {
        "channels": sorted(c.code for c in owner.channels.all()),
        "stores": sorted(s.code for s in owner.stores.all()),
        "customer_groups": sorted(g.code for g in owner.customer_groups.all()),
    }


def _target_json(targets) -> dict:
    def codes(attribute, exclude):
        return sorted(
            getattr(t, attribute).sku if attribute == "product" else getattr(t, attribute).code
            for t in targets
            if t.exclude is exclude and getattr(t, f"{attribute}_id") is not None
        )

    document = {
        "skus": codes("product", False),
        "categories": codes("category", False),
        "brands": codes("brand", False),
        "sets": codes("product_set", False),
        "exclude": {
            "skus": codes("product", True),
            "categories": codes("category", True),
            "brands": codes("brand", True),
            "sets": codes("product_set", True),
        },
    }
    quantities = [t.quantity for t in targets if not t.exclude]
    document["quantity"] = max(quantities, default=1)
    return document


def _campaign_json(campaign: Campaign) -> dict:
    targets = list(campaign.targets.all())
    own = [t for t in targets if t.group == 0]
    own_json = _target_json(own)
    own_json["everything"] = campaign.kind in BASKET_WIDE_KINDS and not any(
        not t.exclude for t in own
    )
    groups = sorted({t.group for t in targets if t.group})
    return {
        **_scope_json(campaign),
        "code": campaign.code,
        "name": campaign.name,
        "kind": campaign.kind,
        "stacking": campaign.stacking,
        "priority": campaign.priority,
        "valid_from": _iso(campaign.valid_from),
        "valid_to": _iso(campaign.valid_to),
        "receipt_text": dict(campaign.receipt_text or {}),
        "currency": campaign.currency or None,
        "requires_coupon": campaign.requires_coupon,
        "max_applications": campaign.max_applications,
        "params": {
            "percent": _money(campaign.percent),
            "amount": _money(campaign.amount),
            "price": _money(campaign.price),
            "buy_quantity": campaign.buy_quantity,
            "pay_quantity": campaign.pay_quantity,
            "mix_benefit": campaign.mix_benefit,
            "threshold_amount": _money(campaign.threshold_amount),
            "gift_sku": campaign.gift_product.sku if campaign.gift_product else None,
            "gift_quantity": campaign.gift_quantity,
            "repeats": campaign.repeats,
        },
        "target": own_json,
        "components": [_target_json([t for t in targets if t.group == g]) for g in groups],
    }
