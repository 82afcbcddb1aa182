"""``/api/v1/inventory/``: availability, reservations, the movement ledger and stock feeds.

The feed routes (``feeds/``) are the feed-sync work's own ``urlpatterns`` in
``inventory.api.feeds``, included as they are.
"""

from django.urls import path

from inventory.api import feeds, views

app_name = "inventory_api"

urlpatterns = [
    path("availability/", views.AvailabilityAtStoreView.as_view(), name="availability"),
    path(
        "availability/stores/",
        views.AvailabilityAcrossStoresView.as_view(),
        name="availability_stores",
    ),
    path(
        "availability/channel/",
        views.AvailabilityForChannelView.as_view(),
        name="availability_channel",
    ),
    path("reservations/", views.ReservationCreateView.as_view(), name="reservations"),
    path(
        "reservations/<str:reference>/release/",
        views.ReservationReleaseView.as_view(),
        name="reservation_release",
    ),
    path(
        "reservations/<str:reference>/extend/",
        views.ReservationExtendView.as_view(),
        name="reservation_extend",
    ),
    path("movements/", views.MovementListView.as_view(), name="movements"),
    *feeds.urlpatterns,
]
