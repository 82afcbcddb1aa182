"""Scope (channels, stores, customer groups) of price lists and campaigns, as SQL columns.

A price list's or campaign's channels, stores and customer groups come back
as comma-joined columns of the same row, so loading them costs no extra query.
"""

from __future__ import annotations

from pricing.engine.types import PricingContext
from pricing.loader.sql import joined


def ids_of(joined_ids: str | None) -> frozenset[int]:
    """Parse a comma-joined id list."""
    return frozenset(map(int, joined_ids.split(","))) if joined_ids else frozenset()


def codes_of(joined_codes: str | None) -> frozenset[str]:
    """Parse a comma-joined code list (codes never hold a comma: ``code_validator``)."""
    return frozenset(joined_codes.split(",")) if joined_codes else frozenset()


def scope_columns(vendor: str, owner: str, outer: str) -> str:
    """Three sub-selects: the channel ids, store ids and group codes of ``pricing_<owner>``."""
    prefix = f"pricing_{owner}"
    return (
        f"(SELECT {joined(vendor, 'x.channel_id')} FROM {prefix}_channels x "  # noqa: S608
        f"WHERE x.{owner}_id = {outer}), "
        f"(SELECT {joined(vendor, 'x.store_id')} FROM {prefix}_stores x "
        f"WHERE x.{owner}_id = {outer}), "
        f"(SELECT {joined(vendor, 'g.code')} FROM {prefix}_customer_groups x "
        f"JOIN retail_customergroup g ON g.id = x.customergroup_id WHERE x.{owner}_id = {outer})"
    )


def in_scope(
    channels: str | None, stores: str | None, groups: str | None, context: PricingContext
) -> bool:
    """Return whether comma-joined scope columns admit the context (an empty scope admits all)."""
    return (
        (not channels or context.channel_id in ids_of(channels))
        and (not stores or context.store_id in ids_of(stores))
        and (not groups or bool(codes_of(groups) & context.group_codes))
    )
