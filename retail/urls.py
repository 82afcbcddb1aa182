from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

import retail.api.schema  # noqa: F401  (registers the API-key scheme with drf-spectacular)
from retail.admin.dashboard import hq_dashboard
from retail.health import healthz
from retail.metrics_view import metrics

admin.site.site_header = _("Retail back office")
admin.site.site_title = _("Retail back office")
admin.site.index_title = _("HQ")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="store:home", permanent=False)),
    # Pages of the pricing app inside the admin (the price simulator); strings, so the
    # core never imports an app above it.
    path("admin/pricing/", include("pricing.admin.urls")),
    path("admin/hq/", admin.site.admin_view(hq_dashboard), name="hq-dashboard"),
    path("admin/", admin.site.urls),
    path("store/stock/", include("inventory.urls")),
    path("store/orders/", include("orders.urls")),
    path("store/returns/", include("orders.urls_returns")),
    path("store/labels/", include("pricing.urls")),
    path("store/", include("retail.store.urls")),
    path("api/v1/pricing/", include("pricing.api.urls")),
    path("api/v1/inventory/", include("inventory.api.urls")),
    path("api/v1/loyalty/", include("loyalty.api.urls")),
    path("api/v1/orders/", include("orders.api.urls")),
    path("api/v1/imports/", include("imports.api.urls")),
    path("api/v1/", include("retail.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        # Our template: drf-spectacular's loads web fonts from Google.
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    path("healthz", healthz, name="healthz"),
    # Prometheus; only for METRICS_ALLOWED_IPS or the METRICS_TOKEN bearer (else 404).
    path("metrics", metrics, name="metrics"),
]

handler404 = "retail.urls.not_found"
handler500 = "retail.urls.server_error"


def not_found(request, exception=None):
    from django.views.defaults import page_not_found

    from retail.api.errors import json_not_found

    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return page_not_found(request, exception)


def server_error(request):
    import sys

    from django.views.defaults import server_error as html_server_error

    from retail.api.errors import json_server_error
    from retail.db_outage import is_database_outage, outage_response

    # Django calls this handler inside its ``except``: a database that went away while a
    # middleware (session, staff language) read it is a 503, not a 500.
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return outage_response(request, exc)

    if request.path.startswith("/api/"):
        return json_server_error(request)
    return html_server_error(request)
