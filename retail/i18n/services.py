"""Writes of the staff language preference."""

from django.db import transaction

from retail.models import Language, UserPreference


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreference:
    """Set the language ``user`` reads the store pages and the admin in.

    ``""`` follows the market of the user's store again.  Raises ``ValueError``
    for a language we do not ship.
    """
    if language and language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    preference, _created = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference
