"""Admin for channel clients and their API keys.

Keys are stored hashed; the admin never shows a hash.  A new plain key is
shown exactly once, in the response of the "Rotate key" action, and is never
written to the session or a cookie.
"""

import rest_framework_api_key.admin  # noqa: F401  (registers APIKey first, so we can drop it)
from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.models import APIKey

from retail.admin.readonly import ViewOnlyAdminMixin
from retail.admin.scoping import StoreScopedAdminMixin
from retail.models import ApiClient, ApiClientKey, Channel, IdempotencyRecord, Store
from retail.services.api_clients import (
    DEFAULT_ROTATION_GRACE,
    api_client_create,
    api_key_revoke,
    api_key_rotate,
)

# Our keys are ApiClientKey rows; the package's own key model is unused.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "channel", "store", "is_active")

    def clean(self):
        cleaned = super().clean()
        # The rules api_client_create enforces, shown as form errors instead of a crash.
        channel, store = cleaned.get("channel"), cleaned.get("store")
        if channel and channel.kind == Channel.Kind.POS and store is None:
            self.add_error("store", _("A POS client stands in one store: choose it."))
        if store is not None and store.kind != Store.Kind.STORE:
            self.add_error("store", _("A client can be bound to a store, not a warehouse."))
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(StoreScopedAdminMixin, admin.ModelAdmin):
    store_lookup = "store"
    form = ApiClientForm
    list_display = ("name", "channel", "store", "is_active", "live_keys", "created_at")
    list_filter = ("is_active", "channel__kind", "channel")
    search_fields = ("name", "channel__code", "store__code")
    list_select_related = ("channel", "store")
    autocomplete_fields = ("channel", "store")
    actions = ["rotate_key", "revoke_all_keys"]

    def get_readonly_fields(self, request, obj=None):
        # What a client may see is fixed when it is created; make a new client instead.
        if obj is None:
            return ()
        return ("channel", "store", "keys", "created_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "channel", "store"]
        return ["name", "channel", "store", "is_active", "keys", "created_at"]

    @admin.display(description=_("Live keys"))
    def live_keys(self, obj):
        now = timezone.now()
        return sum(
            1
            for key in obj.keys.all()
            if not key.revoked and (key.expiry_date is None or key.expiry_date > now)
        )

    @admin.display(description=_("API keys"))
    def keys(self, obj):
        """List the keys read-only: name, prefix, dates, state; never the hash."""
        rows = obj.keys.order_by("-created").values_list(
            "name", "prefix", "created", "expiry_date", "revoked"
        )
        if not rows:
            return _("No keys yet: run the 'Rotate key' action to issue one.")
        now = timezone.now()

        def state(expiry, revoked):
            if revoked:
                return _("revoked")
            if expiry is not None and expiry <= now:
                return _("expired")
            return _("live")

        body = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    name,
                    prefix,
                    created.strftime("%Y-%m-%d %H:%M"),
                    expiry.strftime("%Y-%m-%d %H:%M") if expiry else "-",
                    state(expiry, revoked),
                )
                for name, prefix, created, expiry, revoked in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("Name"),
            _("Prefix"),
            _("Created (UTC)"),
            _("Expires (UTC)"),
            _("State"),
            body,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("keys")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client = api_client_create(name=obj.name, channel=obj.channel, store=obj.store)
        # The add view goes on with ``obj`` (log entry, redirect): it needs the row's pk.
        obj.pk = client.pk
        obj.created_at = client.created_at
        self.message_user(
            request,
            _("The client has no key yet: select it and run 'Rotate key' to issue one."),
            messages.INFO,
        )

    @admin.action(description=_("Rotate key (shows the new key once)"), permissions=["change"])
    def rotate_key(self, request, queryset):
        """Issue a new key per client; the old ones expire after the grace period."""
        at = timezone.now()
        deadline = at + DEFAULT_ROTATION_GRACE
        for client in queryset:
            _key, plain_key = api_key_rotate(client=client, at=at)
            self.message_user(
                request,
                format_html(
                    "{} <strong>{}</strong>: <code>{}</code><br>{} {}",
                    _("New API key for"),
                    client.name,
                    plain_key,
                    _("Copy it now: it will not be shown again."),
                    _("Its older keys keep working until %(deadline)s UTC.")
                    % {"deadline": deadline.strftime("%Y-%m-%d %H:%M")},
                ),
                messages.WARNING,
            )
        # Rendered here instead of redirecting: the messages are consumed by this
        # response, so the plain keys never rest in the session or a cookie.
        return TemplateResponse(
            request,
            "admin/retail/apiclient/new_keys.html",
            {
                **self.admin_site.each_context(request),
                "title": _("New API keys"),
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Revoke all keys"), permissions=["change"])
    def revoke_all_keys(self, request, queryset):
        """Revoke every key of the selected clients at once and for good."""
        revoked = 0
        for api_key in ApiClientKey.objects.filter(client__in=queryset, revoked=False):
            api_key_revoke(api_key=api_key)
            revoked += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Stored first responses of POSTs with an Idempotency-Key; read-only, for support."""

    list_display = ("scope", "key", "method", "path", "status", "response_status", "created_at")
    list_filter = ("status", "method")
    search_fields = ("=scope", "=key", "path")
    date_hierarchy = "created_at"
    show_full_result_count = False
