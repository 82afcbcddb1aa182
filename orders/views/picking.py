"""One order's picking page: confirm lines, short-pick, ready, ship, receive a transfer."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.selectors import availability_at_store
from orders.forms import MAX_CODE_LENGTH, ShipForm, ShortPickForm
from orders.history_words import order_history
from orders.models import Order, OrderLine
from orders.queue import PICKABLE_STATUSES, order_page_lines
from orders.selectors_figures import order_figures
from orders.selectors_short_pick import refund_preview, substitute_quote
from orders.services.fulfilment import (
    order_line_pick,
    order_line_short_pick,
    order_ready,
    order_ship,
    order_transfer_receive,
)
from orders.views.common import call_service, customer_name, store_order
from retail.selectors import product_find_by_code
from retail.store.access import page_context, staff_required

SHIP_KINDS = (Order.Fulfilment.SHIP_FROM_STORE, Order.Fulfilment.HOME_DELIVERY)


def _next_step(order: Order, store, lines: list[OrderLine]) -> str:
    """What this store does next with ``order``: pick, ready, send, ship, receive, hand_over."""
    picks_here = order.fulfil_location_id == store.pk
    collects_here = order.collect_store_id == store.pk
    if picks_here and order.status in PICKABLE_STATUSES:
        if any(line.status == OrderLine.Status.OPEN for line in lines):
            return "pick"
        if not any(line.status == OrderLine.Status.PICKED for line in lines):
            return ""
        if order.fulfilment in SHIP_KINDS:
            return "ship"
        if order.fulfilment == Order.Fulfilment.COLLECT_OTHER and not collects_here:
            return "send"
        return "ready"
    if collects_here and order.status == Order.Status.IN_TRANSIT:
        return "receive"
    if collects_here and order.status == Order.Status.READY:
        return "hand_over"
    return ""


def _substitute_choice(request, order: Order, store, lines: list[OrderLine]) -> dict:
    """The product scanned as a substitute for one line: stock here, its price, the shop's rule."""
    try:
        line_no = int(request.GET.get("substitute_line", ""))
    except ValueError:
        return {}
    code = request.GET.get("code", "").strip()[:MAX_CODE_LENGTH]
    line = next((line for line in lines if line.line_no == line_no), None)
    if line is None or not code:
        return {}
    product = product_find_by_code(code=code)
    if product is None:
        return {"line_no": line_no, "code": code, "product": None}
    (stock,) = availability_at_store(store=store, products=[product])
    return {
        "line_no": line_no,
        "code": code,
        "product": product,
        "available": stock.available,
        "enough": stock.available >= line.quantity,
        "quote": substitute_quote(order=order, line=line, product=product, at=timezone.now()),
    }


@staff_required
def order_page(request, number: str):
    """Show an order with its lines and the next step this store can take."""
    context = page_context(request)
    order = store_order(context, number)
    store = context["store"]
    lines = order_page_lines(order=order)
    events = order.events.select_related("actor").order_by("-at", "-pk")[:20]
    context.update(
        order=order,
        customer_name=customer_name(order),
        lines=lines,
        open_lines=sum(1 for line in lines if line.status == OrderLine.Status.OPEN),
        next_step=_next_step(order, store, lines),
        picks_here=order.fulfil_location_id == store.pk,
        substitute=_substitute_choice(request, order, store, lines),
        ship_form=ShipForm(),
        figures=order_figures(order, lines=lines, refunds=list(order.refunds.all())),
        history=order_history(order, events),
    )
    return TemplateResponse(request, "orders/store/order.html", context)


def _back(order: Order, anchor: str = ""):
    url = reverse("orders:order", args=[order.number])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _line(order: Order, line_no: int) -> OrderLine:
    return get_object_or_404(
        OrderLine.objects.select_related("product"), order=order, line_no=line_no
    )


@require_POST
@staff_required
def line_pick(request, number: str, line_no: int):
    """Confirm one line is picked."""
    context = page_context(request)
    order = store_order(context, number)
    line = _line(order, line_no)
    done = call_service(
        request,
        order_line_pick,
        line=line,
        store=context["store"],
        actor=request.user,
        at=timezone.now(),
    )
    if done is not None:
        messages.success(
            request,
            _("Picked %(quantity)d x %(name)s.") % {"quantity": line.quantity, "name": line.name},
        )
    return _back(order, f"line-{line.line_no}")


@require_POST
@staff_required
def line_short_pick(request, number: str, line_no: int):
    """A line's item is missing or damaged: remove it and refund, or substitute a product."""
    context = page_context(request)
    order = store_order(context, number)
    line = _line(order, line_no)
    form = ShortPickForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(order, f"line-{line.line_no}")
    substitute = None
    if form.cleaned_data["action"] == ShortPickForm.REMOVE and not form.cleaned_data["confirm"]:
        # Money goes back only from the page that shows how much and where to.
        return redirect("orders:line_remove_confirm", number=order.number, line_no=line.line_no)
    if form.cleaned_data["action"] == ShortPickForm.SUBSTITUTE:
        code = form.cleaned_data["code"].strip()
        substitute = product_find_by_code(code=code)
        if substitute is None:
            messages.error(request, _("No product with SKU or GTIN '%(code)s'.") % {"code": code})
            return _back(order, f"line-{line.line_no}")
    done = call_service(
        request,
        order_line_short_pick,
        line=line,
        store=context["store"],
        substitute=substitute,
        actor=request.user,
        at=timezone.now(),
    )
    if done is not None:
        if substitute is None:
            messages.success(
                request,
                _("Removed %(name)s; %(amount)s %(currency)s is refunded and the customer is told.")
                % {"name": line.name, "amount": line.total_amount, "currency": order.currency},
            )
        else:
            messages.success(
                request,
                _("Replaced %(name)s by %(substitute)s; the customer is told.")
                % {"name": line.name, "substitute": substitute.name},
            )
    return _back(order, f"line-{line.line_no}")


@staff_required
def line_remove_confirm(request, number: str, line_no: int):
    """Ask before "Remove and refund": the item, the amount and the tenders it goes back to."""
    context = page_context(request)
    order = store_order(context, number)
    line = _line(order, line_no)
    amount = line.total_amount - line.refunded_amount
    context.update(
        order=order,
        line=line,
        amount=amount,
        shares=refund_preview(order=order, amount=amount),
        removable=line.status in (OrderLine.Status.OPEN, OrderLine.Status.PICKED)
        and order.status in PICKABLE_STATUSES
        and order.fulfil_location_id == context["store"].pk,
    )
    return TemplateResponse(request, "orders/store/remove_confirm.html", context)


@require_POST
@staff_required
def ready(request, number: str):
    """All lines picked: ready for pickup here, or sent to the collecting store."""
    context = page_context(request)
    order = store_order(context, number)
    done = call_service(
        request,
        order_ready,
        order=order,
        store=context["store"],
        actor=request.user,
        at=timezone.now(),
    )
    if done is not None:
        if done.status == Order.Status.IN_TRANSIT:
            messages.success(
                request,
                _("Order %(number)s is on its way to %(store)s.")
                % {"number": order.number, "store": order.collect_store.name},
            )
        else:
            messages.success(
                request,
                _("Order %(number)s is ready for pickup; the customer is told.")
                % {"number": order.number},
            )
    return _back(order)


@require_POST
@staff_required
def ship(request, number: str):
    """Ship-from-store: all lines picked and packed, handed to the carrier."""
    context = page_context(request)
    order = store_order(context, number)
    form = ShipForm(request.POST)
    tracking = form.cleaned_data["tracking"].strip() if form.is_valid() else ""
    done = call_service(
        request,
        order_ship,
        order=order,
        store=context["store"],
        tracking=tracking,
        actor=request.user,
        at=timezone.now(),
    )
    if done is not None:
        messages.success(request, _("Order %(number)s is shipped.") % {"number": order.number})
    return _back(order)


@require_POST
@staff_required
def receive(request, number: str):
    """The transfer of a collect-here order arrived: receive it, the order becomes ready."""
    context = page_context(request)
    order = store_order(context, number)
    done = call_service(
        request,
        order_transfer_receive,
        order=order,
        store=context["store"],
        actor=request.user,
        at=timezone.now(),
    )
    if done is not None:
        messages.success(
            request,
            _("Received order %(number)s; it is ready for pickup and the customer is told.")
            % {"number": order.number},
        )
    return _back(order)
