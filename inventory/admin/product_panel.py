"""The stock panel of the product page in the admin: on hand, reserved and available.

Registered with ``retail.admin.product_panels`` (retail imports no other
app).  The locations holding most of the product first (a few), then the
totals over every location, and a link to all its stock rows.
"""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import StockLevel
from retail.admin.product_panels import ProductPanel, product_panel_register

TOP_LOCATIONS = 5


def stock_panel(request, product) -> str:
    """Stock of ``product``: the top locations by on hand, and the totals (two queries)."""
    levels = StockLevel.objects.filter(product=product)
    top = list(
        levels.select_related("location").order_by("-on_hand", "location__code")[:TOP_LOCATIONS]
    )
    totals = levels.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    if not top:
        return format_html("<p>{}</p>", _("No stock anywhere."))
    on_hand, reserved = totals["on_hand"] or 0, totals["reserved"] or 0
    rows = format_html_join(
        "",
        '<tr data-location="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                s.location.code,
                s.location,
                s.on_hand,
                s.reserved,
                s.on_hand - s.reserved,
            )
            for s in top
        ),
    )
    url = reverse("admin:inventory_stocklevel_changelist")
    return format_html(
        '<table data-testid="stock"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        '</tr></thead><tbody>{}</tbody><tfoot><tr data-location="total"><th>{}</th><th>{}</th>'
        "<th>{}</th><th>{}</th></tr></tfoot></table>"
        '<p><a href="{}?{}">{}</a></p>',
        _("Location"),
        _("On hand"),
        _("Reserved"),
        _("Available"),
        rows,
        _("Total (%(count)d locations)") % {"count": levels.count()},
        on_hand,
        reserved,
        on_hand - reserved,
        url,
        urlencode({"q": product.sku}),
        _("All stock rows"),
    )


product_panel_register(
    ProductPanel(key="stock", title=gettext_lazy("Stock"), render=stock_panel, order=20)
)
