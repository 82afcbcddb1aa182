"""Store pages for click-and-collect: work queue, pick lists, picking, hand-over."""

from django.urls import path

from orders.views import handover, picking, queue

app_name = "orders"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("start/", queue.landing, name="landing"),
    path("live/", queue.queue_live, name="queue_live"),
    path("pick-list/", queue.pick_list_page, name="pick_list"),
    path("pick-list/print/", queue.pick_list_print, name="pick_list_print"),
    path("hand-over/", handover.hand_over, name="hand_over"),
    path("hand-over/confirm/", handover.hand_over_confirm, name="hand_over_confirm"),
    path("<str:number>/", picking.order_page, name="order"),
    path("<str:number>/lines/<int:line_no>/pick/", picking.line_pick, name="line_pick"),
    path(
        "<str:number>/lines/<int:line_no>/short-pick/",
        picking.line_short_pick,
        name="line_short_pick",
    ),
    path(
        "<str:number>/lines/<int:line_no>/remove/",
        picking.line_remove_confirm,
        name="line_remove_confirm",
    ),
    path("<str:number>/ready/", picking.ready, name="ready"),
    path("<str:number>/ship/", picking.ship, name="ship"),
    path("<str:number>/receive/", picking.receive, name="receive"),
]
