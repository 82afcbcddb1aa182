"""SQL helpers of the loader: scope and membership lists fetched as sub-selects.

A price list's or campaign's channels, stores and customer groups come back
as comma-joined columns of the same row, so loading them costs no extra query.
"""

from __future__ import annotations

from django.db.models import Aggregate, CharField, OuterRef, Subquery

from pricing.engine.types import PricingContext


class Joined(Aggregate):
    """The values of a column joined with commas (GROUP_CONCAT, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS TEXT), ',')",
            **extra_context,
        )


def joined(through, owner: str, value: str, outer: str = "pk") -> Subquery:
    """A sub-select of ``through``'s ``value`` for the outer row, joined with commas."""
    return Subquery(
        through.objects.filter(**{owner: OuterRef(outer)})
        .values(owner)
        .annotate(joined=Joined(value))
        .values("joined")
    )


def ids_of(joined: str | None) -> frozenset[int]:
    """Parse a comma-joined id list (None: empty)."""
    return frozenset(int(v) for v in joined.split(",")) if joined else frozenset()


def codes_of(joined: str | None) -> frozenset[str]:
    """Parse a comma-joined code list (codes never hold a comma: ``code_validator``)."""
    return frozenset(joined.split(",")) if joined else frozenset()


def scope_subqueries(model, outer: str = "pk") -> dict[str, Subquery]:
    """Sub-selects of a price list's or campaign's channel ids, store ids and group codes."""
    owner = f"{model._meta.model_name}_id"
    return {
        "scope_channels": joined(model.channels.through, owner, "channel_id", outer),
        "scope_stores": joined(model.stores.through, owner, "store_id", outer),
        "scope_groups": joined(model.customer_groups.through, owner, "customergroup__code", outer),
    }


def in_scope(row: dict, context: PricingContext) -> bool:
    """Return whether a row's scope columns admit the context (an empty scope admits all)."""
    channels, stores, groups = (
        ids_of(row["scope_channels"]),
        ids_of(row["scope_stores"]),
        codes_of(row["scope_groups"]),
    )
    return (
        (not channels or context.channel_id in channels)
        and (not stores or context.store_id in stores)
        and (not groups or bool(groups & context.group_codes))
    )
