"""Who may use the store pages, and which store a request works in."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from retail.models import Store
from retail.selectors import staff_profile_for, stores_for_user

# The store a staff member last picked; always re-checked against their stores.
SESSION_STORE_KEY = "store_pages_store_id"


def is_store_staff(user) -> bool:
    """Return whether ``user`` may use the store pages: any staff profile, or a superuser."""
    return user.is_superuser or staff_profile_for(user) is not None


def staff_required(view):
    """Send anonymous users to the login page and refuse non-staff users with a 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_store_staff(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def forbidden(request, *, message: str = "") -> TemplateResponse:
    """Render the store pages' 403 page."""
    return TemplateResponse(request, "store/forbidden.html", {"message": message}, status=403)


def current_store(request, stores: QuerySet[Store]) -> Store | None:
    """Return the store this request works in: the one picked, if still allowed, else the first.

    ``stores`` are the user's stores (``stores_for_user``); a stale or
    tampered session value outside them is ignored.
    """
    store_id = request.session.get(SESSION_STORE_KEY)
    if store_id is not None:
        store = stores.filter(pk=store_id).first()
        if store is not None:
            return store
    return stores.order_by("code").first()


def remember_store(request, store: Store) -> None:
    """Keep ``store`` as the request's store for the rest of the session."""
    request.session[SESSION_STORE_KEY] = store.pk


def page_context(request, stores: QuerySet[Store] | None = None) -> dict:
    """What the base template shows on every store page: the store and the user's role.

    ``stores`` are the user's stores when the caller already has them.
    """
    stores = stores if stores is not None else stores_for_user(request.user)
    profile = staff_profile_for(request.user)
    store = current_store(request, stores)
    return {
        "store": store,
        # Times on store pages are the store's local time.
        "store_tz": store.time_zone if store else "UTC",
        "role": profile.get_role_display() if profile else _("Superuser"),
    }
