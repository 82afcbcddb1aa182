"""Store pages for returns and exchanges at the counter (``/store/returns/``)."""

from django.urls import path

from orders.views import returns

app_name = "returns"

urlpatterns = [
    path("", returns.find, name="find"),
    path("receipts/<str:number>/", returns.receipt, name="receipt"),
    path("<str:number>/", returns.choose, name="choose"),
    path("<str:number>/review/", returns.review, name="review"),
    path("<str:number>/confirm/", returns.confirm, name="confirm"),
]
