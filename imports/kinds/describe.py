"""A new campaign of the preview in words: its kind, offer, period and scope.

The check stores plain values (``campaign_preview.new_campaign_details``);
this renders them when the page is shown, in the reader's language and the
admin's time zone: "3 for 2", "20% off", "50.00 DKK off over 300.00 DKK".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pricing.api.texts import money_text, percent_text
from pricing.choices import CampaignKind, MixBenefit

SCOPE_LABELS = {
    "channels": gettext_lazy("channels"),
    "stores": gettext_lazy("stores"),
    "customer_groups": gettext_lazy("customer groups"),
    "products": gettext_lazy("products"),
    "categories": gettext_lazy("categories"),
    "brands": gettext_lazy("brands"),
    "exclude_products": gettext_lazy("excluded products"),
}


@dataclass(frozen=True)
class CampaignPreview:
    kind: str
    offer: str
    starts: str
    ends: str
    scope: list[tuple[str, str]]
    overlaps: list[str]


def _money(value: str | None, currency: str) -> str:
    amount = Decimal(value or 0)
    if currency:
        return money_text(amount, currency)
    return formats.number_format(amount, decimal_pos=2, use_l10n=True)


def offer_text(kind: str, offer: dict, currency: str) -> str:
    """The offer as a marketer says it: "3 for 2", "20% off", "50.00 DKK off over 300.00 DKK"."""
    percent = Decimal(offer["percent"]) if offer.get("percent") else None
    buy = offer.get("buy_quantity")
    if kind in (CampaignKind.PERCENT_OFF, CampaignKind.SPEND_THRESHOLD) and percent is not None:
        text = _("%(percent)s off") % {"percent": percent_text(percent)}
    elif kind in (CampaignKind.AMOUNT_OFF, CampaignKind.SPEND_THRESHOLD):
        text = _("%(amount)s off") % {"amount": _money(offer.get("amount"), currency)}
    elif kind == CampaignKind.FIXED_PRICE:
        text = _("%(price)s each") % {"price": _money(offer.get("price"), currency)}
    elif offer.get("mix_benefit") == MixBenefit.CHEAPEST_PERCENT and percent is not None:
        text = _("%(percent)s off the cheapest of %(size)s") % {
            "percent": percent_text(percent),
            "size": buy,
        }
    elif offer.get("pay_quantity"):
        text = _("%(size)s for %(pay)s") % {"size": buy, "pay": offer["pay_quantity"]}
    else:
        text = _("%(size)s for %(price)s") % {
            "size": buy,
            "price": _money(offer.get("price"), currency),
        }
    if kind == CampaignKind.SPEND_THRESHOLD and offer.get("threshold_amount"):
        text = _("%(offer)s over %(threshold)s") % {
            "offer": text,
            "threshold": _money(offer["threshold_amount"], currency),
        }
    return text


def _local(moment: str | None) -> str:
    if not moment:
        return _("until further notice")
    return f"{timezone.localtime(datetime.fromisoformat(moment)):%Y-%m-%d %H:%M}"


def campaign_preview(details: dict) -> CampaignPreview:
    """Words for the ``details`` a new campaign's diff entry carries."""
    kind = details["kind"]
    scope = details.get("scope", {})
    everyone = {"channels": _("all channels"), "stores": _("all stores")}
    # (label, codes), or ("", "all channels") where the campaign is not limited.
    shown = [
        (str(label), ", ".join(scope[column])) if scope.get(column) else ("", everyone[column])
        for column, label in SCOPE_LABELS.items()
        if scope.get(column) or column in everyone
    ]
    return CampaignPreview(
        kind=str(CampaignKind(kind).label) if kind in CampaignKind.values else kind,
        offer=offer_text(kind, details.get("offer", {}), details.get("currency", "")),
        starts=_local(details["valid_from"]),
        ends=_local(details.get("valid_to")),
        scope=shown,
        overlaps=list(details.get("overlaps", [])),
    )
