"""Store pages for stock: look an item up in every store, and hold units for a customer.

A clerk scans or types a SKU or GTIN and sees on hand, reserved and available
in every store (their own first, then the nearest), and may place a hold at
any store: the customer will go there, and the stock must wait for them.
Releasing a hold is for the store that holds the stock: a clerk releases the
holds of their own stores only (HQ and superusers any).

Views parse the request, call a selector or one service, and render.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.errors import InsufficientStockError
from inventory.forms import DEFAULT_HOLD_HOURS, HoldForm
from inventory.models import Reservation
from inventory.selectors import availability_across_stores
from inventory.services import reservation_release, stock_reserve
from retail.models import Store
from retail.selectors import product_find_by_code, stores_for_user
from retail.store.access import forbidden, page_context, staff_required

MAX_CODE_LENGTH = 100
# References are namespaced by who places them ("order:1042"); a staff hold's note, if any,
# follows its token, since a reservation has no column of its own for it.
HOLD_PREFIX = "hold:"


def _page_context(request) -> dict:
    stores = stores_for_user(request.user)
    return {**page_context(request, stores), "own_stores": stores}


def _rows_own_first(rows, store: Store | None):
    """The availability rows with the user's store first; the rest stay nearest first."""
    if store is None:
        return rows
    return sorted(rows, key=lambda row: row.store.pk != store.pk)


def _holds_at(store: Store | None) -> list[Reservation]:
    """The active staff holds at ``store``, soonest to expire first."""
    if store is None:
        return []
    return list(
        Reservation.objects.filter(
            location=store,
            status=Reservation.Status.ACTIVE,
            reference_kind=Reservation.ReferenceKind.STAFF_HOLD,
        )
        .select_related("product", "customer", "actor")
        .order_by("expires_at", "pk")
    )


def _render(request, context: dict, *, form: HoldForm | None = None, status: int = 200):
    code = context.get("code", "")
    store = context["store"]
    product = product_find_by_code(code=code) if code else None
    context.update(product=product, holds=_holds_at(store))
    if product is not None:
        locations = list(Store.objects.filter(is_active=True))
        near = (float(store.latitude), float(store.longitude)) if store else None
        rows = availability_across_stores(product=product, near=near, stores=locations)
        hold_stores = [s for s in locations if s.kind == Store.Kind.STORE]
        if form is None:
            chosen = request.GET.get("hold_at") or (store.code if store else "")
            form = HoldForm(
                stores=hold_stores,
                initial={
                    "code": product.sku,
                    "token": secrets.token_hex(4).upper(),
                    "store": chosen,
                    "hours": DEFAULT_HOLD_HOURS,
                    "quantity": 1,
                },
            )
        context.update(
            rows=_rows_own_first(rows, store),
            hold_codes={s.code for s in hold_stores},
            form=form,
            total_available=sum(row.available for row in rows),
        )
    return TemplateResponse(request, "inventory/stock_lookup.html", context, status=status)


@staff_required
def stock_lookup(request):
    """Show an item's stock in every store, a form to hold it, and this store's holds."""
    context = _page_context(request)
    context["code"] = request.GET.get("code", "").strip()[:MAX_CODE_LENGTH]
    return _render(request, context)


@require_POST
@staff_required
def hold_place(request):
    """Reserve units for a customer at the chosen store (reference kind ``staff_hold``).

    The form's token makes the reference, so a double-submitted form finds
    its hold already placed instead of holding twice.
    """
    context = _page_context(request)
    code = request.POST.get("code", "").strip()[:MAX_CODE_LENGTH]
    context["code"] = code
    product = product_find_by_code(code=code) if code else None
    if product is None:
        return _render(request, context, status=400)
    own = context["store"]
    hold_stores = list(Store.objects.filter(is_active=True, kind=Store.Kind.STORE))
    form = HoldForm(request.POST, stores=hold_stores, country=own.country.code if own else "DK")
    if not form.is_valid():
        return _render(request, context, form=form, status=400)
    data = form.cleaned_data
    reference = HOLD_PREFIX + data["token"]
    if data["note"]:
        reference = f"{reference} {data['note']}"
    if Reservation.objects.filter(reference=reference).exists():
        # The same form posted twice: the first post placed the hold.
        return redirect(f"{reverse('inventory_store:stock')}?{urlencode({'code': product.sku})}")
    try:
        (hold,) = stock_reserve(
            location=data["store"],
            lines=[(product, data["quantity"])],
            reference_kind=Reservation.ReferenceKind.STAFF_HOLD,
            reference=reference,
            customer=data["customer"],
            actor=request.user,
            ttl=timedelta(hours=data["hours"]),
        )
    except InsufficientStockError as exc:
        short = exc.extra.get("lines") or [{}]
        form.add_error(
            "quantity",
            _("Only %(available)d available at %(store)s; cannot hold %(quantity)d.")
            % {
                "available": short[0].get("available", 0),
                "store": data["store"].name,
                "quantity": data["quantity"],
            },
        )
        return _render(request, context, form=form, status=409)
    messages.success(
        request,
        _("Held %(quantity)d x %(product)s at %(store)s until %(until)s.")
        % {
            "quantity": hold.quantity,
            "product": product.name,
            "store": data["store"].name,
            "until": timezone.localtime(hold.expires_at, data["store"].tz).strftime(
                "%Y-%m-%d %H:%M"
            ),
        },
    )
    return redirect(f"{reverse('inventory_store:stock')}?{urlencode({'code': product.sku})}")


@require_POST
@staff_required
def hold_release(request, pk: int):
    """Release an active hold of one of the user's own stores; other stores' are refused."""
    hold = get_object_or_404(
        Reservation.objects.select_related("location", "product"),
        Q(reference_kind=Reservation.ReferenceKind.STAFF_HOLD),
        pk=pk,
    )
    if not stores_for_user(request.user).filter(pk=hold.location_id).exists():
        return forbidden(
            request,
            message=_("Only %(store)s can release its holds.") % {"store": hold.location.name},
        )
    released = reservation_release(
        reservations=[hold], reason=f"released on the store page by {request.user.get_username()}"
    )
    if not released:
        messages.warning(request, _("This hold was no longer active."))
    else:
        messages.success(
            request,
            _("Released the hold of %(quantity)d x %(product)s.")
            % {"quantity": hold.quantity, "product": hold.product.name},
        )
    next_code = request.POST.get("code", "")
    query = f"?{urlencode({'code': next_code})}" if next_code else ""
    return redirect(f"{reverse('inventory_store:stock')}{query}")
