"""Pages for store staff: their store today, and a product lookup by scan, SKU or name.

Views parse the request, call selectors and render; the store a page works in
is always one of ``stores_for_user(request.user)``.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.i18n.selectors import user_language, user_language_choice, user_store_language
from retail.i18n.services import user_language_set
from retail.models import Category, Language
from retail.selectors import (
    product_find_by_code,
    product_search_by_name,
    store_hours_on,
    store_sales_channel,
    stores_for_user,
)
from retail.store.access import (
    SESSION_STORE_KEY,
    forbidden,
    page_context,
    remember_store,
    staff_required,
)
from retail.store.panels import HOME, PRODUCT, store_panels_html

# A scanner sends at most 14 digits; anything far longer is not a code or a name.
MAX_CODE_LENGTH = 100
NAME_MATCH_LIMIT = 20


@staff_required
def home(request):
    """Show the store the user works in: address, today's hours, today's work, a store picker.

    Today's work (orders by state, with links to the queue) is the orders
    app's panel (``retail.store.panels``).
    """
    stores = stores_for_user(request.user)
    context = page_context(request, stores)
    store = context["store"]
    if store is not None:
        now = timezone.now()
        context["panels"] = store_panels_html(HOME, request, store=store, at=now)
        local_now = now.astimezone(store.tz)
        hours = store_hours_on(store=store, day=local_now.date())
        context.update(
            local_now=local_now,
            hours=hours,
            open_now=hours.is_open_at(local_now.time()),
        )
    if stores.count() > 1:
        context["store_choices"] = stores.order_by("country", "name")
    return TemplateResponse(request, "store/home.html", context)


@require_POST
@staff_required
def select_store(request):
    """Switch the session to another of the user's stores; any other store is refused."""
    code = request.POST.get("store", "")
    store = stores_for_user(request.user).filter(code=code).first()
    if store is None:
        return forbidden(
            request, message=_("You cannot work in store '%(code)s'.") % {"code": code}
        )
    remember_store(request, store)
    messages.success(request, _("You are now working in %(store)s.") % {"store": store.name})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("store:home")


@staff_required
def product_lookup(request):
    """Find a product by a scanned or typed SKU or GTIN; fall back to a search by name."""
    context = page_context(request)
    code = request.GET.get("code", "").strip()[:MAX_CODE_LENGTH]
    context["code"] = code
    if not code:
        return TemplateResponse(request, "store/product_lookup.html", context)
    product = product_find_by_code(code=code)
    if product is None:
        context["name_matches"] = product_search_by_name(text=code, limit=NAME_MATCH_LIMIT)
        context["name_match_limit"] = NAME_MATCH_LIMIT
        return TemplateResponse(request, "store/product_lookup.html", context)
    try:
        scanned = gtin14(code) if code.isdigit() else None
    except InvalidGtinError:
        scanned = None
    category = product.category
    gtins = [
        {"gtin": gtin, "kind": _gtin_kind(gtin.gtin), "scanned": gtin.gtin14 == scanned}
        for gtin in product.gtins.all()
    ]
    context.update(
        product=product,
        category_path=[*Category.objects.get_ancestors(category), category],
        gtins=gtins,
        scanned_gtin=next((row["gtin"] for row in gtins if row["scanned"]), None),
    )
    store = context["store"]
    if store is not None:
        # Price (as the API says it) and stock here: the pricing and inventory panels.
        context["panels"] = store_panels_html(
            PRODUCT,
            request,
            store=store,
            channel=store_sales_channel(store=store),
            product=product,
            at=timezone.now(),
        )
    return TemplateResponse(request, "store/product_lookup.html", context)


def _gtin_kind(gtin: str) -> str:
    return {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}.get(len(gtin), "GTIN")


@staff_required
def language(request):
    """Show and change the language the user reads the store pages and the admin in."""
    if request.method == "POST":
        choice = request.POST.get("language", "")
        if choice and choice not in Language.values:
            return forbidden(request, message=_("Unknown language."))
        user_language_set(user=request.user, language=choice)
        # The middleware ran before the change: answer (and redirect) in the new language.
        translation.activate(
            user_language(user=request.user, store_id=request.session.get(SESSION_STORE_KEY))
            or translation.get_language()
        )
        messages.success(request, _("Language saved."))
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("store:language")
    context = page_context(request)
    context.update(
        choice=user_language_choice(user=request.user),
        languages=[(code, Language(code).label) for code in Language.values],
        market_language=user_store_language(
            user=request.user, store_id=request.session.get(SESSION_STORE_KEY)
        ),
        next=request.GET.get("next", ""),
    )
    return TemplateResponse(request, "store/language.html", context)
