"""The campaigns section of the HQ dashboard: running now, and starting this week.

Registered with ``retail.admin.dashboard`` (retail imports no other app).
"This week" is the calendar week (Monday to Sunday) of the admin's time zone;
a campaign starting later today counts.  Campaigns are the chain's, so every
reader with the right to see campaigns sees them all.  Four queries.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pricing.models import Campaign
from retail.admin.dashboard import DashboardSection, dashboard_section_register

SHOWN = 20


def week_end(now: datetime) -> datetime:
    """The Monday midnight after ``now``, in the current (admin) time zone."""
    today = timezone.localdate(now)
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(0), tzinfo=timezone.get_current_timezone())


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else _("until further notice")


def _table(campaigns) -> str:
    rows = format_html_join(
        "",
        '<tr data-campaign="{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                c.code,
                reverse("admin:pricing_campaign_change", args=[c.pk]),
                c.code,
                c.name,
                c.get_kind_display(),
                _when(c.valid_from),
                _when(c.valid_to),
            )
            for c in campaigns
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("Code"),
        _("Name"),
        _("Kind"),
        _("From"),
        _("To"),
        rows,
    )


def render_campaigns(request, view) -> str:
    now = view.now
    active = Campaign.objects.filter(status=Campaign.Status.ACTIVE)
    running = active.filter(valid_from__lte=now).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )
    starting = active.filter(valid_from__gt=now, valid_from__lt=week_end(now))
    running_count, starting_count = running.count(), starting.count()
    shown_running = list(running.order_by("valid_to", "code")[:SHOWN])
    shown_starting = list(starting.order_by("valid_from", "code")[:SHOWN])
    changelist = reverse("admin:pricing_campaign_changelist")
    return format_html(
        '<h3 id="campaigns-running">{}</h3>{}<p><a href="{}?status__exact=active">{}</a></p>'
        '<h3 id="campaigns-starting">{}</h3>{}',
        _("Running now: %(count)s") % {"count": running_count},
        _table(shown_running) if shown_running else "",
        changelist,
        _("All active campaigns"),
        _("Starting this week: %(count)s") % {"count": starting_count},
        _table(shown_starting) if shown_starting else format_html("<p>{}</p>", _("None.")),
    )


dashboard_section_register(
    DashboardSection(
        key="campaigns",
        title=gettext_lazy("Campaigns"),
        render=render_campaigns,
        permission="pricing.view_campaign",
        order=20,
    )
)
