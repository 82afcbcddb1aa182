"""Store pages of the pricing app, under ``/store/labels/``."""

from django.urls import path

from pricing import views

app_name = "pricing_store"

urlpatterns = [
    path("", views.labels, name="labels"),
    path("print/", views.labels_print, name="labels_print"),
]
