"""Store pages for click-and-collect: work queue, pick lists, picking, hand-over."""

from django.urls import path  # noqa: F401

app_name = "orders"

urlpatterns: list = []
