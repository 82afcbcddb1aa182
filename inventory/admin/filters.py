"""List filters that stay cheap on tables of millions of stock rows."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from retail.models import Category
from retail.selectors import stores_for_user


class LocationFilter(admin.SimpleListFilter):
    """The user's stores and warehouses, from the store table (never a scan of stock rows)."""

    title = _("location")
    parameter_name = "location"
    lookup = "location_id"

    def lookups(self, request, model_admin):
        stores = stores_for_user(request.user).order_by("code").values_list("pk", "code", "name")
        return [(str(pk), f"{code} {name}") for pk, code, name in stores]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.lookup: self.value()})
        return queryset


class CategoryFilter(admin.SimpleListFilter):
    """A category and everything below it, by the materialised path of the tree."""

    title = _("category")
    parameter_name = "category"
    product_path = "product__category__path"

    def lookups(self, request, model_admin):
        nodes = Category.objects.order_by("path").values_list("path", "depth", "name")
        return [(path, "\u2003" * (depth - 1) + name) for path, depth, name in nodes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.product_path}__startswith": self.value()})
        return queryset
