"""Store pages of the inventory app, under ``/store/stock/``."""

from django.urls import path

from inventory import views

app_name = "inventory_store"

urlpatterns = [
    path("", views.stock_lookup, name="stock"),
    path("holds/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
