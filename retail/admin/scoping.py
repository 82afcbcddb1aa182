"""Store scoping for the admin: store staff see only their own stores' rows.

HQ staff and superusers see everything.  Everyone else sees the rows that
belong to ``retail.selectors.stores_for_user(user)``; other rows are missing
from their querysets, so Django answers their change pages as "does not
exist", and store choices in forms are limited the same way.
"""

from django.db.models import QuerySet
from django_countries.filters import CountryFilter

from retail.models import Store
from retail.selectors import stores_for_user, user_sees_all_stores


class StoreScopedAdminMixin:
    """Limit a ModelAdmin's rows and store choices to the user's stores.

    ``store_lookup`` is the ORM path from the model to ``Store``: ``"pk"`` for
    Store itself, ``"store"`` for a foreign key, ``"stores"`` for a
    many-to-many field.
    """

    store_lookup: str = ""

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        if user_sees_all_stores(request.user):
            return qs
        store_ids = stores_for_user(request.user).values("pk")
        if self.store_lookup == "pk":
            return qs.filter(pk__in=store_ids)
        # A subquery instead of a join: a row linked to two of the user's
        # stores appears once, and the changelist needs no DISTINCT.
        visible = self.model._default_manager.filter(**{f"{self.store_lookup}__in": store_ids})
        return qs.filter(pk__in=visible.values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Store and not user_sees_all_stores(request.user):
            kwargs["queryset"] = stores_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Store and not user_sees_all_stores(request.user):
            kwargs["queryset"] = stores_for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedCountryFilter(CountryFilter):
    """A country filter offering only the countries of rows the user can see.

    django-countries' own filter reads every row of the table, which would
    show a store manager the countries of other stores.
    """

    def lookup_choices(self, changelist):
        codes = set(
            changelist.root_queryset.order_by().values_list(self.field_path, flat=True).distinct()
        )
        for code, name in self.field.get_choices(include_blank=False):
            if code in codes:
                yield code, name
