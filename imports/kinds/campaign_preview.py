"""What the preview tells about a file's campaigns: new ones described, ends and overlaps warned.

A new campaign's row in the diff sample carries ``details`` (kind, offer
parameters, period, scope codes and every campaign it overlaps) as plain
JSON; ``imports.kinds.describe`` turns them into words when the page is
shown.  Overlaps are found by ``imports.kinds.overlaps``.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext, ngettext

from imports.kinds import overlaps
from imports.kinds.base import Report, shown
from imports.kinds.offers import PARAMETERS as OFFER_PARAMETERS
from imports.parsing import cell_list
from pricing.choices import CampaignStatus
from pricing.services.imports import CampaignRow


def new_campaign_details(row: CampaignRow, cells: dict, *, columns) -> dict:
    """What the preview shows of a new campaign: kind, offer, period and scope (JSON values).

    Texts are made when the page is shown (``imports.kinds.describe``), in the reader's
    language and time zone.
    """
    values = row.values
    offer = {name: shown(values.get(name)) for name in (*OFFER_PARAMETERS, "threshold_amount")}
    return {
        "kind": values["kind"],
        "offer": {name: value for name, value in offer.items() if value != ""},
        "currency": values["currency"],
        "valid_from": values["valid_from"].isoformat(),
        "valid_to": values["valid_to"].isoformat() if values["valid_to"] else None,
        "scope": {column: sorted(cell_list(cells.get(column))) for column in columns},
        "overlaps": [],
    }


def warn(parsed, report: Report, at: datetime) -> None:
    """Warn on campaigns already ended and on active ones sharing products with another."""
    tree = overlaps.Tree()
    tree.load_products(i for _, row, _ in parsed for i in row.product_ids)
    mine = []
    for number, row, _ in parsed:
        valid_to = row.values["valid_to"]
        if valid_to is not None and valid_to <= at:
            report.warn(
                "campaign_ended",
                number,
                gettext("%(code)s ended %(valid_to)s")
                % {"code": row.code, "valid_to": f"{valid_to:%Y-%m-%d %H:%M}"},
            )
        if row.values["status"] == CampaignStatus.ACTIVE:
            own = overlaps.own_targets(row.product_ids, row.category_ids, row.brand_ids)
            entry = overlaps.Entry(
                row.code,
                row.values["valid_from"],
                valid_to,
                set(row.channel_ids),
                set(row.store_ids),
                own,
                tree.reach(own),
            )
            mine.append((number, entry))
    if not mine:
        return
    entries = [e for _, e in mine]
    others = overlaps.active_campaigns(
        tree, entries, at=at, exclude={row.code for _, row, _ in parsed}
    )
    index = overlaps.Index(entries + others)
    for number, entry in mine:
        others = index.all_meeting(entry)
        if others:
            report.warn(
                "campaign_overlap",
                number,
                ngettext(
                    "%(code)s overlaps active campaign %(others)s",
                    "%(code)s overlaps %(count)s active campaigns: %(others)s",
                    len(others),
                )
                % {"code": entry.code, "others": ", ".join(others), "count": len(others)},
            )
            sampled = report.sample_entry(number)
            if sampled is not None and "details" in sampled:
                sampled["details"]["overlaps"] = others
