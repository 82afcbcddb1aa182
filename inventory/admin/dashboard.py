"""The stock feed section of the HQ dashboard: the latest runs with status and errors.

Registered with ``retail.admin.dashboard`` (retail imports no other app).  One query.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import StockFeedRun
from retail.admin.dashboard import DashboardSection, RunRow, dashboard_section_register, runs_table

SHOWN = 10
FAILED = (StockFeedRun.Status.REJECTED, StockFeedRun.Status.FAILED)


def render_feed_runs(request, view) -> str:
    runs = StockFeedRun.objects.order_by("-created_at", "-pk")[:SHOWN]
    rows = [
        RunRow(
            url=reverse("admin:inventory_stockfeedrun_change", args=[run.pk]),
            label=f"{run.feed_id} ({run.source})",
            kind=run.get_kind_display(),
            status=run.get_status_display(),
            failed=run.status in FAILED,
            at=run.created_at,
            error_count=len(run.errors or []),
            first_error=(run.errors or [{}])[0].get("message", ""),
        )
        for run in runs
    ]
    return runs_table(
        rows,
        all_url=reverse("admin:inventory_stockfeedrun_changelist"),
        all_text=_("All stock feed runs"),
    )


dashboard_section_register(
    DashboardSection(
        key="stock_feed_runs",
        title=gettext_lazy("Stock feed runs"),
        render=render_feed_runs,
        permission="inventory.view_stockfeedrun",
        order=40,
    )
)
