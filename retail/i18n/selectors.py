"""Reads behind the staff language: the user's choice and their store's market."""

from django.conf import settings

from retail.models import StaffProfile, UserPreference

# The language of each market we sell in; a market not listed has no default.
MARKET_LANGUAGES = {"DK": "da", "SE": "sv", "NO": "nb"}


def market_language(*, country: str) -> str | None:
    """Return the language of the market ``country`` (``"DK"`` -> ``"da"``), or None."""
    return MARKET_LANGUAGES.get(str(country).upper())


def user_language_choice(*, user) -> str:
    """Return the language ``user`` chose for themselves, or ``""`` to follow their store."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return (
        UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""
    )


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

    None means neither says anything; the caller falls back to the browser's
    Accept-Language and then to ``LANGUAGE_CODE``.
    """
    known = {code for code, _name in settings.LANGUAGES}
    choice = user_language_choice(user=user)
    if choice in known:
        return choice
    language = user_store_language(user=user, store_id=store_id)
    return language if language in known else None

