"""The HQ dashboard in the admin: the chain's day at a glance, one section per app.

``retail`` imports no other app, so pricing, inventory, orders and imports
register their sections here when their admin loads (as the product page's
panels do), and the page shows each section the user has the permission
for.  A section gets the period (local dates of the admin's time zone,
default the last 7 days), ``now`` and the stores the user sees: ``None`` for
HQ (every store), else their own stores, so a store manager sees only theirs.
Each section reads with a fixed number of queries, whatever the number of
stores or orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retail.selectors import stores_for_user, user_sees_all_stores

DEFAULT_DAYS = 7
MAX_DAYS = 92


@dataclass(frozen=True, slots=True)
class DashboardView:
    """What a section shows figures for: ``[start, end)`` and who is looking."""

    start: datetime
    end: datetime
    now: datetime
    first_day: date
    last_day: date
    store_ids: list[int] | None  # None: every store (HQ)
    user: object


@dataclass(frozen=True, slots=True)
class DashboardSection:
    key: str
    title: str
    render: Callable  # (request, DashboardView) -> safe HTML
    permission: str
    order: int = 100


_SECTIONS: dict[str, DashboardSection] = {}


def dashboard_section_register(section: DashboardSection) -> None:
    """Add (or replace, by ``key``) a section of the HQ dashboard."""
    _SECTIONS[section.key] = section


def dashboard_sections(user) -> list[DashboardSection]:
    """The registered sections ``user`` has the permission for, in ``order``."""
    sections = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    return [s for s in sections if user.has_perm(s.permission)]


class PeriodForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and not 0 <= (last - first).days < MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a period of 1 to %(days)s days, the first day first.")
                % {"days": MAX_DAYS}
            )
        return cleaned


def dashboard_period(*, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """``[start, end)``: local midnight of ``first_day`` to the midnight after ``last_day``."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first_day, time(0), tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def hq_dashboard(request):
    """The dashboard page: the period form and every section the user may see."""
    now = timezone.now()
    today = timezone.localdate(now)
    initial = {"first_day": today - timedelta(days=DEFAULT_DAYS - 1), "last_day": today}
    form = PeriodForm(request.GET if "first_day" in request.GET else None, initial=initial)
    period = form.cleaned_data if form.is_bound and form.is_valid() else initial
    start, end = dashboard_period(**period)
    store_ids = (
        None
        if user_sees_all_stores(request.user)
        else list(stores_for_user(request.user).values_list("pk", flat=True))
    )
    view = DashboardView(
        start=start,
        end=end,
        now=now,
        first_day=period["first_day"],
        last_day=period["last_day"],
        store_ids=store_ids,
        user=request.user,
    )
    sections = [(s, s.render(request, view)) for s in dashboard_sections(request.user)]
    context = {
        **admin.site.each_context(request),
        "title": _("HQ dashboard"),
        "form": form,
        "view": view,
        "sections": sections,
    }
    return TemplateResponse(request, "admin/hq_dashboard.html", context)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One import or feed run as a dashboard lists it."""

    url: str
    label: str
    kind: str
    status: str
    failed: bool
    at: datetime
    error_count: int
    first_error: str


def runs_table(runs: list[RunRow], *, all_url: str, all_text: str) -> str:
    """The latest runs with status and errors, each linked, and a link to all of them."""
    from django.utils.html import format_html, format_html_join

    rows = format_html_join(
        "",
        '<tr class="{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="number">{}</td><td>{}</td></tr>',
        (
            (
                "run-failed" if r.failed else "run-ok",
                r.url,
                r.label,
                r.kind,
                format_html('<span class="figure-bad">{}</span>', r.status)
                if r.failed
                else r.status,
                f"{timezone.localtime(r.at):%Y-%m-%d %H:%M}",
                r.error_count,
                r.first_error,
            )
            for r in runs
        ),
    )
    table = (
        format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            '<th class="number">{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Run"),
            _("Kind"),
            _("Status"),
            _("Created"),
            _("Errors"),
            _("First error"),
            rows,
        )
        if runs
        else format_html("<p>{}</p>", _("None."))
    )
    return format_html('{}<p><a href="{}">{}</a></p>', table, all_url, all_text)
