"""The work queue, the staff landing page and pick lists (printing one starts picking)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.conf import queue_refresh_seconds
from orders.forms import MAX_ORDERS_PER_PICK_LIST
from orders.models import Order
from orders.queue import SORTS, orders_of_store, pick_list
from orders.services.fulfilment import order_pick_start
from orders.store_day import QUEUE_FILTERS, latest_order_id, new_since, work_queue_shown
from orders.views.barcodes import gtin_svg
from orders.views.common import call_service, no_store
from retail.models.staff import StaffRole
from retail.selectors import staff_profile_for
from retail.store.access import page_context, staff_required

LAYOUT_BATCH = "batch"
LAYOUT_ORDERS = "orders"


@staff_required
def landing(request):
    """Send store managers to the work queue and everyone else to the store home page.

    Point ``LOGIN_REDIRECT_URL`` here to make managers land on the queue.
    """
    profile = staff_profile_for(request.user)
    if profile is not None and profile.role == StaffRole.STORE_MANAGER:
        return redirect("orders:queue")
    return redirect("store:home")


def _queue_context(request, store, *, after_id: int | None) -> dict:
    """What the queue page and its self-refreshing part both show.

    ``after_id`` is the page's mark (None: this is the page load, mark it now).
    """
    sort = request.GET.get("sort", "")
    show = request.GET.get("show", "")
    at = timezone.now()
    work, shown = work_queue_shown(
        store=store, at=at, sort=sort if sort in SORTS else "newest", show=show
    )
    if after_id is None:
        after_id = latest_order_id(work)
    arrived = new_since(work, after_id=after_id)
    query = {"sort": work.sort, "after": after_id}
    if show in QUEUE_FILTERS:
        query["show"] = show
    return {
        "queue": work,
        "sort": work.sort,
        "at": at,
        "sections": work.sections,
        "shown": shown,
        "show": show if show in QUEUE_FILTERS else "",
        "arrived": arrived,
        "arrived_ids": {row.order.pk for row in arrived},
        "live_url": f"{reverse('orders:queue_live')}?{urlencode(query)}",
        "refresh_seconds": queue_refresh_seconds(),
    }


@staff_required
def queue(request):
    """Show the store's open orders by state, with counts, ages and overdue ones.

    ``?show=`` narrows it to one section (``orders.store_day.QUEUE_FILTERS``:
    also collected and pickup expiring today).  The page re-fetches its
    orders every ``ORDERS_QUEUE_REFRESH_SECONDS`` (``queue_live``) and counts
    the orders new since it was loaded.
    """
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    context.update(_queue_context(request, store, after_id=None))
    return TemplateResponse(request, "orders/store/queue.html", context)


@staff_required
def queue_live(request):
    """The queue's orders alone, for the page's refresh: the store's own orders only.

    ``after`` is the newest order id the page had when loaded; orders new since
    then are counted in the badge and the page title.
    """
    context = page_context(request)
    store = context["store"]
    if store is None:
        raise Http404
    try:
        after_id = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        after_id = 0
    context.update(_queue_context(request, store, after_id=after_id))
    return TemplateResponse(request, "orders/store/_queue_live_response.html", context)


def _numbers(data) -> list[str]:
    """The distinct order numbers asked for, in the order given."""
    numbers = []
    for number in data.getlist("order"):
        number = number.strip()[:20]
        if number and number not in numbers:
            numbers.append(number)
    return numbers


def _check_scope(store, numbers: list[str]) -> None:
    """404 unless every number is an order of ``store`` (another store's must not leak)."""
    known = set(
        orders_of_store(store=store).filter(number__in=numbers).values_list("number", flat=True)
    )
    if set(numbers) - known:
        raise Http404


def _pick_list_url(numbers: list[str], layout: str) -> str:
    query = urlencode([("order", number) for number in numbers] + [("layout", layout)])
    return f"{reverse('orders:pick_list')}?{query}"


@require_POST
@staff_required
def pick_list_print(request):
    """Start picking the chosen orders (``order_pick_start``) and open their pick list."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    numbers = _numbers(request.POST)
    if not numbers:
        messages.error(request, _("Tick at least one order for the pick list."))
        return redirect("orders:queue")
    if len(numbers) > MAX_ORDERS_PER_PICK_LIST:
        messages.error(
            request,
            _("At most %(limit)d orders on one pick list.") % {"limit": MAX_ORDERS_PER_PICK_LIST},
        )
        return redirect("orders:queue")
    _check_scope(store, numbers)
    listed = pick_list(store=store, numbers=numbers)
    at = timezone.now()
    for order in listed.orders:
        if order.status == Order.Status.NEW:
            call_service(
                request, order_pick_start, order=order, store=store, actor=request.user, at=at
            )
    layout = request.POST.get("layout") or (LAYOUT_BATCH if len(numbers) > 1 else LAYOUT_ORDERS)
    return redirect(_pick_list_url(numbers, layout))


@staff_required
def pick_list_page(request):
    """Render a printable pick list: one batched walk through the shop, or a page per order."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    numbers = _numbers(request.GET)[:MAX_ORDERS_PER_PICK_LIST]
    if not numbers:
        return redirect("orders:queue")
    _check_scope(store, numbers)
    listed = pick_list(store=store, numbers=numbers)
    layout = request.GET.get("layout")
    if layout not in (LAYOUT_BATCH, LAYOUT_ORDERS):
        layout = LAYOUT_BATCH if len(listed.orders) > 1 else LAYOUT_ORDERS
    barcodes = {row.line.gtin: gtin_svg(row.line.gtin) for row in listed.rows}

    def view_rows(rows):
        return [{"row": row, "barcode": barcodes[row.line.gtin]} for row in rows]

    listed_numbers = {order.number for order in listed.orders}
    context.update(
        pick_list=listed,
        layout=layout,
        rows=view_rows(listed.rows),
        pages=[
            {"order": order, "rows": view_rows(listed.rows_for(order))} for order in listed.orders
        ],
        skipped=[number for number in numbers if number not in listed_numbers],
        batch_url=_pick_list_url(numbers, LAYOUT_BATCH),
        orders_url=_pick_list_url(numbers, LAYOUT_ORDERS),
    )
    return TemplateResponse(request, "orders/store/pick_list.html", context)
