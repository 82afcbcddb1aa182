"""Hand-over at the counter: scan or type the pickup code, check the order, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.errors import PickupCodeNotFoundError
from orders.forms import HandOverForm
from orders.models import OrderLine
from orders.queue import order_ready_by_code
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
            context["not_found"] = PickupCodeNotFoundError.default_message
        else:
            context.update(
                order=order,
                customer_name=customer_name(order),
                lines=list(order.lines.filter(status=OrderLine.Status.PICKED).order_by("line_no")),
            )
    return TemplateResponse(request, "orders/store/hand_over.html", context)


@require_POST
@staff_required
def hand_over_confirm(request):
    """Hand the order over (``order_hand_over``); a wrong code or state is shown, not a 500."""
    context = page_context(request)
    store = context["store"]
    if store is None:
        return no_store(request, context)
    code = pickup_code_normalize(request.POST.get("code", "")[:100])
    done = call_service(
        request,
        order_hand_over,
        pickup_code=code,
        store=store,
        actor=request.user,
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
