"""Activate the staff user's language on the store pages and in the admin."""

from django.utils import translation

from retail.i18n.selectors import user_language
from retail.store.access import SESSION_STORE_KEY


class StaffLanguageMiddleware:
    """After authentication: the user's choice, else their store's market language.

    Runs after Django's ``LocaleMiddleware``, which has already activated the
    browser's Accept-Language (or ``LANGUAGE_CODE``); that stays when the user
    chose nothing and has no store.  API requests are left alone: the API
    decides its own language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and request.user.is_authenticated:
            session = getattr(request, "session", None)
            store_id = session.get(SESSION_STORE_KEY) if session is not None else None
            language = user_language(user=request.user, store_id=store_id)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
