"""Shared parts of the orders admin: read-only rows and store scoping across two stores."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from retail.admin import readonly
from retail.admin.scoping import StoreScopedAdminMixin
from retail.selectors import stores_for_user, user_sees_all_stores


class ReadOnlyAdminMixin(readonly.ReadOnlyAdminMixin):
    """Rows written only by services: no add, no delete, no save, every field read-only."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyInline(readonly.ViewOnlyAdminMixin):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


def order_stores_q(store_ids, prefix: str = "") -> Q:
    """Rows whose order (at ``prefix``) is fulfilled or collected at one of ``store_ids``."""
    return Q(**{f"{prefix}fulfil_location__in": store_ids}) | Q(
        **{f"{prefix}collect_store__in": store_ids}
    )


class OrderStoreScopedAdminMixin(StoreScopedAdminMixin):
    """Store staff see the rows of orders their store fulfils or collects (two store columns).

    ``order_prefix`` is the ORM path to the order: ``""`` for Order itself,
    ``"order__"`` for rows hanging off an order.  HQ and superusers see all.
    """

    order_prefix = ""

    def get_queryset(self, request) -> QuerySet:
        # StoreScopedAdminMixin filters on one store column; an order has two,
        # so take the plain queryset and filter on both here.
        qs = super(StoreScopedAdminMixin, self).get_queryset(request)
        if user_sees_all_stores(request.user):
            return qs
        store_ids = stores_for_user(request.user).values("pk")
        visible = self.model._default_manager.filter(self.store_scope(store_ids))
        return qs.filter(pk__in=visible.values("pk"))

    def store_scope(self, store_ids) -> Q:
        """The rows a user of ``store_ids`` sees: those of their stores' orders."""
        return order_stores_q(store_ids, self.order_prefix)


class OrderStoreFilter(admin.SimpleListFilter):
    """The user's stores; an order matches where it is fulfilled or collected."""

    title = _("store")
    parameter_name = "store"
    order_prefix = ""

    def lookups(self, request, model_admin):
        stores = stores_for_user(request.user).order_by("code").values_list("pk", "code", "name")
        return [(str(pk), f"{code} {name}") for pk, code, name in stores]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(order_stores_q([self.value()], self.order_prefix))
        return queryset


class RowOrderStoreFilter(OrderStoreFilter):
    order_prefix = "order__"
