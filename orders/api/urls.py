"""``/api/v1/orders/``: place and read orders, staff steps, receipts, returns, history, refunds."""

from django.urls import path

from orders.api import sales, staff, views

app_name = "orders_api"

urlpatterns = [
    path("", views.OrderPlaceView.as_view(), name="place"),
    path("queue/", staff.QueueView.as_view(), name="queue"),
    path("hand-over/", staff.HandOverView.as_view(), name="hand-over"),
    path("receipts/", sales.ReceiptView.as_view(), name="receipts"),
    path("history/", views.PurchaseHistoryView.as_view(), name="history"),
    path("refunds/pending/", views.PendingRefundsView.as_view(), name="refunds-pending"),
    path("refunds/<int:refund_id>/done/", views.RefundDoneView.as_view(), name="refund-done"),
    path("<str:number>/", views.OrderDetailView.as_view(), name="detail"),
    path("<str:number>/cancel/", views.OrderCancelView.as_view(), name="cancel"),
    path("<str:number>/pick/", staff.PickStartView.as_view(), name="pick"),
    path("<str:number>/lines/<int:line_no>/pick/", staff.LinePickView.as_view(), name="line-pick"),
    path(
        "<str:number>/lines/<int:line_no>/short/", staff.LineShortView.as_view(), name="line-short"
    ),
    path("<str:number>/ready/", staff.ReadyView.as_view(), name="ready"),
    path("<str:number>/receive/", staff.ReceiveView.as_view(), name="receive"),
    path("<str:number>/ship/", staff.ShipView.as_view(), name="ship"),
    path("<str:number>/returns/", sales.ReturnView.as_view(), name="returns"),
    path("<str:number>/exchanges/", sales.ExchangeView.as_view(), name="exchanges"),
]
