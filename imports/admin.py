"""HQ admin for spreadsheet imports: upload, preview with diffs and warnings, confirm, export.

Runs are written only by ``imports.services``; every field is read-only.
"Upload a spreadsheet" records the file and queues its check; the run's
preview page shows the progress bar while the job works, then the counts,
the changed fields (old -> new), the warnings with a tick box each and the
confirm button.  New campaigns are shown with their kind, offer, period,
scope and every campaign they overlap; the error list downloads as CSV.
Who may upload or confirm a kind: ``imports.kinds.kinds_importable_by``.
"Export" downloads any kind in the import layout.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from imports.exports import export_file
from imports.kinds import KINDS, kinds_importable_by
from imports.kinds.describe import campaign_preview
from imports.models import ImportKind, ImportRun
from imports.services import import_run_confirm, import_run_create, import_run_progress
from imports.templates_files import template_workbook
from retail.admin.dashboard import DashboardSection, RunRow, dashboard_section_register, runs_table
from retail.admin.exports import csv_response
from retail.admin.readonly import ViewOnlyAdminMixin
from retail.errors import DomainError

Status = ImportRun.Status
BUSY = (Status.UPLOADED, Status.VALIDATING, Status.APPLYING)


def progress_percent(run: ImportRun) -> int | None:
    done, total = import_run_progress(run)
    if not total:
        return None
    return min(100, 100 * done // total)


def progress_bar(run: ImportRun) -> str:
    """A small bar with the percentage of rows done in the current step."""
    percent = progress_percent(run)
    if percent is None:
        return format_html("<span>{}</span>", "…" if run.status in BUSY else "—")
    colour = "#ba2121" if run.status == Status.FAILED else "#417690"
    return format_html(
        '<div style="width:140px;background:#e8e8e8;border-radius:3px">'
        '<div style="width:{}%;background:{};color:#fff;font-size:11px;text-align:right;'
        'padding:0 3px;border-radius:3px;min-width:2.5em">{}%</div></div>',
        percent,
        colour,
        percent,
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices)
    file = forms.FileField(help_text=_(".xlsx or .csv with the documented column headers."))

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in ImportKind.choices if c[0] in kinds]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices)
    file_format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("csv", "csv")])


@admin.register(ImportRun)
class ImportRunAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "status",
        "progress",
        "counts",
        "uploaded_by",
        "api_client",
        "created_at",
        "applied_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("file_name", "=file_sha256")
    date_hierarchy = "created_at"
    list_select_related = ("uploaded_by", "api_client")
    change_list_template = "admin/imports/importrun/change_list.html"

    def changelist_view(self, request, extra_context=None):
        busy = ImportRun.objects.filter(status__in=BUSY).exists()
        return super().changelist_view(request, {**(extra_context or {}), "refresh": busy})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:imports_importrun_preview", args=[object_id]))

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return progress_bar(obj)

    @admin.display(description=_("new / changed / unchanged / deleted"))
    def counts(self, obj):
        s = obj.summary or {}
        if not s:
            return "—"
        return f"{s.get('new', 0)} / {s.get('changed', 0)} / {s.get('unchanged', 0)} / " + str(
            s.get("deleted", 0)
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="imports_importrun_upload"),
            path("export/", wrap(self.export_view), name="imports_importrun_export"),
            path(
                "template/<str:kind>/", wrap(self.template_view), name="imports_importrun_template"
            ),
            path(
                "<int:run_id>/preview/", wrap(self.preview_view), name="imports_importrun_preview"
            ),
            path(
                "<int:run_id>/errors.csv", wrap(self.errors_view), name="imports_importrun_errors"
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def upload_view(self, request):
        """Record the file with ``import_run_create`` (its check is queued) and show its run."""
        kinds = kinds_importable_by(request.user)
        if not kinds:
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
        if request.method == "POST" and form.is_valid():
            try:
                run = import_run_create(
                    kind=form.cleaned_data["kind"],
                    file=form.cleaned_data["file"],
                    user=request.user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return HttpResponseRedirect(
                    reverse("admin:imports_importrun_preview", args=[run.pk])
                )
        columns = {kind: KINDS[kind].COLUMNS for kind in kinds}
        context = self._context(
            request, _("Upload a spreadsheet"), form=form, columns=columns, kinds=ImportKind
        )
        return TemplateResponse(request, "admin/imports/importrun/upload.html", context)

    def preview_view(self, request, run_id: int):
        """The run's progress, counts, diffs, warnings (tick boxes) and the confirm button."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        may_import = run.kind in kinds_importable_by(request.user)
        if request.method == "POST":
            if not may_import:
                raise PermissionDenied
            try:
                import_run_confirm(
                    run=run, confirmed_warnings=request.POST.getlist("warning"), user=request.user
                )
            except DomainError as exc:
                unticked = ", ".join(exc.extra.get("unconfirmed", []))
                self.message_user(request, f"{exc.message} {unticked}".strip(), messages.ERROR)
            else:
                self.message_user(request, _("Confirmed: the import is being applied."))
            return HttpResponseRedirect(request.path)
        context = self._context(
            request,
            _("Import #%(id)s: %(kind)s") % {"id": run.pk, "kind": run.get_kind_display()},
            run=run,
            progress=progress_bar(run),
            percent=progress_percent(run),
            busy=run.status in BUSY,
            can_confirm=run.status == Status.PREVIEWED and may_import,
            diff_rows=[
                (entry, campaign_preview(entry["details"]) if "details" in entry else None)
                for entry in run.diff_sample
            ],
            campaigns_url=reverse("admin:pricing_campaign_changelist"),
        )
        return TemplateResponse(request, "admin/imports/importrun/preview.html", context)

    def errors_view(self, request, run_id: int):
        """The run's errors as CSV (row, column, message), formula-safe."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        return csv_response(
            filename=f"import-{run.pk}-errors.csv",
            header=[_("row"), _("column"), _("message")],
            rows=((e.get("row"), e.get("column"), e.get("message")) for e in run.errors),
        )

    def export_view(self, request):
        """Download every row of a kind in the import layout (formulas neutralised)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if form.is_valid():
            content, content_type, name = export_file(
                kind=form.cleaned_data["kind"], file_format=form.cleaned_data["file_format"]
            )
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = self._context(request, _("Export"), form=form)
        return TemplateResponse(request, "admin/imports/importrun/export.html", context)

    def template_view(self, request, kind: str):
        """An empty xlsx with the headers of ``kind`` and a sheet documenting each column."""
        if not self.has_view_permission(request) or kind not in KINDS:
            raise PermissionDenied
        response = HttpResponse(
            template_workbook(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
        return response


def render_import_runs(request, view) -> str:
    """The latest import runs with status and errors (the dashboard's imports section)."""
    runs = ImportRun.objects.order_by("-created_at", "-pk")[:10]
    rows = [
        RunRow(
            url=reverse("admin:imports_importrun_preview", args=[run.pk]),
            label=f"#{run.pk} {run.file_name}",
            kind=run.get_kind_display(),
            status=run.get_status_display(),
            failed=run.status == Status.FAILED,
            at=run.created_at,
            error_count=(run.summary or {}).get("errors", len(run.errors or [])),
            first_error=(run.errors or [{}])[0].get("message", ""),
        )
        for run in runs
    ]
    return runs_table(
        rows,
        all_url=reverse("admin:imports_importrun_changelist"),
        all_text=_("All import runs"),
    )


dashboard_section_register(
    DashboardSection(
        key="import_runs",
        title=_("Import runs"),
        render=render_import_runs,
        permission="imports.view_importrun",
        order=30,
    )
)
