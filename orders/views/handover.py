"""Hand-over at the counter: scan or type the pickup code, check the order, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.errors import PickupCodeNotFoundError
from orders.forms import HandOverConfirmForm, HandOverForm
from orders.history_words import actor_name
from orders.models import OrderLine
from orders.queue import order_collected_by_code, order_ready_by_code
from orders.selectors_figures import order_figures
from orders.services.fulfilment import order_hand_over
from orders.services.numbers import pickup_code_normalize
from orders.views.common import call_service, customer_name, no_store
from retail.store.access import page_context, staff_required


@staff_required
def hand_over(request):
    """Find the order ready here by its pickup code and show it before handing it over."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    form = HandOverForm(request.GET or None)
    context["form"] = form
    if form.is_bound and form.is_valid():
        code = pickup_code_normalize(form.cleaned_data["code"])
        order = order_ready_by_code(code=code, store=store)
        context["code"] = code
        if order is None:
            context["collected"] = _collected_text(code, store)
            if not context["collected"]:
                context["not_found"] = PickupCodeNotFoundError.default_message
        else:
            lines = list(order.lines.all())
            context.update(
                order=order,
                customer_name=customer_name(order),
                lines=sorted(
                    (line for line in lines if line.status == OrderLine.Status.PICKED),
                    key=lambda line: line.line_no,
                ),
                figures=order_figures(order, lines=lines, refunds=list(order.refunds.all())),
                confirm_form=HandOverConfirmForm(),
            )
    return TemplateResponse(request, "orders/store/hand_over.html", context)


def _collected_text(code: str, store) -> str:
    """ "Order X was collected on <when> by <staff> (handed to <name>)", or "" if not collected."""
    found = order_collected_by_code(code=code, store=store)
    if found is None:
        return ""
    order, event = found
    at = event.at if event is not None else order.closed_at
    local = timezone.localtime(at, store.tz) if at else None
    when = (
        f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"
        if local
        else ""
    )
    values = {
        "number": order.number,
        "when": when,
        "staff": actor_name(event.actor if event else None) or _("unknown staff"),
    }
    text = _("Order %(number)s was collected on %(when)s by %(staff)s.") % values
    handed_to = (event.data or {}).get("handed_to") if event is not None else ""
    if handed_to:
        text = _(
            "Order %(number)s was collected on %(when)s by %(staff)s (handed to %(name)s)."
        ) % (values | {"name": handed_to})
    return text


@require_POST
@staff_required
def hand_over_confirm(request):
    """Hand the order over (``order_hand_over``); a wrong code or state is shown, not a 500."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    code = pickup_code_normalize(request.POST.get("code", "")[:100])
    form = HandOverConfirmForm(request.POST)
    done = call_service(
        request,
        order_hand_over,
        pickup_code=code,
        store=store,
        actor=request.user,
        handed_to=form.cleaned_data["handed_to"] if form.is_valid() else "",
        at=timezone.now(),
    )
    if done is None:
        return redirect(f"{reverse('orders:hand_over')}?{urlencode({'code': code})}")
    messages.success(
        request,
        _("Order %(number)s handed over to %(name)s.")
        % {"number": done.number, "name": customer_name(done) or _("the customer")},
    )
    return redirect("orders:hand_over")
