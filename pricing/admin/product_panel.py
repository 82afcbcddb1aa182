"""The pricing panel of the product page in the admin: prices, campaign prices, prior prices.

Registered with ``retail.admin.product_panels`` (retail imports no other app).
Per price list: the price in force now, with links to its chart and to "new
price from a date".  Per active channel: what one unit costs now as the
basket API says it (``basket_quote``: the campaign price, its campaign and
the Omnibus prior price), and a link to the product's price history.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pricing.models import PriceListEntry
from pricing.quotes import basket_quote
from retail.admin.product_panels import ProductPanel, product_panel_register
from retail.errors import DomainError
from retail.models import Channel


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else _("until further notice")


def _list_prices(product, now) -> str:
    entries = (
        PriceListEntry.objects.filter(product=product, valid_from__lte=now)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .select_related("price_list")
        .order_by("price_list__code")
    )
    chart = reverse("admin:pricing_pricelistentry_chart")
    new_price = reverse("admin:pricing_pricelistentry_new_price")
    rows = format_html_join(
        "",
        '<tr data-list="{}"><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td>'
        '<td><a href="{}?{}">{}</a> · <a href="{}?{}">{}</a></td></tr>',
        (
            (
                e.price_list.code,
                e.price_list.code,
                e.amount,
                e.price_list.currency,
                _when(e.valid_from),
                _when(e.valid_to),
                chart,
                urlencode({"product": product.sku, "list": e.price_list.code}),
                _("Price chart"),
                new_price,
                urlencode({"product": product.sku, "list": e.price_list.code}),
                _("New price from a date"),
            )
            for e in entries
        ),
    )
    if not rows:
        return format_html("<p>{}</p>", _("No price in force in any price list."))
    return format_html(
        '<table data-testid="list-prices"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
        _("Price list"),
        _("Price now"),
        _("Since"),
        _("Until"),
        rows,
    )


def _channel_prices(product, now) -> str:
    rows = []
    for channel in Channel.objects.filter(is_active=True).order_by("code"):
        try:
            quote = basket_quote(lines=[(product.sku, 1)], channel=channel, at=now)
        except DomainError:
            continue  # no price in this channel
        (quoted,) = quote.lines
        line = quoted.line
        campaigns = ", ".join(f"{d.campaign_name} ({d.campaign_code})" for d in line.discounts)
        rows.append(
            (
                channel.code,
                channel.code,
                line.unit_price,
                line.price_list_code,
                line.total if line.discounts else "-",
                campaigns or "-",
                quoted.prior_price if quoted.prior_price is not None else "-",
                channel.currency,
            )
        )
    if not rows:
        return format_html("<p>{}</p>", _("No channel sells it now."))
    return format_html(
        '<table data-testid="channel-prices"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("Channel"),
        _("Price (list)"),
        _("Campaign price"),
        _("Campaign"),
        _("Prior price (Omnibus)"),
        _("Currency"),
        format_html_join(
            "",
            '<tr data-channel="{}"><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td></tr>",
            rows,
        ),
    )


def pricing_panel(request, product) -> str:
    """The pricing summary of ``product`` now (several queries per active channel)."""
    now = timezone.now()
    history = reverse("admin:pricing_pricechange_changelist")
    return format_html(
        '{}{}<p><a href="{}?{}">{}</a> · <a href="{}?{}">{}</a></p>',
        _list_prices(product, now),
        _channel_prices(product, now),
        history,
        urlencode({"q": product.sku}),
        _("Price history"),
        reverse("admin:pricing_pricelistentry_new_price"),
        urlencode({"product": product.sku}),
        _("New price from a date"),
    )


product_panel_register(
    ProductPanel(
        key="pricing", title=gettext_lazy("Prices and campaigns"), render=pricing_panel, order=10
    )
)
