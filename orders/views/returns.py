"""Returns and exchanges at the counter: find the purchase, choose, review, confirm, print.

Find (one box: receipt barcode, order number, pickup code, or a customer),
choose lines, quantities and conditions and how the money goes back,
review what will happen, confirm once.  The choose page puts a fresh key in
a hidden field; it travels through the review to the confirm, where it is
the service's ``source_key``: a double submit or a reload finds the return
already made and shows its receipt instead of refunding twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.models import Order, Return, ReturnLine
from orders.services.returns import ReturnRequestLine, exchange_create, return_create
from orders.services.tenders import TenderRequest
from orders.store_returns import (
    FOUND_CUSTOMER,
    FOUND_ORDER,
    OTHER_MARKET,
    customer_for_store,
    exchange_preview,
    lines_left,
    purchase_find,
    return_blocker,
    return_deadline,
    return_preview,
    return_receipt,
    returnable_orders,
)
from orders.views.common import customer_name, no_store
from retail.errors import DomainError
from retail.selectors import product_find_by_code, store_sales_channel
from retail.store.access import page_context, staff_required

EXCHANGE = "exchange"
MODES = (Return.RefundTo.ORIGINAL, Return.RefundTo.CREDIT_NOTE, EXCHANGE)


@staff_required
def find(request):
    """One box for a scanned receipt, an order number, a pickup code or a customer."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    text = request.GET.get("q", "").strip()[:100]
    context["q"] = text
    if text:
        result = purchase_find(store=store, text=text, at=timezone.now())
        if result.outcome == FOUND_ORDER:
            return redirect("returns:choose", number=result.order.number)
        context["result"] = result
        context["found_customer"] = result.outcome == FOUND_CUSTOMER
        context["other_market"] = result.outcome == OTHER_MARKET
        if result.customer is not None:
            context["customer_name"] = (
                f"{result.customer.first_name} {result.customer.last_name}".strip()
            )
    return TemplateResponse(request, "orders/store/returns/find.html", context)


def _order_for(context: dict, number: str, customer_id: str) -> tuple[Order, str]:
    """The order ``number`` this store may take back (its own, or the named customer's), or 404."""
    store = context["store"]
    customer = customer_for_store(store=store, public_id=customer_id) if customer_id else None
    order = (
        returnable_orders(store=store, customer=customer)
        .select_related("customer", "collect_store", "fulfil_location", "channel")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise Http404
    return order, str(customer.public_id) if customer else ""


@dataclass
class Choice:
    """The choose form, parsed: what to take back, how, and the key of this one return."""

    key: str = ""
    mode: str = Return.RefundTo.ORIGINAL
    reason: str = ""
    quantities: dict[int, int] = field(default_factory=dict)
    conditions: dict[int, str] = field(default_factory=dict)
    new_code: str = ""
    new_quantity: int = 1
    new_sku: str = ""
    errors: list[str] = field(default_factory=list)

    def request_lines(self) -> list[ReturnRequestLine]:
        return [
            ReturnRequestLine(no, qty, self.conditions.get(no, ReturnLine.Condition.RESELLABLE))
            for no, qty in sorted(self.quantities.items())
            if qty > 0
        ]


def _int(value: str, default: int = 0) -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return None


def _parse(post, rows) -> Choice:
    """Read the choose form against the lines left; every problem becomes a clear error."""
    choice = Choice(
        key=post.get("key", "")[:64] or uuid.uuid4().hex,
        mode=post.get("mode", Return.RefundTo.ORIGINAL),
        reason=post.get("reason", "").strip()[:200],
        new_code=post.get("new_code", "").strip()[:64],
    )
    if choice.mode not in MODES:
        choice.errors.append(_("Choose how the customer gets the money back."))
    for row in rows:
        no = row.line.line_no
        quantity = _int(post.get(f"qty_{no}", ""))
        condition = post.get(f"condition_{no}", ReturnLine.Condition.RESELLABLE)
        choice.conditions[no] = condition
        if quantity is None or quantity < 0:
            choice.errors.append(
                _("%(name)s: give the number of units to return.") % {"name": row.line.name}
            )
            continue
        choice.quantities[no] = quantity
        if quantity > row.left:
            choice.errors.append(
                _("%(name)s: only %(left)s left to return, not %(quantity)s.")
                % {"name": row.line.name, "left": row.left, "quantity": quantity}
            )
        if condition not in ReturnLine.Condition.values:
            choice.errors.append(
                _("%(name)s: say whether it can be sold again.") % {"name": row.line.name}
            )
    if not choice.errors and not choice.request_lines():
        choice.errors.append(_("Choose at least one unit to return."))
    if choice.mode == EXCHANGE:
        new_quantity = _int(post.get("new_quantity", ""), default=1)
        if new_quantity is None or new_quantity < 1:
            choice.errors.append(_("Give the number of new items, one or more."))
        else:
            choice.new_quantity = new_quantity
        product = product_find_by_code(code=choice.new_code) if choice.new_code else None
        if not choice.new_code:
            choice.errors.append(_("Scan or type the SKU or GTIN of the new item."))
        elif product is None:
            choice.errors.append(
                _("No product has the SKU or GTIN %(code)s.") % {"code": choice.new_code}
            )
        else:
            choice.new_sku = product.sku
    return choice


def _choose_page(request, context, order, customer_id, *, choice=None, status=200):
    store = context["store"]
    rows = lines_left(order=order)
    at = timezone.now()
    choice = choice or Choice(key=uuid.uuid4().hex)
    context.update(
        order=order,
        customer_id=customer_id,
        customer_name=customer_name(order),
        rows=[
            {
                "line": row.line,
                "left": row.left,
                "quantity": choice.quantities.get(row.line.line_no, 0),
                "condition": choice.conditions.get(
                    row.line.line_no, ReturnLine.Condition.RESELLABLE
                ),
            }
            for row in rows
        ],
        blocker=return_blocker(order=order, lines=rows, at=at),
        deadline=return_deadline(order),
        bought_at=order.closed_at or order.placed_at,
        other_store=order.collect_store_id != store.pk and order.fulfil_location_id != store.pk,
        choice=choice,
        conditions=ReturnLine.Condition.choices,
    )
    return TemplateResponse(request, "orders/store/returns/choose.html", context, status=status)


@staff_required
def choose(request, number: str):
    """The order's lines with what is left to return; conditions, reason and how to refund."""
    context = page_context(request)
    if context["store"] is None:
        return no_store(request, context)
    order, customer_id = _order_for(context, number, request.GET.get("customer", ""))
    return _choose_page(request, context, order, customer_id)


def _prepare(request, context: dict, number: str):
    """Parse the form and work out the preview; (order, customer id, choice, preview)."""
    order, customer_id = _order_for(context, number, request.POST.get("customer", ""))
    choice = _parse(request.POST, lines_left(order=order))
    preview = None
    channel = store_sales_channel(store=context["store"])
    if channel is None:
        choice.errors.append(_("This store has no till channel, so it cannot take returns."))
    if not choice.errors:
        try:
            if choice.mode == EXCHANGE:
                preview = exchange_preview(
                    order=order,
                    lines=choice.request_lines(),
                    new_lines=[(choice.new_sku, choice.new_quantity)],
                    channel=channel,
                    store=context["store"],
                    at=timezone.now(),
                )
            else:
                preview = return_preview(
                    order=order,
                    lines=choice.request_lines(),
                    refund_to=choice.mode,
                    at=timezone.now(),
                )
        except DomainError as exc:
            choice.errors.append(exc.message)
    context["channel"] = channel
    return order, customer_id, choice, preview


@require_POST
@staff_required
def review(request, number: str):
    """Show what confirming will do: each line's refund, the split or the exchange difference."""
    context = page_context(request)
    if context["store"] is None:
        return no_store(request, context)
    order, customer_id, choice, preview = _prepare(request, context, number)
    if choice.errors:
        return _choose_page(request, context, order, customer_id, choice=choice, status=400)
    context.update(
        order=order,
        customer_id=customer_id,
        customer_name=customer_name(order),
        choice=choice,
        preview=preview,
        review_lines=[
            {
                "line": c.line,
                "quantity": c.quantity,
                "condition": ReturnLine.Condition(c.condition).label,
                "refund": c.refund,
            }
            for c in preview.lines
        ],
        exchange=choice.mode == EXCHANGE,
        credit_note=choice.mode == Return.RefundTo.CREDIT_NOTE,
        hidden=[
            (name, value)
            for name, value in request.POST.items()
            if name not in ("csrfmiddlewaretoken", "key")
        ],
    )
    return TemplateResponse(request, "orders/store/returns/review.html", context)


@require_POST
@staff_required
def confirm(request, number: str):
    """Take the return (or exchange) once, under the page's key; then show its receipt."""
    context = page_context(request)
    if context["store"] is None:
        return no_store(request, context)
    order, customer_id, choice, preview = _prepare(request, context, number)
    store = context["store"]
    source_key = f"store:{store.pk}:user:{request.user.pk}:{choice.key}"
    done = Return.objects.filter(source_key=source_key, store=store).first()
    if done is not None:
        # A second click or a reload: the return is made; show it, refund nothing again.
        return redirect("returns:receipt", number=done.number)
    if choice.errors:
        return _choose_page(request, context, order, customer_id, choice=choice, status=400)
    try:
        if choice.mode == EXCHANGE:
            record = exchange_create(
                order=order,
                lines=choice.request_lines(),
                new_lines=[(choice.new_sku, choice.new_quantity)],
                channel=context["channel"],
                store=store,
                source_key=source_key,
                tenders=[TenderRequest(kind="external", provider="store")]
                if preview.due > 0
                else [],
                actor=request.user,
                at=timezone.now(),
            )
        else:
            record = return_create(
                order=order,
                lines=choice.request_lines(),
                channel=context["channel"],
                store=store,
                source_key=source_key,
                refund_to=choice.mode,
                reason=choice.reason,
                actor=request.user,
                at=timezone.now(),
            )
    except DomainError as exc:
        choice.errors.append(exc.message)
        return _choose_page(request, context, order, customer_id, choice=choice, status=400)
    return redirect("returns:receipt", number=record.number)


@staff_required
def receipt(request, number: str):
    """The return receipt, printable: lines, conditions, refund per tender or credit note code."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    found = return_receipt(store=store, number=number)
    if found is None:
        raise Http404
    record = found.record
    context.update(receipt=found, record=record, customer_name=customer_name(record.order))
    return TemplateResponse(request, "orders/store/returns/receipt.html", context)
