from django.contrib.auth import views as auth_views
from django.urls import path

from retail.store import views

app_name = "store"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="store/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("select-store/", views.select_store, name="select_store"),
    path("products/", views.product_lookup, name="product_lookup"),
    path("language/", views.language, name="language"),
]
