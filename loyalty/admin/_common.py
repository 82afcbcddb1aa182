"""Shared admin helpers: read-only inlines/admins and the form page."""

from django.contrib import admin
from django.template.response import TemplateResponse


class ReadOnlyMixin:
    """No add, change or delete: the rows are written by services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


def form_page(model_admin, request, *, title: str, form, obj=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "form": form,
        "obj": obj,
    }
    return TemplateResponse(request, "admin/loyalty/form_page.html", context)


def error_field(form, field: str | None) -> str | None:
    return field if field in form.fields else None
