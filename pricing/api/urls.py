"""``/api/v1/pricing/``: basket, prices, campaigns and the offline rule snapshot."""

from django.urls import path

from pricing.api import views

app_name = "pricing_api"

urlpatterns = [
    path("basket/", views.BasketPriceView.as_view(), name="basket"),
    path("prices/", views.PriceLookupView.as_view(), name="prices"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("rules/", views.RulesSnapshotView.as_view(), name="rules"),
]
