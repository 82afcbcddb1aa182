"""Admin for stock feed runs: progress bars and summaries, and an upload form for HQ.

Runs are written only by the sync job, so every field is read-only.  HQ
sends a feed file from "Upload a stock feed" (``stock_feed_submit``); a
failed run can be queued again (``stock_feed_requeue``), and resumes after
its last committed chunk.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from inventory.models import StockFeedRun
from inventory.sync.feed import run_progress
from inventory.sync.services import stock_feed_requeue, stock_feed_submit
from retail.admin.readonly import ReadOnlyAdminMixin
from retail.errors import DomainError

SHOWN = 200  # errors and unknown SKUs listed on a run's page


def progress_bar(run: StockFeedRun) -> str:
    """A small HTML bar with the percentage of rows read (and the counts as its title)."""
    percent = run_progress(run)
    if percent is None:
        return format_html('<span title="{}">{}</span>', _("checking the feed"), "…")
    colour = {"rejected": "#ba2121", "failed": "#ba2121"}.get(run.status, "#417690")
    return format_html(
        '<div title="{} / {}" style="width:120px;background:#e8e8e8;border-radius:3px">'
        '<div style="width:{}%;background:{};color:#fff;font-size:11px;text-align:right;'
        'padding:0 3px;border-radius:3px;white-space:nowrap;min-width:2.5em">{}%</div></div>',
        f"{run.rows_read:,}",
        f"{run.rows_total:,}",
        percent,
        colour,
        percent,
    )


class StockFeedUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=StockFeedRun.Kind.choices)
    source = forms.CharField(
        max_length=50, initial="erp", help_text=_("Who sent it: erp, or pos:<STORE> for one store.")
    )
    feed_id = forms.CharField(
        max_length=200, help_text=_("Unique per feed: sending the same feed id again does nothing.")
    )
    file = forms.FileField(help_text=_("CSV (store,sku,quantity,…) or JSON lines, UTF-8."))


@admin.register(StockFeedRun)
class StockFeedRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "feed_id",
        "kind",
        "source",
        "status",
        "progress",
        "rows_read",
        "rows_total",
        "rows_changed",
        "unknown_count",
        "error_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "source")
    search_fields = ("=feed_id", "source")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    list_select_related = ("created_by",)
    exclude = ("errors", "unknown_skus")
    readonly_fields = ("progress", "unknown_list", "error_list")
    actions = ["requeue"]
    change_list_template = "admin/inventory/stockfeedrun/change_list.html"

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # While a run is under way the list reloads itself, so its progress bar moves.
        busy = StockFeedRun.objects.filter(
            status__in=[StockFeedRun.Status.PENDING, StockFeedRun.Status.RUNNING]
        ).exists()
        return super().changelist_view(request, {**(extra_context or {}), "refresh": busy})

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return progress_bar(obj)

    @admin.display(description=_("unknown SKUs"))
    def unknown_count(self, obj):
        return sum(entry.get("rows", 1) for entry in obj.unknown_skus or [])

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.display(description=_("unknown SKUs (skipped rows)"))
    def unknown_list(self, obj):
        entries = (obj.unknown_skus or [])[:SHOWN]
        if not entries:
            return "—"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("SKU"),
            _("rows"),
            _("lines"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (e.get("sku"), e.get("rows"), ", ".join(map(str, e.get("lines", []))))
                    for e in entries
                ),
            ),
        )

    @admin.display(description=_("errors"))
    def error_list(self, obj):
        errors = (obj.errors or [])[:SHOWN]
        if not errors:
            return "—"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("line"),
            _("column"),
            _("code"),
            _("message"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (e.get("line") or "", e.get("column"), e.get("code"), e.get("message"))
                    for e in errors
                ),
            ),
        )

    @admin.action(description=_("Queue the selected failed runs again"), permissions=["view"])
    def requeue(self, request, queryset):
        queued = sum(stock_feed_requeue(run=run) for run in queryset)
        self.message_user(request, _("%(n)d run(s) queued again.") % {"n": queued})

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("upload/", upload, name="inventory_stockfeedrun_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """HQ sends a feed file; ``stock_feed_submit`` records it and queues the sync job."""
        if not request.user.has_perm("inventory.add_stockfeedrun"):
            raise PermissionDenied
        initial = {"feed_id": f"hq-{timezone.now():%Y%m%d-%H%M%S}", "source": "erp"}
        form = StockFeedUploadForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                run = stock_feed_submit(
                    kind=data["kind"],
                    source=data["source"],
                    feed_id=data["feed_id"],
                    file=data["file"],
                    user=request.user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.message_user(
                    request,
                    _("Feed “%(feed)s” is %(status)s.")
                    % {"feed": run.feed_id, "status": run.get_status_display().lower()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:inventory_stockfeedrun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload a stock feed"),
            "form": form,
        }
        return TemplateResponse(request, "admin/inventory/stockfeedrun/upload.html", context)
