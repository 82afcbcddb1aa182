"""Admin pages of pricing that belong to no single model, under ``/admin/pricing/``.

Included from ``retail.urls`` by name (``include("pricing.admin.urls")``)
before the admin's own URLs; each view is wrapped by ``admin_view``, so it
needs a signed-in staff user like any admin page.
"""

from django.contrib import admin
from django.urls import path

from pricing.admin.simulator import simulator_view

app_name = "pricing_admin"

urlpatterns = [
    path("simulator/", admin.site.admin_view(simulator_view), name="simulator"),
]
