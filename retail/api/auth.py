"""API-key authentication for channel clients (``Authorization: Api-Key <key>``).

A key once checked is remembered by the web process until any key, client or
channel changes (``retail.api.key_cache``).
"""

from datetime import datetime

from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import authentication, exceptions

from retail.api import key_cache
from retail.models import ApiClient, ApiClientKey
from retail.request_id import bind_api_client

KEYWORD = "Api-Key"


class ApiClientUser:
    """The ``request.user`` of a key-authenticated call; ``request.auth`` is the ApiClient."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, client: ApiClient):
        self.client = client
        self.pk = None
        self.id = None

    def __str__(self):
        return f"api-client:{self.client.pk}"

    @cached_property
    def username(self) -> str:
        return str(self)

    def has_perm(self, perm, obj=None) -> bool:
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate a channel client by its hashed, revocable, expiring key."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, key = header.partition(" ")
        if keyword != KEYWORD:
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed("No API key given after 'Api-Key'.")
        digest = key_cache.memory.digest(key)
        revision = key_cache.memory.revision()
        known = key_cache.memory.get(digest, revision)
        if known is not None:
            if known.expires_at is not None and known.expires_at < timezone.now():
                raise exceptions.AuthenticationFailed("This API key has expired.")
            bind_api_client(known.client)
            return ApiClientUser(known.client), known.client
        client, expires_at = self._check(key)
        if revision is not None:
            key_cache.memory.put(digest, key_cache.Entry(revision, client, expires_at))
        bind_api_client(client)
        return ApiClientUser(client), client

    @staticmethod
    def _check(key: str) -> tuple[ApiClient, datetime | None]:
        """The client of ``key`` and the key's expiry, looked up and its hash checked.

        Raises ``AuthenticationFailed`` for an unknown, revoked, expired or disabled key.
        """
        prefix, _, _ = key.partition(".")
        api_key = (
            ApiClientKey.objects.get_usable_keys()
            .select_related("client__channel", "client__store")
            .filter(prefix=prefix)
            .first()
        )
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        client = api_key.client
        if not client.is_active or not client.channel.is_active:
            raise exceptions.AuthenticationFailed("This API client is disabled.")
        return client, api_key.expiry_date

    def authenticate_header(self, request):
        return KEYWORD


def request_client(request) -> ApiClient | None:
    """Return the channel client of a key-authenticated request, else None."""
    return request.auth if isinstance(request.auth, ApiClient) else None
