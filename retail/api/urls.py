from django.urls import path
from rest_framework.routers import DefaultRouter

from retail.api import views

router = DefaultRouter(trailing_slash=True)
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("stores", views.StoreViewSet, basename="store")
router.register("products", views.ProductViewSet, basename="product")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
