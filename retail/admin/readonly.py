"""Admins for rows that only services write: ledgers, histories, logs, service-kept records."""


class ViewOnlyAdminMixin:
    """No add, change or delete, for model admins and inlines alike: the rows are only shown."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Rows written only by services: no add, no delete, every field read-only.

    The change permission stays, for the admin's tools and actions that call
    the services (unlike ``ViewOnlyAdminMixin``).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)
