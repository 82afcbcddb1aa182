from django.urls import path

from loyalty.api import views

urlpatterns = [
    path("members/", views.MemberJoinView.as_view(), name="loyalty-member-join"),
    path(
        "members/<str:member_number>/",
        views.MemberDetailView.as_view(),
        name="loyalty-member-detail",
    ),
    path(
        "members/<str:member_number>/points/",
        views.MemberPointsView.as_view(),
        name="loyalty-member-points",
    ),
    path("stored-value/balance/", views.BalanceView.as_view(), name="loyalty-sv-balance"),
    path("stored-value/redeem/", views.RedeemView.as_view(), name="loyalty-sv-redeem"),
    path("stored-value/holds/", views.HoldView.as_view(), name="loyalty-sv-hold"),
    path(
        "stored-value/holds/<str:source_key>/capture/",
        views.HoldCaptureView.as_view(),
        name="loyalty-sv-hold-capture",
    ),
    path(
        "stored-value/holds/<str:source_key>/release/",
        views.HoldReleaseView.as_view(),
        name="loyalty-sv-hold-release",
    ),
    path("stored-value/refund/", views.RefundView.as_view(), name="loyalty-sv-refund"),
    path("gift-cards/", views.GiftCardSellView.as_view(), name="loyalty-gift-card-sell"),
]
