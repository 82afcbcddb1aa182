"""Reads behind the staff language: the user's choice and their store's market."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, F, OuterRef, Subquery, Value, When

from retail.models import StaffProfile, Store, UserPreference

# The language of each market we sell in; a market not listed has no default.
MARKET_LANGUAGES = {"DK": "da", "SE": "sv", "NO": "nb"}


def market_language(*, country: str) -> str | None:
    """Return the language of the market ``country`` (``"DK"`` -> ``"da"``), or None."""
    return MARKET_LANGUAGES.get(str(country).upper())


def user_language_choice(*, user) -> str:
    """Return the language ``user`` chose for themselves, or ``""`` to follow their store."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""


def user_store_language(*, user, store_id: int | None = None) -> str | None:
    """Return the market language of the store ``user`` works in, or None.

    Store staff work in the store picked in their session (``store_id``, when it
    is one of theirs) or else their first store by code; HQ staff and
    superusers belong to no store, so they have no market default.
    """
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None or profile.is_hq:
        return None
    stores = profile.stores.all()
    store = stores.filter(pk=store_id).first() if store_id is not None else None
    store = store or stores.order_by("code").first()
    return market_language(country=store.country.code) if store else None


def user_language(*, user, store_id: int | None = None) -> str | None:
    """Return the language to show ``user``: their choice, else their store's market language.

    One query.  The store is the one picked in the session (``store_id``, when
    it is one of the user's) or else their first by code; HQ staff and
    superusers keep no stores, so they have no market default.  None means
    neither says anything: the caller falls back to the browser's
    Accept-Language and then to ``LANGUAGE_CODE``.
    """
    stores = Store.objects.filter(staff__user=OuterRef("pk"))
    picked_first = Case(When(pk=store_id, then=Value(0)), default=Value(1))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            choice=F("preference__language"),
            store_country=Subquery(stores.order_by(picked_first, "code").values("country")[:1]),
        )
        .values_list("choice", "store_country")
        .first()
    )
    if row is None:
        return None
    choice, country = row
    known = {code for code, _name in settings.LANGUAGES}
    if choice in known:
        return choice
    language = market_language(country=country) if country else None
    return language if language in known else None
