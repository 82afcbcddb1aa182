"""``/api/v1/imports/``: upload, poll, preview, confirm; the column contract and exports."""

from django.urls import path

from imports.api import views

app_name = "imports_api"

urlpatterns = [
    path("runs/", views.RunCreateView.as_view(), name="run_create"),
    path("runs/<int:run_id>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:run_id>/preview/", views.RunPreviewView.as_view(), name="run_preview"),
    path("runs/<int:run_id>/confirm/", views.RunConfirmView.as_view(), name="run_confirm"),
    path("kinds/", views.KindsView.as_view(), name="kinds"),
    path("exports/<str:kind>/", views.ExportView.as_view(), name="export"),
]
