"""Shared admin helpers: read-only inlines, the form page and the "Adjust" pages."""

import uuid
from collections.abc import Callable

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from retail.admin.readonly import ViewOnlyAdminMixin
from retail.errors import DomainError


class ReadOnlyInline(ViewOnlyAdminMixin, admin.TabularInline):
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


def open_for_one(model_admin, request, queryset, *, url_name: str, warning: str):
    """An action that opens the page ``url_name`` of the one selected object (else warns)."""
    if queryset.count() != 1:
        model_admin.message_user(request, warning, messages.WARNING)
        return None
    return HttpResponseRedirect(reverse(f"admin:{url_name}", args=[queryset.get().pk]))


def adjust_page(
    model_admin,
    request,
    object_id: int,
    *,
    form_class,
    title: str,
    adjust: Callable[[object, dict], object],
    done: str,
):
    """The page of an "Adjust" action: ``form_class`` whose valid POST calls ``adjust``.

    The form carries a fresh ``admin-adjust:<uuid>`` source key, so a double
    submit adjusts once.  ``adjust(obj, cleaned_data)`` calls the service; a
    DomainError it raises is shown on the form, success returns to the
    object with the message ``done``.  Check permissions before calling.
    """
    obj = model_admin.get_object(request, str(object_id))
    if obj is None:
        return model_admin._get_obj_does_not_exist_redirect(
            request, model_admin.opts, str(object_id)
        )
    form = form_class(request.POST or None, initial={"source_key": f"admin-adjust:{uuid.uuid4()}"})
    if request.method == "POST" and form.is_valid():
        try:
            adjust(obj, form.cleaned_data)
        except DomainError as exc:
            form.add_error(error_field(form, exc.field), exc.message)
        else:
            model_admin.message_user(request, done, messages.SUCCESS)
            opts = model_admin.opts
            change = f"admin:{opts.app_label}_{opts.model_name}_change"
            return HttpResponseRedirect(reverse(change, args=[obj.pk]))
    return form_page(model_admin, request, title=title, form=form, obj=obj)
