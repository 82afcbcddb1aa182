"""Store pages of the pricing app, under ``/store/labels/``: shelf-edge labels.

Staff choose products (a list of SKUs or GTINs typed or scanned, or a search
by name) or ask for everything whose price changes tomorrow at their store,
and print A4 sheets of labels.  Prices are as ``GET /api/v1/pricing/prices/``
says them in the store's channel (``pricing.shelf``).
"""

from __future__ import annotations

import re

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pricing.shelf import MAX_LABELS, labels_for_price_changes, shelf_labels
from retail.selectors import (
    product_search_by_name,
    products_find_by_codes,
    store_sales_channel,
)
from retail.store.access import forbidden, page_context, staff_required
from retail.store.barcodes import gtin_svg

CHANGES_TOMORROW = "tomorrow"
NAME_MATCH_LIMIT = 30
_SEPARATORS = re.compile(r"[\s,;]+")


def _codes(request) -> list[str]:
    """The codes asked for: the text box (one a line, as a scanner types them) and ticked boxes."""
    typed = _SEPARATORS.split(request.GET.get("codes", ""))
    ticked = request.GET.getlist("code")
    codes = [code[:100] for code in (*typed, *ticked) if code]
    return list(dict.fromkeys(codes))[:MAX_LABELS]


@staff_required
def labels(request):
    """Choose what to print: codes, a search by name, or tomorrow's price changes."""
    context = page_context(request)
    query = request.GET.get("q", "").strip()[:100]
    context.update(
        query=query,
        matches=product_search_by_name(text=query, limit=NAME_MATCH_LIMIT) if query else [],
        max_labels=MAX_LABELS,
    )
    return TemplateResponse(request, "pricing/store/labels.html", context)


@staff_required
def labels_print(request):
    """An A4 sheet of labels (3 x 8 a page) for the chosen products or tomorrow's changes."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return forbidden(request, message=_("Your user is not linked to any store yet."))
    channel = store_sales_channel(store=store)
    if channel is None:
        return forbidden(request, message=_("This store has no POS channel to price labels in."))
    now = timezone.now()
    unknown: list[str] = []
    tomorrow = request.GET.get("changes") == CHANGES_TOMORROW
    if tomorrow:
        found = labels_for_price_changes(store=store, channel=channel, at=now)
    else:
        products, unknown = products_find_by_codes(codes=_codes(request))
        found = shelf_labels(products=products, store=store, channel=channel, at=now)
    context.update(
        labels=[{"label": label, "barcode": gtin_svg(label.gtin)} for label in found],
        unknown=unknown,
        tomorrow=tomorrow,
        channel=channel,
    )
    return TemplateResponse(request, "pricing/store/labels_print.html", context)
