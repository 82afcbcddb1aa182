"""The orders sections of the HQ dashboard: click-and-collect by store, failing notifications.

Registered with ``retail.admin.dashboard`` (retail imports no other app).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from orders.queue import format_age
from orders.selectors_dashboard import collect_service_levels, failing_notifications
from retail.admin.dashboard import DashboardSection, dashboard_section_register


def _figure(value: int) -> str:
    if value:
        return format_html('<span class="figure-bad">{}</span>', value)
    return format_html("{}", value)


def render_service_levels(request, view) -> str:
    levels = collect_service_levels(
        start=view.start, end=view.end, now=view.now, store_ids=view.store_ids
    )
    if not levels:
        return format_html("<p>{}</p>", _("No click-and-collect orders in this period."))
    orders_url = reverse("admin:orders_order_changelist")
    rows = format_html_join(
        "",
        '<tr data-store="{}"><td><a href="{}?{}">{} {}</a></td><td class="number">{}</td>'
        '<td class="number">{}</td><td class="number">{}</td>'
        '<td class="number"><a href="{}?{}">{}</a></td></tr>',
        (
            (
                level.store.code,
                orders_url,
                urlencode({"store": level.store.pk}),
                level.store.code,
                level.store.name,
                level.orders,
                format_age(level.median_to_ready) if level.median_to_ready is not None else "—",
                _figure(level.overdue),
                orders_url,
                urlencode({"store": level.store.pk, "status__exact": "expired"}),
                _figure(level.expired),
            )
            for level in levels
        ),
    )
    return format_html(
        '<table id="service-levels"><thead><tr><th>{}</th><th class="number">{}</th>'
        '<th class="number">{}</th><th class="number">{}</th><th class="number">{}</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        _("Store"),
        _("Orders"),
        _("Median time to ready"),
        _("Overdue now"),
        _("Expired"),
        rows,
    )


def render_failing_notifications(request, view) -> str:
    failing = failing_notifications(store_ids=view.store_ids)
    changelist = reverse("admin:orders_notification_changelist")
    summary = format_html(
        '<p><a id="failing-notifications" href="{}?{}">{}</a></p>',
        changelist,
        urlencode({"status__exact": "failed"}),
        _("%(count)s notification(s) failed (given up)") % {"count": failing.count},
    )
    if not failing.latest:
        return summary
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                reverse("admin:orders_notification_change", args=[n.pk]),
                n.get_kind_display(),
                reverse("admin:orders_order_change", args=[n.order_id]),
                n.order.number,
                n.get_medium_display(),
                n.attempts,
                n.last_error,
            )
            for n in failing.latest
        ),
    )
    return format_html(
        "{}<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        summary,
        _("Notification"),
        pgettext("purchase order", "Order"),
        _("Medium"),
        _("Attempts"),
        _("Last error"),
        rows,
    )


dashboard_section_register(
    DashboardSection(
        key="collect_service_levels",
        title=gettext_lazy("Click-and-collect by store"),
        render=render_service_levels,
        permission="orders.view_order",
        order=10,
    )
)
dashboard_section_register(
    DashboardSection(
        key="failing_notifications",
        title=gettext_lazy("Notifications failing"),
        render=render_failing_notifications,
        permission="orders.view_notification",
        order=50,
    )
)
