"""The HQ admin: every core model, with search, filters and autocomplete.

Store managers use the same admin but see only their own stores' rows
(``scoping.StoreScopedAdminMixin``).  Writes that carry a business rule go
through services: staff roles (``staff_assign_role``), API clients and keys
(``api_client_create``, ``api_key_rotate``, ``api_key_revoke``) and marketing
consents (``customer_set_consent``).

Importing the modules registers their admins with ``admin.site``.
"""

from retail.admin import api_clients, catalog, customers, locations, staff

__all__ = ["api_clients", "catalog", "customers", "locations", "staff"]
